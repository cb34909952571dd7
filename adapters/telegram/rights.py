"""The bot's own admin rights in each watched group, checked at start and on my_chat_member.

Without "delete messages" and "ban users" (restrict) the bot can only post notices; the
moderators are told exactly what is missing, once per change, in their mod-log chat.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, ChatMember, ChatMemberAdministrator
from telegram.error import TelegramError

from adapters.telegram.config import TelegramAdapterConfig

__all__ = ["REQUIRED_RIGHTS", "RightsMonitor", "missing_rights"]

log = logging.getLogger(__name__)
REQUIRED_RIGHTS: tuple[tuple[str, str], ...] = (
    ("can_delete_messages", "delete messages"),
    ("can_restrict_members", "ban users (needed to mute, kick and ban)"),
)
NOT_ADMIN = "be an administrator of the group"

PostToModLog = Callable[[str, str], Awaitable[object]]  # (community, text)


def missing_rights(member: ChatMember) -> tuple[str, ...]:
    """What the bot cannot do in the chat, given its own ChatMember (pure)."""
    if member.status == ChatMember.OWNER:
        return ()
    if not isinstance(member, ChatMemberAdministrator):
        return (NOT_ADMIN, *(label for _, label in REQUIRED_RIGHTS))
    return tuple(label for attr, label in REQUIRED_RIGHTS if not getattr(member, attr, False))


class RightsMonitor:
    def __init__(self, config: TelegramAdapterConfig, post: PostToModLog) -> None:
        self._config = config
        self._post = post
        self._reported: dict[int, tuple[str, ...]] = {}

    def missing(self, chat_id: int) -> tuple[str, ...]:
        return self._reported.get(chat_id, ())

    async def check_all(self, bot: Bot) -> None:
        for chat_id in self._config.chats:
            try:
                member = await bot.get_chat_member(chat_id, bot.id)
            except TelegramError as error:
                await self._report(chat_id, (f"be reachable in the chat ({error.message})",))
                continue
            await self.observe(chat_id, member)

    async def observe(self, chat_id: int, member: ChatMember) -> None:
        """Record the bot's membership in ``chat_id`` and tell the moderators on a change."""
        if self._config.binding(chat_id) is None:
            return
        await self._report(chat_id, missing_rights(member))

    async def _report(self, chat_id: int, missing: tuple[str, ...]) -> None:
        before = self._reported.get(chat_id, ())
        self._reported[chat_id] = missing
        if missing == before:
            return
        binding = self._config.binding(chat_id)
        assert binding is not None
        if missing:
            text = (
                f"Pas ici is missing admin rights in Telegram chat {chat_id} "
                f"(community {binding.community}): it cannot {', '.join(missing)}. "
                "Until an owner grants them, it can only post notices and alert you here."
            )
        else:
            text = (
                f"Pas ici now has every admin right it needs in Telegram chat {chat_id} "
                f"(community {binding.community})."
            )
        log.warning(text)
        await self._post(binding.community, text)
