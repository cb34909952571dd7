"""Telegram adapter: the real python-telegram-bot Application as a bot.ports.PlatformAdapter."""

from __future__ import annotations

import os

# Opt in to PTB's timedelta time periods now: otherwise PTB 22 emits a deprecation warning from
# inside its own RetryAfter constructor (an error under strict warning filters). The adapter
# reads both forms (calls.retry_after_seconds). PTB reads the variable at call time.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import (
    ChatBinding,
    TelegramAdapterConfig,
    UpdateMode,
)

__all__ = ["ChatBinding", "TelegramAdapter", "TelegramAdapterConfig", "UpdateMode"]
