"""Pure translation: python-telegram-bot objects -> core events (no I/O, no state changes).

The adapter feeds these functions the watched-chat binding, the chat's administrators (from its
cache) and the seen-users cache; everything here is deterministic on those inputs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType

from telegram import CallbackQuery, Chat, MessageEntity, User
from telegram import Message as TgMessage

from adapters.telegram.config import ChatBinding
from adapters.telegram.users import SeenUsers, display_name_of
from bot.commands.specs import CommandSpec, OptionKind, OptionSpec, Target, spec_for
from bot.events import Attachment, AttachmentKind, Author, ChatRef, CommandCall, Message

__all__ = [
    "CALLBACK_PREFIX",
    "COMMAND_ALIASES",
    "FILE_URL_PREFIX",
    "GROUP_ANONYMOUS_BOT_ID",
    "PLATFORM",
    "CallbackAction",
    "CommandError",
    "author_of_user",
    "callback_data",
    "callback_to_command",
    "chat_ref",
    "parse_callback_data",
    "to_command",
    "to_message",
    "with_status",
]

PLATFORM = "telegram"
FILE_URL_PREFIX = "tg-file:"  # Attachment.url of a Telegram file: fetched by file id on demand
GROUP_ANONYMOUS_BOT_ID = 1087968824  # the "GroupAnonymousBot" Telegram shows for anonymous admins
CALLBACK_PREFIX = "pasici"
MAX_CALLBACK_DATA_BYTES = 64  # Bot API limit on callback_data
CALLBACK_VERBS = ("confirm", "undo", "escalate")
# Telegram command name -> core command name ("/pasici" is the notice command on Telegram).
COMMAND_ALIASES: Mapping[str, str] = MappingProxyType({"pasici": "notice"})
OWNER_STATUS = "creator"
ADMIN_STATUSES = frozenset({"creator", "administrator"})
_DURATION = re.compile(r"^(\d+\s*(s|m|h|d|w)|forever|permanent|perm)$", re.IGNORECASE)
_USER_ID = re.compile(r"^\d{1,20}$")
_CASE = re.compile(r"^#?(\d{1,9})$")

Statuses = Mapping[int, str]  # user id -> chat member status ("creator", "administrator", ...)


@dataclass(frozen=True, slots=True)
class CommandError:
    """A command we recognised but could not parse; ``text`` is the answer for the invoker."""

    text: str


@dataclass(frozen=True, slots=True)
class CallbackAction:
    verb: str
    case_number: int
    community: str | None


def chat_ref(tg: TgMessage, binding: ChatBinding) -> ChatRef:
    thread = tg.message_thread_id
    return ChatRef(
        platform=PLATFORM,
        community=binding.community,
        channel_id=str(tg.chat.id),
        thread_id=str(thread) if thread is not None else None,
        platform_community_id=str(tg.chat.id),
    )


def author_of_user(user: User, statuses: Statuses) -> Author:
    status = statuses.get(user.id, "")
    return Author(
        user_id=str(user.id),
        display_name=display_name_of(user),
        roles=(status,) if status in ADMIN_STATUSES else (),
        is_bot=user.is_bot,
        is_owner=status == OWNER_STATUS,
        is_platform_admin=status in ADMIN_STATUSES,
    )


def _author_of_sender_chat(sender: Chat, chat: Chat, statuses: Statuses) -> Author:
    # The group itself (an anonymous admin) or its linked channel (the channel's admins).
    anonymous_admin = sender.id == chat.id or statuses.get(sender.id) in ADMIN_STATUSES
    return Author(
        user_id=str(sender.id),
        display_name=sender.title or sender.username or str(sender.id),
        roles=("anonymous_admin",) if anonymous_admin else ("channel",),
        is_platform_admin=anonymous_admin,
        is_anonymous_admin=anonymous_admin,
    )


def _author(tg: TgMessage, statuses: Statuses) -> Author | None:
    if tg.sender_chat is not None:
        return _author_of_sender_chat(tg.sender_chat, tg.chat, statuses)
    if tg.from_user is None:
        return None
    return author_of_user(tg.from_user, statuses)


def _attachments(tg: TgMessage) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if tg.photo:
        best = max(tg.photo, key=lambda size: size.width * size.height)
        found.append(
            Attachment(
                AttachmentKind.IMAGE,
                url=f"{FILE_URL_PREFIX}{best.file_id}",
                filename=f"{best.file_unique_id}.jpg",
                content_type="image/jpeg",
                size_bytes=best.file_size or 0,
            )
        )
    for video in (tg.video, tg.animation):
        if video is not None:
            found.append(
                Attachment(
                    AttachmentKind.VIDEO,
                    url=f"{FILE_URL_PREFIX}{video.file_id}",
                    filename=video.file_name or "",
                    content_type=video.mime_type or "video/mp4",
                    size_bytes=video.file_size or 0,
                )
            )
    if tg.document is not None and tg.animation is None:
        mime = tg.document.mime_type or ""
        kind = AttachmentKind.FILE
        if mime.startswith("image/"):
            kind = AttachmentKind.IMAGE
        elif mime.startswith("video/"):
            kind = AttachmentKind.VIDEO
        found.append(
            Attachment(
                kind,
                url=f"{FILE_URL_PREFIX}{tg.document.file_id}",
                filename=tg.document.file_name or "",
                content_type=mime,
                size_bytes=tg.document.file_size or 0,
            )
        )
    for audio in (tg.audio, tg.voice):
        if audio is not None:
            found.append(
                Attachment(
                    AttachmentKind.AUDIO,
                    url=f"{FILE_URL_PREFIX}{audio.file_id}",
                    content_type=audio.mime_type or "",
                    size_bytes=audio.file_size or 0,
                )
            )
    return tuple(found)


def _is_real_reply(reply: TgMessage | None) -> bool:
    """Forum topics and channel comment threads make every message "reply" to the thread root."""
    return (
        reply is not None and reply.forum_topic_created is None and not reply.is_automatic_forward
    )


def to_message(
    tg: TgMessage, binding: ChatBinding, statuses: Statuses, *, edited: bool = False
) -> Message | None:
    """A watched-group message (text or caption, plus media) as a core Message.

    None for what is not member content: service messages (joins, pins), and the linked
    channel's own posts that Telegram forwards automatically into its discussion group.
    """
    if tg.is_automatic_forward:
        return None
    author = _author(tg, statuses)
    if author is None:
        return None
    text = tg.text or tg.caption or ""
    attachments = _attachments(tg)
    if not text and not attachments:
        return None
    reply = tg.reply_to_message
    return Message(
        chat=chat_ref(tg, binding),
        message_id=str(tg.message_id),
        author=author,
        text=text,
        sent_at=(tg.edit_date or tg.date) if edited else tg.date,
        attachments=attachments,
        reply_to_message_id=str(reply.message_id) if reply and _is_real_reply(reply) else None,
        edited=edited,
        link=tg.link or "",
    )


def _command_entity(tg: TgMessage) -> tuple[str, str] | None:
    """(command, addressed bot username or "") when ``tg`` starts with a bot_command entity."""
    for entity in tg.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            raw = tg.parse_entity(entity)[1:]
            name, _, bot = raw.partition("@")
            return name.lower(), bot.lower()
    return None


def _usage(telegram_name: str, spec: CommandSpec) -> str:
    parts = [f"/{telegram_name}"]
    if spec.target is Target.USER:
        parts.append("(reply to them, or @username, or user id)")
    elif spec.target is Target.MESSAGE:
        parts.append("(as a reply to the message)")
    for option in spec.options:
        parts.append(f"<{option.name}>" if option.required else f"[{option.name}]")
    return "Usage: " + " ".join(parts)


def _target_from_reply(tg: TgMessage, statuses: Statuses) -> tuple[Author, TgMessage] | None:
    reply = tg.reply_to_message
    if reply is None or not _is_real_reply(reply):
        return None
    author = _author(reply, statuses)
    return (author, reply) if author is not None else None


def _target_from_argument(
    tg: TgMessage, token: str, users: SeenUsers, statuses: Statuses
) -> Author | CommandError | None:
    for entity, text in tg.parse_entities([MessageEntity.TEXT_MENTION]).items():
        if text == token and entity.user is not None:
            return author_of_user(entity.user, statuses)
    if token.startswith("@") and len(token) > 1:
        seen = users.by_username(token)
        if seen is None:
            return CommandError(
                f"I have not seen {token} in this group yet: reply to one of their messages "
                "with the command, or give their numeric user id."
            )
        return _author_of_seen(seen.user_id, seen.display_name, seen.is_bot, statuses)
    if _USER_ID.match(token):
        user_id = int(token)
        seen = users.by_id(user_id)
        name = seen.display_name if seen else token
        return _author_of_seen(user_id, name, seen.is_bot if seen else False, statuses)
    return None


def _author_of_seen(user_id: int, name: str, is_bot: bool, statuses: Statuses) -> Author:
    status = statuses.get(user_id, "")
    return Author(
        user_id=str(user_id),
        display_name=name,
        roles=(status,) if status in ADMIN_STATUSES else (),
        is_bot=is_bot,
        is_owner=status == OWNER_STATUS,
        is_platform_admin=status in ADMIN_STATUSES,
    )


def _take_option(option: OptionSpec, rest: str) -> tuple[str | None, str]:
    """Consume ``option`` from the start of ``rest`` when the next word fits its kind."""
    if option.kind is OptionKind.TEXT:
        return (rest or None), ""
    word, _, remainder = rest.partition(" ")
    remainder = remainder.strip()
    if not word:
        return None, rest
    if option.kind is OptionKind.DURATION and _DURATION.match(word):
        return word.lower(), remainder
    if option.kind in (OptionKind.INTEGER, OptionKind.CASE):
        match = _CASE.match(word) if option.kind is OptionKind.CASE else None
        if match:
            return match.group(1), remainder
        if option.kind is OptionKind.INTEGER and word.isdigit():
            return word, remainder
    if option.kind is OptionKind.CHOICE and word.lower() in option.choices:
        return word.lower(), remainder
    return None, rest


def to_command(
    tg: TgMessage,
    binding: ChatBinding,
    statuses: Statuses,
    users: SeenUsers,
    bot_username: str,
    issued_at: datetime,
) -> CommandCall | CommandError | None:
    """A ``/command`` message as a CommandCall; None when it is not one of ours."""
    found = _command_entity(tg)
    if found is None:
        return None
    telegram_name, addressed_to = found
    if addressed_to and addressed_to != bot_username.lower():
        return None  # "/ban@OtherBot": another bot's command
    spec = spec_for(COMMAND_ALIASES.get(telegram_name, telegram_name))
    invoker = _author(tg, statuses)
    if spec is None or invoker is None:
        return None
    text = tg.text or tg.caption or ""
    rest = text.split(maxsplit=1)[1].strip() if len(text.split(maxsplit=1)) > 1 else ""
    target_user: Author | None = None
    target_message: TgMessage | None = None
    if spec.target is not Target.NONE:
        replied = _target_from_reply(tg, statuses)
        if replied is not None:
            target_user, target_message = replied
        elif spec.target is Target.USER and rest:
            word, _, remainder = rest.partition(" ")
            resolved = _target_from_argument(tg, word, users, statuses)
            if isinstance(resolved, CommandError):
                return resolved
            if resolved is not None:
                target_user, rest = resolved, remainder.strip()
        if target_user is None:
            return CommandError(_usage(telegram_name, spec))
    options: dict[str, str] = {}
    for option in spec.options:
        value, rest = _take_option(option, rest)
        if value is not None:
            options[option.name] = value
        elif option.required:
            return CommandError(f"Missing {option.name}. {_usage(telegram_name, spec)}")
    if rest:
        return CommandError(f"I did not understand {rest!r}. {_usage(telegram_name, spec)}")
    return CommandCall(
        name=spec.name,
        chat=chat_ref(tg, binding),
        invoker=invoker,
        issued_at=issued_at,
        target_user=target_user,
        target_message_id=str(target_message.message_id) if target_message else None,
        target_message_text=(target_message.text or target_message.caption or "")
        if target_message
        else None,
        options=MappingProxyType(options),
    )


def callback_data(verb: str, case_number: int, community: str) -> str:
    """Button payload; the community is left out when it would not fit Telegram's 64 bytes."""
    data = f"{CALLBACK_PREFIX}:{verb}:{case_number}:{community}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
        return f"{CALLBACK_PREFIX}:{verb}:{case_number}"
    return data


def parse_callback_data(data: str) -> CallbackAction | None:
    parts = data.split(":", 3)
    if len(parts) < 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in CALLBACK_VERBS:
        return None
    if not parts[2].isdigit():
        return None
    community = parts[3] if len(parts) == 4 and parts[3] else None
    return CallbackAction(parts[1], int(parts[2]), community)


def callback_to_command(
    query: CallbackQuery,
    community: str,
    statuses: Statuses,
    action: CallbackAction,
    issued_at: datetime,
) -> CommandCall:
    """A mod-log button press as the ``confirm`` / ``undo`` / ``escalate`` command."""
    chat_id = str(query.message.chat.id) if query.message is not None else ""
    return CommandCall(
        name=action.verb,
        chat=ChatRef(PLATFORM, community, chat_id, platform_community_id=chat_id),
        invoker=author_of_user(query.from_user, statuses),
        issued_at=issued_at,
        options=MappingProxyType({"case": str(action.case_number)}),
    )


def with_status(author: Author, status: str) -> Author:
    """``author`` with the admin/owner flags of a fresh getChatMember ``status``."""
    if not status:
        return author
    return replace(
        author,
        roles=(status,) if status in ADMIN_STATUSES else (),
        is_owner=status == OWNER_STATUS,
        is_platform_admin=status in ADMIN_STATUSES,
    )
