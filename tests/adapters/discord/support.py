"""Test helpers: a recording EventSink and a polling wait."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.events import CommandCall, CommandReply, Message

_POLL_SECONDS = 0.002


async def eventually(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until ``predicate()`` holds (the adapter shares the loop); fail after ``within``."""
    for _ in range(int(within / _POLL_SECONDS)):
        if predicate():
            return
        await asyncio.sleep(_POLL_SECONDS)
    raise AssertionError(f"condition not met within {within}s")


class RecordingSink:
    """An EventSink that records what the adapter hands over and answers commands."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.commands: list[CommandCall] = []
        self.reply = CommandReply(ok=True, text="done")

    async def on_message(self, message: Message) -> None:
        self.messages.append(message)

    async def on_command(self, call: CommandCall) -> CommandReply:
        self.commands.append(call)
        return self.reply
