"""Routing one Telegram update: messages to the sink, commands, buttons, member changes.

Kept apart from the adapter's lifecycle: everything here runs inside PTB's update handler.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import CallbackQuery, Chat, Update
from telegram import Message as TgMessage

from adapters.telegram.authority import MemberAuthority
from adapters.telegram.config import ChatBinding, TelegramAdapterConfig
from adapters.telegram.replies import ReplyRenderer
from adapters.telegram.rights import RightsMonitor
from adapters.telegram.translate import (
    CommandError,
    callback_to_command,
    parse_callback_data,
    to_command,
    to_message,
    with_status,
)
from adapters.telegram.users import SeenUsers
from bot.events import CommandCall, CommandReply
from bot.ports import Clock, EventSink

__all__ = ["PRIVATE_CHAT_HELP", "UpdateRouter"]

log = logging.getLogger(__name__)
MAX_CALLBACK_ANSWER = 200
PRIVATE_CHAT_HELP = (
    "Pas ici / Niet hier (pasici.be) moderates Telegram groups. Nothing to do here: now that "
    "you have started me, I can send you private answers to the commands you use in a group."
)


class UpdateRouter:
    def __init__(
        self,
        config: TelegramAdapterConfig,
        sink: EventSink,
        authority: MemberAuthority,
        rights: RightsMonitor,
        replies: ReplyRenderer,
        users: SeenUsers,
        clock: Clock,
        bot_username: str,
    ) -> None:
        self._config = config
        self._sink = sink
        self._authority = authority
        self._rights = rights
        self._replies = replies
        self.users = users
        self._clock = clock
        self._bot_username = bot_username
        self._unwatched_reported: set[int] = set()

    async def dispatch(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._on_callback(update.callback_query)
        elif update.chat_member is not None:
            self._authority.observe(update.chat_member)
            self.users.remember(update.chat_member.new_chat_member.user)
        elif update.my_chat_member is not None:
            change = update.my_chat_member
            self._authority.observe(change)
            await self._rights.observe(change.chat.id, change.new_chat_member)
        elif update.message is not None:
            await self._on_message(update.message, edited=False)
        elif update.edited_message is not None:
            await self._on_message(update.edited_message, edited=True)
        else:
            log.debug("update %s of an unhandled kind ignored", update.update_id)

    def _remember_users(self, tg: TgMessage) -> None:
        self.users.remember(tg.from_user)
        if tg.reply_to_message is not None:
            self.users.remember(tg.reply_to_message.from_user)
        for entity in tg.entities:
            self.users.remember(entity.user)
        for newcomer in tg.new_chat_members:
            self.users.remember(newcomer)

    def _mod_log_binding(self, chat_id: int) -> ChatBinding | None:
        """Commands typed in a mod-log chat belong to the one community it serves."""
        communities = self._config.communities_logged_in(chat_id)
        return ChatBinding(communities[0], chat_id) if len(communities) == 1 else None

    async def _on_message(self, tg: TgMessage, *, edited: bool) -> None:
        self._remember_users(tg)
        chat_id = tg.chat.id
        binding = self._config.binding(chat_id)
        watched = binding is not None
        if binding is None:
            binding = self._mod_log_binding(chat_id)
        if binding is None and tg.chat.type == Chat.PRIVATE:
            await self._on_private_message(tg)
            return
        if binding is None:
            if chat_id not in self._unwatched_reported:
                self._unwatched_reported.add(chat_id)
                log.warning(
                    "messages from Telegram chat %s (%s) are ignored: it is not in the "
                    "telegram chats of any community",
                    chat_id,
                    tg.chat.title or tg.chat.type,
                )
            return
        admins = await self._authority.admins(chat_id) if watched else {}
        parsed = to_command(tg, binding, admins, self.users, self._bot_username, self._clock.now())
        if parsed is not None:
            if edited:
                log.info("edited command in chat %s not re-run", chat_id)
            else:
                await self._run_command(tg, binding, parsed)
            return
        if not watched:
            return
        message = to_message(tg, binding, admins, edited=edited)
        if message is None:
            log.debug("message %s in chat %s has no content to judge", tg.message_id, chat_id)
            return
        await self._sink.on_message(message)

    async def _on_private_message(self, tg: TgMessage) -> None:
        """Direct messages: explain what the bot is (starting it enables private answers)."""
        text = tg.text or ""
        if text.startswith(("/start", "/help")):
            await self._replies.send_plain(tg.chat.id, PRIVATE_CHAT_HELP)
        else:
            log.debug("direct message from %s not handled (the bot works in groups)", tg.chat.id)

    def _status_chat(self, community: str, fallback: int) -> int:
        chats = self._config.chats_of(community)
        return chats[0] if chats else fallback

    async def _with_authority(self, call: CommandCall, chat_id: int) -> CommandCall:
        """Fill in is_platform_admin / is_owner from getChatMember (cached), for the core."""
        invoker = call.invoker
        if not invoker.is_anonymous_admin and not invoker.user_id.startswith("-"):
            status = await self._authority.status(chat_id, int(invoker.user_id))
            invoker = with_status(invoker, status)
        target = call.target_user
        if target is not None and not target.user_id.startswith("-"):
            target = with_status(target, await self._authority.status(chat_id, int(target.user_id)))
        return replace(call, invoker=invoker, target_user=target)

    async def _run_command(
        self, tg: TgMessage, binding: ChatBinding, parsed: CommandCall | CommandError
    ) -> None:
        if isinstance(parsed, CommandError):
            await self._replies.answer(tg, CommandReply(ok=False, text=parsed.text, private=False))
            return
        call = await self._with_authority(parsed, self._status_chat(binding.community, tg.chat.id))
        reply = await self._sink.on_command(call)
        await self._replies.answer(tg, reply, call)

    async def _on_callback(self, query: CallbackQuery) -> None:
        action = parse_callback_data(query.data or "")
        chat_id = query.message.chat.id if query.message is not None else 0
        community = None
        if action is not None:
            community = action.community
            if community is None:
                binding = self._mod_log_binding(chat_id)
                community = binding.community if binding else None
        if action is None or community is None or self._config.mod_log_chat(community) != chat_id:
            await self._replies.answer_callback(
                query, "This button is not a Pas ici mod-log button (or it is outdated).", True
            )
            return
        call = callback_to_command(query, community, {}, action, self._clock.now())
        call = await self._with_authority(call, self._status_chat(community, chat_id))
        reply = await self._sink.on_command(call)
        await self._replies.answer_callback(query, reply.text[:MAX_CALLBACK_ANSWER], not reply.ok)
        if reply.ok:
            await self._replies.annotate_mod_log(query, call, reply)
