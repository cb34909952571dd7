"""Shared test helpers: chat ids, users, a recording EventSink, and the adapter harness."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.telegram import ChatBinding, TelegramAdapter, TelegramAdapterConfig
from adapters.telegram.offsets import OffsetStore
from bot.clock import FrozenClock
from bot.events import CommandCall, CommandReply, Message
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user

GROUP = -1001000000001
OTHER_GROUP = -1001000000002
MOD_LOG = -1001000000099
UNWATCHED = -1001000000777
COMMUNITY = "sncb"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

JAN = user(501, "Jan", "jan_p")
MARIE = user(502, "Marie", "marie_l")
ADMIN = user(601, "Sofie", "sofie_mod")
OWNER = user(602, "Owner", "the_owner")


@dataclass
class RecordingSink:
    """An EventSink that records what it is handed and answers commands with ``reply``."""

    messages: list[Message] = field(default_factory=list)
    commands: list[CommandCall] = field(default_factory=list)
    reply: Callable[[CommandCall], CommandReply] = lambda call: CommandReply(
        ok=True, text=f"done: {call.name}", private=False
    )
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def on_message(self, message: Message) -> None:
        self.messages.append(message)
        self._changed.set()

    async def on_command(self, call: CommandCall) -> CommandReply:
        self.commands.append(call)
        self._changed.set()
        return self.reply(call)

    async def wait(self, messages: int = 0, commands: int = 0, within: float = 5.0) -> None:
        async def reached() -> None:
            while len(self.messages) < messages or len(self.commands) < commands:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(reached(), within)


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def make_config(api: FakeBotApi, **overrides: Any) -> TelegramAdapterConfig:
    values: dict[str, Any] = {
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": {GROUP: ChatBinding(COMMUNITY, MOD_LOG)},
        "poll_timeout_seconds": 5.0,
        "network_retry_delay_seconds": 0.0,
        "http_timeout_seconds": 5.0,
        "flood_summary_interval_seconds": 3600.0,
    }
    values.update(overrides)
    return TelegramAdapterConfig(**values)


@dataclass
class Harness:
    fake: FakeBotApi
    sink: RecordingSink
    sleep: RecordingSleep
    clock: FrozenClock
    adapter: TelegramAdapter | None = None

    async def start(
        self, offset_store: OffsetStore | None = None, **overrides: Any
    ) -> TelegramAdapter:
        self.adapter = TelegramAdapter(
            make_config(self.fake, **overrides),
            clock=self.clock,
            offset_store=offset_store,
            sleep=self.sleep,
        )
        await self.adapter.start(self.sink)
        return self.adapter

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
            self.adapter = None
