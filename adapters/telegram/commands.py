"""Publishing the commands with setMyCommands, scoped by who may use them.

Members of a watched group see the member commands (/report); its administrators see every
command; the mod-log chat sees the moderator commands. The spec names come from
bot.commands.specs; "/pasici" is Telegram's name for the core's "notice".
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
)
from telegram.error import TelegramError

from adapters.telegram.config import TelegramAdapterConfig
from adapters.telegram.translate import COMMAND_ALIASES
from bot.commands.specs import COMMAND_SPECS, Level

__all__ = ["admin_commands", "member_commands", "publish_commands", "telegram_name"]

log = logging.getLogger(__name__)
MAX_DESCRIPTION = 256
_TELEGRAM_NAMES = {core: telegram for telegram, core in COMMAND_ALIASES.items()}


def telegram_name(core_name: str) -> str:
    return _TELEGRAM_NAMES.get(core_name, core_name)


def _bot_command(name: str, description: str) -> BotCommand:
    return BotCommand(telegram_name(name), description[:MAX_DESCRIPTION])


def member_commands() -> list[BotCommand]:
    return [_bot_command(s.name, s.description) for s in COMMAND_SPECS if s.level <= Level.MEMBER]


def admin_commands() -> list[BotCommand]:
    return [_bot_command(s.name, s.description) for s in COMMAND_SPECS]


async def publish_commands(bot: Bot, config: TelegramAdapterConfig) -> list[str]:
    """Publish every scope; returns the problems (also logged) instead of failing start-up."""
    scopes: list[tuple[BotCommandScope, list[BotCommand]]] = []
    for chat_id in config.chats:
        scopes.append((BotCommandScopeChat(chat_id), member_commands()))
        scopes.append((BotCommandScopeChatAdministrators(chat_id), admin_commands()))
    mod_logs = {b.mod_log_chat_id for b in config.chats.values() if b.mod_log_chat_id is not None}
    for chat_id in sorted(mod_logs - set(config.chats)):
        scopes.append((BotCommandScopeChat(chat_id), admin_commands()))
    problems: list[str] = []
    for scope, commands in scopes:
        try:
            await bot.set_my_commands(commands, scope=scope)
        except TelegramError as error:
            problem = f"setMyCommands for {scope.type} {getattr(scope, 'chat_id', '')}: {error}"
            log.warning(problem)
            problems.append(problem)
    return problems
