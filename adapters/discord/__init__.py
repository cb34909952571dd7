"""Discord adapter (discord.py 2.x): see adapter.DiscordAdapter and config.DiscordAdapterConfig."""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.config import DiscordAdapterConfig, GuildConfig
from adapters.discord.errors import AdapterStartError

__all__ = ["AdapterStartError", "DiscordAdapter", "DiscordAdapterConfig", "GuildConfig"]
