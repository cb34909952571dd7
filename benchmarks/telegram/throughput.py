"""Telegram adapter throughput: updates/s through the real PTB Application, and translate cost.

Run: .venv/bin/python benchmarks/telegram/throughput.py [--updates 2000]
Uses the tests' fake Bot API on 127.0.0.1 (no internet). Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from telegram import Message as TgMessage

from adapters.telegram import ChatBinding, TelegramAdapter, TelegramAdapterConfig
from adapters.telegram.translate import to_message
from bot.events import CommandCall, CommandReply, Message
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user

GROUP = -1001000000001


class CountingSink:
    def __init__(self, expected: int) -> None:
        self.count = 0
        self.expected = expected
        self.done = asyncio.Event()

    async def on_message(self, message: Message) -> None:
        self.count += 1
        if self.count >= self.expected:
            self.done.set()

    async def on_command(self, call: CommandCall) -> CommandReply:
        return CommandReply(ok=True, text="ok")


async def polling_throughput(updates: int) -> float:
    fake = FakeBotApi()
    await fake.start()
    fake.add_group(GROUP, "Bench")
    config = TelegramAdapterConfig(
        token=fake.token, base_url=fake.base_url, chats={GROUP: ChatBinding("bench")}
    )
    adapter = TelegramAdapter(config)
    sink = CountingSink(updates)
    await adapter.start(sink)
    sender = user(501, "Jan", "jan")
    started = time.perf_counter()
    for n in range(updates):
        fake.push_message(GROUP, sender, f"message number {n} about the late train")
    await asyncio.wait_for(sink.done.wait(), 120)
    elapsed = time.perf_counter() - started
    await adapter.stop()
    await fake.stop()
    return updates / elapsed


async def core_throughput(updates: int) -> float:
    """Messages/s judged end to end: fake Bot API -> PTB -> adapter -> PasiciApp -> actions."""
    from tests.adapters.telegram.core_harness import Core
    from tests.adapters.telegram.support import GROUP as CORE_GROUP
    from tests.adapters.telegram.support import MOD_LOG, OWNER

    fake = FakeBotApi()
    await fake.start()
    fake.add_group(CORE_GROUP, "Bench", owner=OWNER)
    fake.add_group(MOD_LOG, "Bench moderators")
    with tempfile.TemporaryDirectory() as tmp:
        core = Core(fake, Path(tmp))
        await core.start()
        assert core.adapter is not None
        started = time.perf_counter()
        for n in range(updates):
            sender = user(2000 + n % 50, f"Member{n % 50}")
            text = "Jij bent een idioot" if n % 10 == 0 else f"Trein {n} is weer te laat"
            fake.push_message(CORE_GROUP, sender, text)
        while (core.adapter.handled_update_id or 0) < fake.last_update_id:  # noqa: ASYNC110
            await asyncio.sleep(0.01)  # polling the adapter's counter: there is no event
        elapsed = time.perf_counter() - started
        await core.stop()
    await fake.stop()
    return updates / elapsed


def translate_cost(rounds: int) -> float:
    data = {
        "message_id": 1,
        "date": 1_770_000_000,
        "chat": {"id": GROUP, "type": "supergroup", "title": "Bench", "username": "bench"},
        "from": user(501, "Jan", "jan"),
        "text": "Mijn trein is weer te laat, dit is belachelijk",
    }
    binding = ChatBinding("bench")
    started = time.perf_counter()
    for _ in range(rounds):
        to_message(TgMessage.de_json(data, None), binding, {})
    return (time.perf_counter() - started) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--core-updates", type=int, default=500)
    args = parser.parse_args()
    rate = asyncio.run(polling_throughput(args.updates))
    print(f"polling: {args.updates} updates through PTB + adapter: {rate:,.0f} updates/s")
    print(f"translate (de_json + to_message): {translate_cost(args.rounds):.1f} us/message")
    core_rate = asyncio.run(core_throughput(args.core_updates))
    print(
        f"end to end with PasiciApp (SQLite, detection, 10% insults): "
        f"{args.core_updates} updates at {core_rate:,.0f} updates/s"
    )


if __name__ == "__main__":
    main()
