"""Discord wire payloads (API v10 shapes) for the fake server and the tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BOT_ID",
    "FORUM_ID",
    "GUILD_ID",
    "MOD_LOG_ID",
    "MOD_ROLE_ID",
    "OWNER_ID",
    "TEXT_CHANNEL_ID",
    "THREAD_ID",
    "FakeGuild",
    "member_payload",
    "message_payload",
    "user_payload",
]

APPLICATION_ID = 900_000_000_000_000_001
BOT_ID = 900_000_000_000_000_001
GUILD_ID = 800_000_000_000_000_001
OWNER_ID = 700_000_000_000_000_001
TEXT_CHANNEL_ID = 810_000_000_000_000_001
MOD_LOG_ID = 810_000_000_000_000_002
EXEMPT_CHANNEL_ID = 810_000_000_000_000_003
FORUM_ID = 810_000_000_000_000_004
THREAD_ID = 810_000_000_000_000_005
FORUM_POST_ID = 810_000_000_000_000_006
MOD_ROLE_ID = 820_000_000_000_000_001
HELPER_ROLE_ID = 820_000_000_000_000_002
BOT_ROLE_ID = 820_000_000_000_000_003
MUTE_ROLE_ID = 820_000_000_000_000_004

# discord permission bits used here
VIEW_SEND = (1 << 10) | (1 << 11)
MANAGE_MESSAGES = 1 << 13
BAN_MEMBERS = 1 << 2
KICK_MEMBERS = 1 << 1
MODERATE_MEMBERS = 1 << 40

_ids = itertools.count(1_200_000_000_000_000_000)


def next_id() -> int:
    """A fresh snowflake (message/interaction ids); ordered like Discord's."""
    return next(_ids)


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def member_payload(
    user_id: int, name: str, roles: tuple[int, ...] = (), *, bot: bool = False
) -> dict[str, Any]:
    return {
        "user": user_payload(user_id, name, bot=bot),
        "roles": [str(role) for role in roles],
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
    }


def role_payload(role_id: int, name: str, position: int, permissions: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "position": position,
        "permissions": str(permissions),
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def channel_payload(
    channel_id: int, name: str, kind: int = 0, parent_id: int | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(channel_id),
        "type": kind,
        "name": name,
        "position": 0,
        "guild_id": str(GUILD_ID),
        "permission_overwrites": [],
        "nsfw": False,
    }
    if parent_id is not None:
        payload["parent_id"] = str(parent_id)
    if kind == 15:  # forum
        payload["available_tags"] = []
    if kind in (11, 12):
        payload["owner_id"] = str(OWNER_ID)
        payload["thread_metadata"] = {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-01T00:00:00+00:00",
            "locked": False,
        }
        payload["message_count"] = 0
        payload["member_count"] = 1
    return payload


@dataclass
class FakeGuild:
    """One guild: roles (with positions), channels, a thread and a forum post, known members."""

    guild_id: int = GUILD_ID
    owner_id: int = OWNER_ID
    members: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.add_member(OWNER_ID, "owner")
        self.add_member(BOT_ID, "pasici", (BOT_ROLE_ID,), bot=True)

    def add_member(
        self, user_id: int, name: str, roles: tuple[int, ...] = (), *, bot: bool = False
    ) -> dict[str, Any]:
        payload = member_payload(user_id, name, roles, bot=bot)
        self.members[user_id] = payload
        return payload

    def roles(self) -> list[dict[str, Any]]:
        return [
            role_payload(self.guild_id, "@everyone", 0, VIEW_SEND),
            role_payload(HELPER_ROLE_ID, "helper", 1, VIEW_SEND | MANAGE_MESSAGES),
            role_payload(
                MOD_ROLE_ID, "moderator", 2, VIEW_SEND | MANAGE_MESSAGES | MODERATE_MEMBERS
            ),
            role_payload(MUTE_ROLE_ID, "muted", 3, 0),
            role_payload(
                BOT_ROLE_ID,
                "pasici",
                5,
                VIEW_SEND | MANAGE_MESSAGES | MODERATE_MEMBERS | BAN_MEMBERS | KICK_MEMBERS,
            ),
        ]

    def channels(self) -> list[dict[str, Any]]:
        return [
            channel_payload(TEXT_CHANNEL_ID, "general"),
            channel_payload(MOD_LOG_ID, "mod-log"),
            channel_payload(EXEMPT_CHANNEL_ID, "staff"),
            channel_payload(FORUM_ID, "help-forum", 15),
        ]

    def threads(self) -> list[dict[str, Any]]:
        return [
            channel_payload(THREAD_ID, "a thread", 11, TEXT_CHANNEL_ID),
            channel_payload(FORUM_POST_ID, "a forum post", 11, FORUM_ID),
        ]

    def create_payload(self) -> dict[str, Any]:
        """GUILD_CREATE data."""
        return {
            "id": str(self.guild_id),
            "name": "Test company",
            "owner_id": str(self.owner_id),
            "icon": None,
            "roles": self.roles(),
            "channels": self.channels(),
            "threads": self.threads(),
            "members": [self.members[BOT_ID]],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }


def message_payload(
    *,
    author: dict[str, Any],
    content: str,
    channel_id: int = TEXT_CHANNEL_ID,
    guild_id: int | None = GUILD_ID,
    message_id: int | None = None,
    attachments: list[dict[str, Any]] | None = None,
    webhook_id: int | None = None,
    edited: bool = False,
    reply_to: int | None = None,
    kind: int = 0,
) -> dict[str, Any]:
    """MESSAGE_CREATE / MESSAGE_UPDATE data; ``author`` is a member payload (with ``user``)."""
    payload: dict[str, Any] = {
        "id": str(message_id if message_id is not None else next_id()),
        "channel_id": str(channel_id),
        "author": author["user"],
        "content": content,
        "timestamp": "2026-01-05T09:00:00+00:00",
        "edited_timestamp": "2026-01-05T09:01:00+00:00" if edited else None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": [],
        "pinned": False,
        "type": kind,
        "flags": 0,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        member = {key: value for key, value in author.items() if key != "user"}
        payload["member"] = member
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
    if reply_to is not None:
        payload["message_reference"] = {
            "message_id": str(reply_to),
            "channel_id": str(channel_id),
            "guild_id": str(guild_id),
        }
        payload["type"] = 19
    return payload


def attachment_payload(
    filename: str, content_type: str, size: int = 1234, url: str | None = None
) -> dict[str, Any]:
    attachment_id = next_id()
    return {
        "id": str(attachment_id),
        "filename": filename,
        "content_type": content_type,
        "size": size,
        "url": url or f"https://cdn.example.invalid/attachments/{attachment_id}/{filename}",
        "proxy_url": f"https://media.example.invalid/attachments/{attachment_id}/{filename}",
    }
