"""Ordering in one community: members' cases run concurrently, each member's in order."""

from __future__ import annotations

import asyncio

from bot.actions import Action, ActionOutcome, SendNotice

INSULT = "You are a useless idiot"


def block_notices_to(channel, author: str) -> asyncio.Event:
    """Hold every notice to ``author`` until the returned event is set."""
    release = asyncio.Event()
    original = channel.console.execute

    async def execute(action: Action) -> ActionOutcome:
        if isinstance(action, SendNotice) and action.message.author_id == author:
            await release.wait()
        return await original(action)

    channel.console.execute = execute
    return release


async def test_a_slow_case_never_holds_up_another_members_case(open_channel):
    channel = await open_channel()
    release = block_notices_to(channel, "slowpoke")
    slow = asyncio.create_task(channel.console.post("slowpoke", INSULT))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(channel.console.post("kevin", INSULT), timeout=10)
    noticed = [a.message.author_id for a in channel.console.actions if isinstance(a, SendNotice)]
    assert noticed == ["kevin"]
    assert not slow.done()
    release.set()
    await slow
    noticed = [a.message.author_id for a in channel.console.actions if isinstance(a, SendNotice)]
    assert noticed == ["kevin", "slowpoke"]


async def test_a_burst_from_one_member_climbs_the_ladder_in_order(open_channel, tmp_path):
    one_by_one = await open_channel(database=tmp_path / "sequential.sqlite3")
    for _ in range(3):
        await one_by_one.console.post("kevin", INSULT)
    expected = [c.action for c in await one_by_one.app.store.list_cases("demo", "kevin")]

    burst = await open_channel(database=tmp_path / "burst.sqlite3")
    await asyncio.gather(*(burst.console.post("kevin", INSULT) for _ in range(3)))
    cases = await burst.app.store.list_cases("demo", "kevin")
    assert [c.action for c in cases] == expected
    assert len(set(expected)) > 1  # the burst did climb the ladder
    assert [c.number for c in cases] == [3, 2, 1]


async def test_a_command_waits_for_the_case_in_flight_and_then_sees_it(open_channel):
    channel = await open_channel()
    release = block_notices_to(channel, "kevin")
    case = asyncio.create_task(channel.console.post("kevin", INSULT))
    await asyncio.sleep(0.05)
    command = asyncio.create_task(channel.console.command("cm", "/strikes @kevin"))
    await asyncio.sleep(0.05)
    assert not command.done()  # a moderator command never interleaves with a case
    release.set()
    await case
    reply = await command
    assert reply.ok
    assert "#1" in reply.text


async def test_a_command_waiting_behind_a_slow_case_holds_up_no_other_member(open_channel):
    channel = await open_channel()
    release = block_notices_to(channel, "slowpoke")
    slow = asyncio.create_task(channel.console.post("slowpoke", INSULT))
    await asyncio.sleep(0.05)
    command = asyncio.create_task(channel.console.command("cm", "/strikes @slowpoke"))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(channel.console.post("kevin", INSULT), timeout=5)
    noticed = [a.message.author_id for a in channel.console.actions if isinstance(a, SendNotice)]
    assert noticed == ["kevin"]
    assert not command.done()  # it waits for slowpoke's case, and nobody waits for it
    release.set()
    await slow
    assert (await command).ok


async def test_stopping_lets_the_case_in_flight_finish_its_actions(open_channel):
    channel = await open_channel()
    release = block_notices_to(channel, "kevin")
    case = asyncio.create_task(channel.console.post("kevin", INSULT))
    await asyncio.sleep(0.05)
    stopping = asyncio.create_task(channel.app.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()
    await channel.console.post("late", INSULT)  # arrives while stopping: refused, not judged
    release.set()
    await case
    await stopping
    noticed = [a.message.author_id for a in channel.console.actions if isinstance(a, SendNotice)]
    assert noticed == ["kevin"]
