"""A local fake Telegram Bot API (aiohttp on 127.0.0.1) that the real PTB Application talks to."""

from __future__ import annotations

from .builders import BOT_ID, BOT_USERNAME, bot_user, channel, group, member, user
from .server import ApiCall, FakeBotApi

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "ApiCall",
    "FakeBotApi",
    "bot_user",
    "channel",
    "group",
    "member",
    "user",
]
