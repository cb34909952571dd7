"""Plain records the store reads and writes. No live platform objects, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "AuditEntry",
    "CaseRecord",
    "CaseStatus",
    "ConfigRevision",
    "NewCase",
    "NoteRecord",
    "RetentionPolicy",
    "SanctionChange",
    "SanctionState",
    "ScheduledAction",
    "ScheduledKind",
    "StrikeRecord",
]

BOT_ACTOR = "bot"


class CaseStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    UNDONE = "undone"  # a moderator lifted it: counts as a false positive in metrics
    REVIEW = "review"  # waiting for a moderator to decide (review band)


class ScheduledKind(StrEnum):
    UNMUTE = "unmute"
    UNBAN = "unban"
    REAPPLY_MUTE = "reapply_mute"  # a mute longer than the platform allows, renewed in steps


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case to open. ``message_text`` is personal data and is purged after retention."""

    community: str
    platform: str
    user_id: str
    user_name: str
    action: str  # "notice", "warn", "mute", "ban", "note", "review", ... (the top action taken)
    actor: str  # BOT_ACTOR or the moderator's user id
    reason: str
    created_at: datetime
    category: str | None = None
    score: float | None = None
    lang: str | None = None
    channel_id: str | None = None
    message_id: str | None = None
    message_text: str | None = None
    message_link: str = ""
    spans: tuple[tuple[int, int, str], ...] = ()
    reasons: tuple[str, ...] = ()
    points: int = 0
    points_expire_at: datetime | None = None
    evidence: bool = False
    shadow: bool = False
    status: CaseStatus = CaseStatus.OPEN
    action_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    id: int
    community: str
    number: int
    platform: str
    user_id: str
    user_name: str
    action: str
    actor: str
    reason: str
    created_at: datetime
    status: CaseStatus
    category: str | None = None
    score: float | None = None
    lang: str | None = None
    channel_id: str | None = None
    message_id: str | None = None
    message_text: str | None = None
    message_link: str = ""
    spans: tuple[tuple[int, int, str], ...] = ()
    reasons: tuple[str, ...] = ()
    points: int = 0
    evidence: bool = False
    legal_hold: bool = False
    shadow: bool = False
    action_until: datetime | None = None
    outcomes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StrikeRecord:
    id: int
    community: str
    user_id: str
    case_number: int
    points: int
    created_at: datetime
    expires_at: datetime | None
    pardoned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NoteRecord:
    id: int
    community: str
    user_id: str
    author: str
    text: str
    created_at: datetime
    case_number: int | None = None


@dataclass(frozen=True, slots=True)
class ScheduledAction:
    id: int
    community: str
    platform: str
    user_id: str
    kind: ScheduledKind
    due_at: datetime
    case_number: int | None = None
    fired_at: datetime | None = None
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SanctionState:
    """A member's current sanctions as the bot last applied them."""

    muted_until: datetime | None = None
    banned_until: datetime | None = None
    banned_forever: bool = False

    def is_banned(self, now: datetime) -> bool:
        return self.banned_forever or (self.banned_until is not None and self.banned_until > now)

    def is_muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now


@dataclass(frozen=True, slots=True)
class SanctionChange:
    """What carrying out a sanction changes: the new state and the timers to set or cancel."""

    state: SanctionState
    schedule: tuple[tuple[ScheduledKind, datetime], ...] = ()
    cancel: tuple[ScheduledKind, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    community: str
    actor: str  # BOT_ACTOR or moderator id
    action: str
    created_at: datetime
    target_user_id: str | None = None
    case_number: int | None = None
    reason: str = ""
    detail: str = ""
    id: int = 0


@dataclass(frozen=True, slots=True)
class ConfigRevision:
    id: int
    scope: str  # "bot" or "community:<key>"
    sha256: str
    content: str
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each kind of personal data is kept (days; None = keep)."""

    message_text_days: int | None = 30
    evidence_days: int | None = 365
    audit_days: int | None = 730
    processed_ids_days: int | None = 14
