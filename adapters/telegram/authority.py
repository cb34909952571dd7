"""Who is an administrator or the owner of a chat, from getChatMember / getChatAdministrators.

Cached briefly (Telegram rate-limits these calls) and refreshed by chat_member updates, so a
demoted admin loses their powers as soon as Telegram tells the bot. The core still re-checks
its own config levels on every command.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType

from telegram import Bot, ChatMemberUpdated
from telegram.error import TelegramError

__all__ = ["MemberAuthority"]

log = logging.getLogger(__name__)
ADMIN_STATUSES = frozenset({"creator", "administrator"})


class MemberAuthority:
    def __init__(
        self, bot: Bot, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._bot = bot
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._status: dict[tuple[int, int], tuple[float, str]] = {}
        self._admins: dict[int, tuple[float, dict[int, str]]] = {}

    def _fresh(self, stamp: float) -> bool:
        return self._monotonic() - stamp < self._ttl

    async def status(self, chat_id: int, user_id: int) -> str:
        """The member's status ("creator", "administrator", "member", ...); "" if unknown."""
        cached = self._status.get((chat_id, user_id))
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        try:
            found = await self._bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.warning("getChatMember(%s, %s) failed: %s", chat_id, user_id, error)
            return ""
        self._status[(chat_id, user_id)] = (self._monotonic(), str(found.status))
        return str(found.status)

    async def admins(self, chat_id: int) -> Mapping[int, str]:
        """user id -> status of the chat's administrators (and owner); {} if unavailable."""
        cached = self._admins.get(chat_id)
        if cached is not None and self._fresh(cached[0]):
            return MappingProxyType(cached[1])
        try:
            found = await self._bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            log.warning("getChatAdministrators(%s) failed: %s", chat_id, error)
            return MappingProxyType({})
        admins = {m.user.id: str(m.status) for m in found}
        linked = await self._linked_channel(chat_id)
        if linked is not None:
            # The channel's admins write in its discussion group "as the channel".
            admins[linked] = "administrator"
        self._admins[chat_id] = (self._monotonic(), admins)
        return MappingProxyType(admins)

    async def _linked_channel(self, chat_id: int) -> int | None:
        try:
            chat = await self._bot.get_chat(chat_id)
        except TelegramError as error:
            log.warning("getChat(%s) failed: %s", chat_id, error)
            return None
        return chat.linked_chat_id

    def observe(self, change: ChatMemberUpdated) -> None:
        """Apply a chat_member / my_chat_member update to the caches at once."""
        chat_id = change.chat.id
        user_id = change.new_chat_member.user.id
        status = str(change.new_chat_member.status)
        self._status[(chat_id, user_id)] = (self._monotonic(), status)
        cached = self._admins.get(chat_id)
        if cached is not None:
            admins = dict(cached[1])
            if status in ADMIN_STATUSES:
                admins[user_id] = status
            else:
                admins.pop(user_id, None)
            self._admins[chat_id] = (cached[0], admins)
