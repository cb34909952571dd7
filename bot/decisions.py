"""The output of the pure ``decide`` stage: what to do about one judged message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.actions import Action
from bot.records import SanctionState

__all__ = ["Decision", "MemberHistory"]


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """What decide needs to know about the author's past (read from the store)."""

    active_points: int = 0
    sanction: SanctionState = field(default_factory=SanctionState)
    recent_case_count: int = 0
    last_case_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Verdict of the policy for one message.

    ``actions`` are executed in order unless ``shadow`` (dry-run) is set, in which case they are
    only recorded. ``open_case`` is False for messages that pass. ``points`` are added to the
    member's strike total with expiry ``points_expire_at``.
    """

    open_case: bool
    category: str | None = None
    score: float = 0.0
    points: int = 0
    points_expire_at: datetime | None = None
    actions: tuple[Action, ...] = ()
    top_action: str = "none"
    reason: str = ""
    evidence: bool = False
    review: bool = False
    shadow: bool = False
    exempt_reason: str = ""

    @classmethod
    def allow(cls, reason: str = "") -> Decision:
        return cls(open_case=False, reason=reason)
