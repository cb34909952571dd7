"""Test helpers: a recording EventSink and a polling wait."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.events import CommandCall, CommandReply, Message


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` holds (the adapter runs in the same loop)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.002)


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
