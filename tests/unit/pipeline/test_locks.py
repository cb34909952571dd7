"""The runner's ordering primitives: shared/exclusive community lock, per-member sequences."""

from __future__ import annotations

import asyncio

from bot.pipeline.locks import KeyedSequencer, SharedExclusiveLock


async def test_sharers_run_together_and_exclusive_waits_for_all_of_them() -> None:
    lock = SharedExclusiveLock()
    events: list[str] = []
    release = asyncio.Event()

    async def sharer(name: str) -> None:
        async with lock.shared():
            events.append(f"{name} in")
            await release.wait()
            events.append(f"{name} out")

    async def exclusive() -> None:
        async with lock.exclusive():
            events.append("command")

    tasks = [asyncio.create_task(sharer("a")), asyncio.create_task(sharer("b"))]
    await asyncio.sleep(0)
    command = asyncio.create_task(exclusive())
    await asyncio.sleep(0.01)
    assert events == ["a in", "b in"]  # both sharers inside at once; the command waits
    release.set()
    await asyncio.gather(*tasks, command)
    assert events[-1] == "command"


async def test_a_waiting_exclusive_goes_before_new_sharers() -> None:
    lock = SharedExclusiveLock()
    events: list[str] = []
    release = asyncio.Event()

    async def first() -> None:
        async with lock.shared():
            await release.wait()

    async def exclusive() -> None:
        async with lock.exclusive():
            events.append("command")

    async def late_sharer() -> None:
        async with lock.shared():
            events.append("late message")

    holder = asyncio.create_task(first())
    await asyncio.sleep(0)
    command = asyncio.create_task(exclusive())
    await asyncio.sleep(0)
    late = asyncio.create_task(late_sharer())
    await asyncio.sleep(0.01)
    assert events == []
    release.set()
    await asyncio.gather(holder, command, late)
    assert events == ["command", "late message"]


async def test_exclusive_holders_exclude_each_other() -> None:
    lock = SharedExclusiveLock()
    inside = 0
    most = 0

    async def command() -> None:
        nonlocal inside, most
        async with lock.exclusive():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.001)
            inside -= 1

    await asyncio.gather(*(command() for _ in range(5)))
    assert most == 1


async def test_work_of_one_key_runs_in_submission_order_others_concurrently() -> None:
    sequencer = KeyedSequencer()
    events: list[str] = []
    gate = asyncio.Event()

    def work(name: str, wait: bool) -> object:
        async def run() -> None:
            events.append(f"{name} start")
            if wait:
                await gate.wait()
            events.append(f"{name} end")

        return run

    sequencer.submit("alice", work("alice-1", wait=True))
    sequencer.submit("alice", work("alice-2", wait=False))
    sequencer.submit("bob", work("bob-1", wait=False))
    await asyncio.sleep(0.01)
    # bob is not held up by alice's slow first item; alice's second waits for her first
    assert events == ["alice-1 start", "bob-1 start", "bob-1 end"]
    gate.set()
    await sequencer.wait_idle()
    assert events[3:] == ["alice-1 end", "alice-2 start", "alice-2 end"]


async def test_a_failing_item_does_not_block_the_next_one_of_its_key() -> None:
    sequencer = KeyedSequencer()
    ran: list[str] = []

    async def boom() -> None:
        raise RuntimeError("store down")

    async def after() -> None:
        ran.append("after")

    failed = sequencer.submit("k", boom)
    sequencer.submit("k", after)
    await sequencer.wait_idle()
    assert ran == ["after"]
    assert isinstance(failed.exception(), RuntimeError)
