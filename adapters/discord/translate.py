"""Pure translation: discord.py objects and interaction payloads -> core events.

Nothing here does I/O: each function reads attributes of objects discord.py already built (or
the raw interaction ``data`` dict) and returns core vocabulary, or a reason to ignore.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import discord

from adapters.discord.config import DiscordAdapterConfig
from bot.events import Attachment, AttachmentKind, Author, ChatRef, Message

__all__ = [
    "PLATFORM",
    "InteractionRequest",
    "attachment_from_discord",
    "author_from_discord",
    "chat_for_channel",
    "message_from_discord",
    "parse_button_custom_id",
    "parse_interaction_data",
    "parse_message_reference",
    "skip_reason",
]

PLATFORM = "discord"
BUTTON_PREFIX = "pasici"
THREAD_TYPES = frozenset(
    {
        discord.ChannelType.public_thread,
        discord.ChannelType.private_thread,
        discord.ChannelType.news_thread,
    }
)


def author_from_discord(user: discord.User | discord.Member, owner_id: int | None) -> Author:
    """Author fields the core needs: roles, hierarchy rank, owner and platform-admin flags."""
    if isinstance(user, discord.Member):
        perms = user.guild_permissions
        roles = tuple(str(role.id) for role in user.roles if not role.is_default())
        return Author(
            user_id=str(user.id),
            display_name=user.display_name,
            roles=roles,
            is_bot=user.bot,
            is_owner=owner_id is not None and user.id == owner_id,
            is_platform_admin=perms.moderate_members or perms.ban_members,
            top_role_position=user.top_role.position,
        )
    return Author(
        user_id=str(user.id),
        display_name=user.display_name,
        is_bot=user.bot,
        is_owner=owner_id is not None and user.id == owner_id,
    )


def attachment_from_discord(item: discord.Attachment) -> Attachment:
    content_type = item.content_type or ""
    if content_type.startswith("image/"):
        kind = AttachmentKind.IMAGE
    elif content_type.startswith("video/"):
        kind = AttachmentKind.VIDEO
    elif content_type.startswith("audio/"):
        kind = AttachmentKind.AUDIO
    else:
        kind = AttachmentKind.FILE
    return Attachment(kind, item.url, item.filename, content_type, item.size)


def chat_for_channel(channel: Any, guild_id: int, community: str) -> ChatRef:
    """ChatRef of a channel: threads and forum posts keep their parent as ``channel_id``."""
    if getattr(channel, "type", None) in THREAD_TYPES and getattr(channel, "parent_id", None):
        return ChatRef(PLATFORM, community, str(channel.parent_id), str(channel.id), str(guild_id))
    return ChatRef(PLATFORM, community, str(channel.id), None, str(guild_id))


def skip_reason(message: discord.Message, config: DiscordAdapterConfig) -> str | None:
    """Why ``message`` is not handed to the core (None: hand it over)."""
    if message.guild is None:
        return "direct message"
    if message.guild.id not in config.guilds:
        return f"guild {message.guild.id} is not configured"
    if config.ignore_webhooks and message.webhook_id is not None:
        return "webhook message"
    if config.ignore_bots and message.author.bot:
        return "bot author"
    if message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return f"system message ({message.type.name})"
    # Every guild channel that carries messages is watched: text, announcement, threads, forum
    # posts and the text chat of voice channels (an uncached channel arrives as a partial).
    channel = message.channel
    exempt = config.exempt_channel_ids
    if channel.id in exempt or getattr(channel, "parent_id", None) in exempt:
        return "exempt channel"
    author = message.author
    exempt_roles = config.exempt_role_ids
    if isinstance(author, discord.Member) and any(r.id in exempt_roles for r in author.roles):
        return "exempt role"
    return None


def message_from_discord(
    message: discord.Message, config: DiscordAdapterConfig, *, edited: bool = False
) -> Message | None:
    """The core Message for a guild message, or None when it must be ignored (see skip_reason)."""
    if skip_reason(message, config) is not None:
        return None
    guild = message.guild
    assert guild is not None  # skip_reason returned None, so the message is in a guild
    community = config.guilds[guild.id].community
    reference = message.reference
    sent_at = message.created_at
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    return Message(
        chat=chat_for_channel(message.channel, guild.id, community),
        message_id=str(message.id),
        author=author_from_discord(message.author, guild.owner_id),
        text=message.content,
        sent_at=sent_at,
        attachments=tuple(attachment_from_discord(item) for item in message.attachments),
        reply_to_message_id=(
            str(reference.message_id) if reference and reference.message_id else None
        ),
        edited=edited,
        link=message.jump_url,
    )


# --- interactions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InteractionRequest:
    """A parsed application-command interaction: which command, options and targets (ids)."""

    name: str
    options: Mapping[str, str] = field(default_factory=dict)
    target_user_id: int | None = None
    target_message_id: int | None = None
    target_channel_id: int | None = None
    target_message_text: str | None = None
    target_author_id: int | None = None


SUB_COMMAND = 1
USER_OPTION = 6
MESSAGE_COMMAND = 3
CONTEXT_MENU_COMMANDS = {"Pas ici": "notice", "Report to moderators": "report"}


def parse_message_reference(text: str) -> tuple[int | None, int] | None:
    """``(channel_id, message_id)`` from a message link or a bare id; None when unreadable."""
    text = text.strip()
    if text.isdigit():
        return None, int(text)
    parts = text.rstrip("/").split("/")
    if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit():
        return int(parts[-2]), int(parts[-1])
    return None


def parse_interaction_data(data: Mapping[str, Any], group: str) -> InteractionRequest | None:
    """Parse the ``data`` of an APPLICATION_COMMAND interaction; None when it is not ours."""
    name = data.get("name")
    if data.get("type") == MESSAGE_COMMAND and name in CONTEXT_MENU_COMMANDS:
        target_id = int(data["target_id"])
        resolved = data.get("resolved", {}).get("messages", {}).get(str(target_id), {})
        author = resolved.get("author", {})
        return InteractionRequest(
            name=CONTEXT_MENU_COMMANDS[name],
            target_message_id=target_id,
            target_channel_id=int(resolved["channel_id"]) if "channel_id" in resolved else None,
            target_message_text=resolved.get("content"),
            target_author_id=int(author["id"]) if "id" in author else None,
        )
    if name != group:
        return None
    subs = [opt for opt in data.get("options", []) if opt.get("type") == SUB_COMMAND]
    if not subs:
        return None
    sub = subs[0]
    options: dict[str, str] = {}
    target_user_id: int | None = None
    target_channel_id: int | None = None
    target_message_id: int | None = None
    for opt in sub.get("options", []):
        if opt["name"] == "member" and opt.get("type") == USER_OPTION:
            target_user_id = int(opt["value"])
        elif opt["name"] == "message":
            parsed = parse_message_reference(str(opt["value"]))
            if parsed is None:
                options["message"] = str(opt["value"])  # the adapter refuses it clearly
            else:
                target_channel_id, target_message_id = parsed
        else:
            options[opt["name"]] = str(opt["value"])
    return InteractionRequest(
        name=sub["name"],
        options=options,
        target_user_id=target_user_id,
        target_message_id=target_message_id,
        target_channel_id=target_channel_id,
    )


def parse_button_custom_id(custom_id: str) -> tuple[str, int] | None:
    """``("undo", 12)`` from a mod-log button id ``pasici:undo:12``; None when not ours."""
    parts = custom_id.split(":")
    if len(parts) != 3 or parts[0] != BUTTON_PREFIX or not parts[2].isdigit():
        return None
    if parts[1] not in ("confirm", "undo", "escalate"):
        return None
    return parts[1], int(parts[2])


def button_custom_id(command: str, case_number: int) -> str:
    return f"{BUTTON_PREFIX}:{command}:{case_number}"
