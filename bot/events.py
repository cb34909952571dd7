"""Platform-neutral events: what adapters hand to the core.

Platform ids (users, channels, messages, guilds, chats) are opaque strings: the core never does
arithmetic on them and never assumes a platform's id format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "Attachment",
    "AttachmentKind",
    "Author",
    "ChatRef",
    "CommandCall",
    "CommandReply",
    "Message",
]


class AttachmentKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: AttachmentKind
    url: str
    filename: str = ""
    content_type: str = ""
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a message or invoked a command, as the platform reports it.

    ``roles`` are platform role ids or names (config maps them to moderator levels);
    ``top_role_position`` is the platform's role hierarchy rank (higher outranks lower);
    ``is_platform_admin`` means the platform itself grants moderation rights (Discord
    "Moderate Members"/"Ban Members", Telegram chat administrator).
    """

    user_id: str
    display_name: str
    roles: tuple[str, ...] = ()
    is_bot: bool = False
    is_owner: bool = False
    is_platform_admin: bool = False
    is_anonymous_admin: bool = False
    top_role_position: int = 0


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where something happened: platform, community (config key) and channel."""

    platform: str
    community: str
    channel_id: str
    thread_id: str | None = None
    platform_community_id: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    """One message (or an edit of one) in a watched channel."""

    chat: ChatRef
    message_id: str
    author: Author
    text: str
    sent_at: datetime
    attachments: tuple[Attachment, ...] = ()
    reply_to_message_id: str | None = None
    edited: bool = False
    link: str = ""

    @property
    def community(self) -> str:
        return self.chat.community

    @property
    def dedup_key(self) -> str:
        """Key of this exact version of the message, for replay protection."""
        suffix = ""
        if self.edited:
            digest = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            suffix = f"@edit:{digest}"
        return f"{self.chat.platform}:{self.chat.channel_id}:{self.message_id}{suffix}"


def _empty_options() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CommandCall:
    """A moderator/admin/member command, already parsed by the adapter.

    ``target_user`` and ``target_message_*`` are resolved by the adapter (reply, mention,
    context menu, id argument); ``options`` holds the remaining named arguments as text
    (e.g. ``duration="10m"``, ``reason="..."``).
    """

    name: str
    chat: ChatRef
    invoker: Author
    issued_at: datetime
    target_user: Author | None = None
    target_message_id: str | None = None
    target_message_text: str | None = None
    options: Mapping[str, str] = field(default_factory=_empty_options)

    @property
    def community(self) -> str:
        return self.chat.community


@dataclass(frozen=True, slots=True)
class CommandReply:
    """The core's answer to a command; adapters render it (ephemeral when ``private``)."""

    ok: bool
    text: str
    private: bool = True
    case_number: int | None = None
    attachment_name: str = ""
    attachment_bytes: bytes = b""
