"""Rendering the core's CommandReply on Telegram, and the mod-log button round trip.

Telegram has no ephemeral replies: a private answer goes by direct message when the invoker has
started the bot; otherwise a moderator's answer goes to the mod-log chat (never the public group)
and a member's to the group, as a reply to their command.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InputFile, ReplyParameters
from telegram import Message as TgMessage
from telegram.error import TelegramError

from adapters.telegram.config import TelegramAdapterConfig
from adapters.telegram.flood import FloodGuard
from bot.events import CommandCall, CommandReply

__all__ = ["ReplyRenderer"]

log = logging.getLogger(__name__)
MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024


class ReplyRenderer:
    def __init__(self, bot: Bot, config: TelegramAdapterConfig, flood: FloodGuard) -> None:
        self._bot = bot
        self._config = config
        self._flood = flood

    async def answer(
        self, tg: TgMessage, reply: CommandReply, call: CommandCall | None = None
    ) -> None:
        text = reply.text or ("Done." if reply.ok else "That did not work.")
        if reply.private and call is not None:
            invoker = call.invoker
            if not invoker.is_anonymous_admin and await self._send(
                int(invoker.user_id), text, reply, quiet=True
            ):
                return
            mod_log = self._config.mod_log_chat(call.community)
            if invoker.is_platform_admin and mod_log is not None and mod_log != tg.chat.id:
                await self._send(mod_log, f"For {invoker.display_name}: {text}", reply)
                return
        self._flood.record(tg.chat.id)
        await self._send(tg.chat.id, text, reply, reply_to=tg.message_id)

    async def _send(
        self,
        chat_id: int,
        text: str,
        reply: CommandReply,
        *,
        reply_to: int | None = None,
        quiet: bool = False,
    ) -> bool:
        parameters = (
            ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        )
        try:
            if reply.attachment_bytes:
                await self._bot.send_document(
                    chat_id,
                    InputFile(reply.attachment_bytes, filename=reply.attachment_name or "file"),
                    caption=text[:MAX_CAPTION_CHARS],
                    reply_parameters=parameters,
                )
            else:
                await self._bot.send_message(
                    chat_id, text[:MAX_MESSAGE_CHARS], reply_parameters=parameters
                )
        except TelegramError as error:
            (log.debug if quiet else log.warning)("reply to chat %s failed: %s", chat_id, error)
            return False
        return True

    async def send_plain(self, chat_id: int, text: str) -> bool:
        return await self._send(chat_id, text, CommandReply(ok=True, text=text))

    async def answer_callback(self, query: CallbackQuery, text: str, alert: bool) -> None:
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as error:
            log.warning("answering a mod-log button failed: %s", error)

    async def annotate_mod_log(
        self, query: CallbackQuery, call: CommandCall, reply: CommandReply
    ) -> None:
        """Append who pressed what to the mod-log entry (buttons stay for later decisions)."""
        message = query.message
        if not isinstance(message, TgMessage) or not message.text:
            return
        line = f"\n\n{call.name} by {call.invoker.display_name}: {reply.text}"
        try:
            await self._bot.edit_message_text(
                (message.text + line)[:MAX_MESSAGE_CHARS],
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=message.reply_markup,
            )
        except TelegramError as error:
            log.warning("updating the mod-log entry failed: %s", error)
