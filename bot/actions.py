"""Actions the core asks an adapter to carry out, and what came of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.records import CaseRecord

__all__ = [
    "Action",
    "ActionOutcome",
    "AlertModerators",
    "Ban",
    "Capability",
    "DeleteMessage",
    "Kick",
    "MemberRef",
    "MessageRef",
    "Mute",
    "SendNotice",
    "Unban",
    "Unmute",
    "Warn",
]


class Capability(StrEnum):
    """What an adapter can do; the policy falls back explicitly when one is missing."""

    NOTICE = "notice"
    DELETE = "delete"
    WARN = "warn"
    MUTE = "mute"
    KICK = "kick"
    BAN = "ban"
    ALERT = "alert"
    DIRECT_MESSAGE = "direct_message"


@dataclass(frozen=True, slots=True)
class MemberRef:
    community: str
    user_id: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class MessageRef:
    community: str
    channel_id: str
    message_id: str
    author_id: str
    thread_id: str | None = None
    link: str = ""


@dataclass(frozen=True, slots=True)
class SendNotice:
    """Reply to ``message`` with the pasici.be notice (already rendered in ``lang``)."""

    message: MessageRef
    lang: str
    text: str
    charter_url: str
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class DeleteMessage:
    message: MessageRef
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Warn:
    """Tell the member (in channel, or by DM where the adapter can) they are warned."""

    member: MemberRef
    channel_id: str
    lang: str
    text: str
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class Mute:
    member: MemberRef
    until: datetime
    reason: str = ""
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class Unmute:
    member: MemberRef
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Kick:
    member: MemberRef
    reason: str = ""
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class Ban:
    """Ban ``member``; ``until=None`` means for good. ``farewell`` is sent before the ban."""

    member: MemberRef
    until: datetime | None
    reason: str = ""
    purge_seconds: int = 0
    farewell: str = ""
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class Unban:
    member: MemberRef
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AlertModerators:
    """Post to the community's mod log; ``review=True`` asks a human to decide.

    ``case`` carries the full case (who, what, why, spans, score, language) so adapters can
    render a rich entry with confirm / undo / escalate buttons.
    """

    community: str
    text: str
    review: bool = False
    case_number: int | None = None
    message: MessageRef | None = None
    case: CaseRecord | None = None


Action = SendNotice | DeleteMessage | Warn | Mute | Unmute | Kick | Ban | Unban | AlertModerators

REQUIRED_CAPABILITY: dict[type[object], Capability] = {
    SendNotice: Capability.NOTICE,
    DeleteMessage: Capability.DELETE,
    Warn: Capability.WARN,
    Mute: Capability.MUTE,
    Unmute: Capability.MUTE,
    Kick: Capability.KICK,
    Ban: Capability.BAN,
    Unban: Capability.BAN,
    AlertModerators: Capability.ALERT,
}


def action_name(action: Action) -> str:
    """Stable lower-case name of an action kind ("send_notice", "mute", ...)."""
    names = {
        SendNotice: "notice",
        DeleteMessage: "delete",
        Warn: "warn",
        Mute: "mute",
        Unmute: "unmute",
        Kick: "kick",
        Ban: "ban",
        Unban: "unban",
        AlertModerators: "alert",
    }
    return names[type(action)]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What happened when an adapter tried an action.

    ``ok=False`` with ``retryable=True`` means the runner may try again (429, 5xx, dropped
    connection); ``retryable=False`` is final (403 missing permission, 404 already gone) and
    ``detail`` says why in words a moderator understands.
    """

    ok: bool
    detail: str = ""
    retryable: bool = False
    retry_after_seconds: float | None = None
    # A platform may apply less than asked (Discord timeouts stop at 28 days): the end it
    # really applied, so the scheduler can re-apply the rest.
    applied_until: datetime | None = None
