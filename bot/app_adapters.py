"""Build the configured platform adapters from the bot file (the only place that knows all)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adapters.console import ConsoleAdapter, ConsoleUser
from bot.ports import Clock, PlatformAdapter
from bot.settings import LoadedConfig

__all__ = ["DEMO_CONSOLE_USERS", "AdapterSetupError", "build_adapters"]

DEMO_CONSOLE_USERS: Mapping[str, ConsoleUser] = {
    "cm": ConsoleUser("cm", roles=("moderator",), top_role_position=5),
    "admin": ConsoleUser("admin", roles=("admin",), top_role_position=9, is_owner=True),
    "helper": ConsoleUser("helper", roles=("helper",), top_role_position=3),
}


class AdapterSetupError(RuntimeError):
    """An adapter is configured but cannot be built (missing extra, bad settings)."""


def _optional_module(name: str, extra: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        raise AdapterSetupError(
            f"{name} needs the '{extra}' extra: pip install 'pasici[{extra}]' ({error})"
        ) from error


def build_adapters(
    config: LoadedConfig, clock: Clock, console_output: Any = print
) -> dict[str, PlatformAdapter]:
    """One adapter per enabled ``adapters.*`` section, keyed by platform name."""
    adapters: dict[str, PlatformAdapter] = {}
    sections = config.bot.adapters
    if sections.console.enabled:
        adapters["console"] = ConsoleAdapter(
            config.console_community,
            clock,
            channel=sections.console.channel,
            users=DEMO_CONSOLE_USERS,
            output=console_output,
        )
    if sections.discord.enabled:
        module = _optional_module("adapters.discord", "discord")
        discord_config = module.DiscordAdapterConfig.from_settings(sections.discord)
        adapters["discord"] = module.DiscordAdapter(discord_config, clock=clock)
    if sections.telegram.enabled:
        module = _optional_module("adapters.telegram", "telegram")
        # Next to a SQLite database; with PostgreSQL, next to the bot file.
        offset_path = module.offset_path_for_database(config.bot.database.url) or (
            Path(config.bot_path).parent / "telegram.offset"
        )
        telegram_config = module.TelegramAdapterConfig.from_settings(
            sections.telegram, offset_path=offset_path
        )
        adapters["telegram"] = module.TelegramAdapter(telegram_config, clock=clock)
    return adapters
