"""Telegram adapter: the real python-telegram-bot Application as a bot.ports.PlatformAdapter."""

from __future__ import annotations

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import ChatBinding, TelegramAdapterConfig, UpdateMode

__all__ = ["ChatBinding", "TelegramAdapter", "TelegramAdapterConfig", "UpdateMode"]
