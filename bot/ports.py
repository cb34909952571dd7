"""Protocol boundaries between the core and the outside world (checked by mypy --strict)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.actions import Action, ActionOutcome, Capability
from bot.decisions import MemberHistory
from bot.detection.images import ImageVerdict
from bot.events import CommandCall, CommandReply, Message
from bot.records import (
    AuditEntry,
    CaseRecord,
    CaseStatus,
    ConfigRevision,
    NewCase,
    NoteRecord,
    RetentionPolicy,
    SanctionChange,
    SanctionState,
    ScheduledAction,
    ScheduledKind,
    StrikeRecord,
)
from bot.verdicts import Classification

__all__ = ["Classifier", "Clock", "EventSink", "ImageDetector", "PlatformAdapter", "Store"]


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class Classifier(Protocol):
    def classify(self, text: str) -> Classification:
        """Normalise and score ``text``. Pure: same text, same answer; never raises on input."""
        ...


class ImageDetector(Protocol):
    """Untrusted image bytes -> a nudity verdict. Pure and CPU-bound (callers run it in a worker
    thread); never raises on bad input: corrupt or oversized data gives an unreadable verdict."""

    @property
    def name(self) -> str: ...

    def detect(self, data: bytes, max_bytes: int | None = None) -> ImageVerdict: ...


class EventSink(Protocol):
    """What an adapter hands events to (the runner)."""

    async def on_message(self, message: Message) -> None: ...

    async def on_command(self, call: CommandCall) -> CommandReply: ...


@runtime_checkable
class PlatformAdapter(Protocol):
    """A platform connection. Adapters translate and execute; they never decide."""

    @property
    def platform(self) -> str: ...

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    async def start(self, sink: EventSink) -> None:
        """Connect and begin delivering events to ``sink``; returns once running."""
        ...

    async def stop(self) -> None: ...

    async def execute(self, action: Action) -> ActionOutcome:
        """Carry out ``action``. Never raises for platform errors: returns the outcome."""
        ...


class Store(Protocol):
    """Persistence for cases, strikes, schedules, audit, config revisions and replay ids.

    Every method is one transaction. Times are timezone-aware UTC.
    """

    async def close(self) -> None: ...

    # replay protection
    async def claim_message(self, key: str, now: datetime) -> bool:
        """Mark ``key`` processed; False if it was already (a replay after restart)."""
        ...

    async def record_judgement(
        self,
        key: str,
        community: str,
        user_id: str,
        now: datetime,
        judge: Callable[[MemberHistory], NewCase | None],
    ) -> CaseRecord | None:
        """Judge a flagged message in ONE transaction: claim ``key`` (None if it was already
        claimed: a replay), read the author's history, ask ``judge`` for the case (None: no
        case), and open it. A crash can never leave a message claimed but its case unwritten."""
        ...

    # members, strikes and cases
    async def active_points(self, community: str, user_id: str, now: datetime) -> int: ...

    async def open_case(self, case: NewCase) -> CaseRecord:
        """Allocate the next case number atomically and write case + strike + audit together."""
        ...

    async def get_case(self, community: str, number: int) -> CaseRecord | None: ...

    async def list_cases(
        self, community: str, user_id: str | None = None, limit: int = 50
    ) -> Sequence[CaseRecord]: ...

    async def set_case_status(
        self, community: str, number: int, status: CaseStatus, actor: str, now: datetime
    ) -> CaseRecord | None: ...

    async def update_case_reason(
        self, community: str, number: int, reason: str, actor: str, now: datetime
    ) -> CaseRecord | None: ...

    async def set_legal_hold(
        self, community: str, number: int, hold: bool, actor: str, now: datetime
    ) -> CaseRecord | None: ...

    async def record_outcome(
        self, community: str, number: int, action: str, outcome: ActionOutcome, now: datetime
    ) -> None:
        """Append an action's outcome to the case (and the audit log)."""
        ...

    async def list_strikes(
        self, community: str, user_id: str, now: datetime, include_inactive: bool = False
    ) -> Sequence[StrikeRecord]: ...

    async def pardon(
        self, community: str, user_id: str, actor: str, now: datetime, points: int | None = None
    ) -> int:
        """Remove ``points`` (all when None) of active points, oldest first; returns removed."""
        ...

    async def pardon_case(self, community: str, number: int, actor: str, now: datetime) -> int:
        """Remove the still-active points of case ``number`` only; returns removed."""
        ...

    async def add_note(
        self,
        community: str,
        user_id: str,
        author: str,
        text: str,
        now: datetime,
        case_number: int | None = None,
    ) -> NoteRecord: ...

    async def list_notes(self, community: str, user_id: str) -> Sequence[NoteRecord]: ...

    # sanctions and the scheduler
    async def get_sanction(self, community: str, user_id: str) -> SanctionState: ...

    async def set_sanction(self, community: str, user_id: str, state: SanctionState) -> None: ...

    async def update_sanction(
        self,
        community: str,
        user_id: str,
        platform: str,
        case_number: int | None,
        change: Callable[[SanctionState], SanctionChange | None],
    ) -> None:
        """In ONE transaction: read the member's sanction state, ask ``change`` what it becomes
        (None: nothing), write it, cancel and (re)schedule the timers it names."""
        ...

    async def schedule(
        self,
        community: str,
        platform: str,
        user_id: str,
        kind: ScheduledKind,
        due_at: datetime,
        case_number: int | None = None,
    ) -> ScheduledAction:
        """Schedule an unmute/unban; cancels any pending one of the same kind for the member."""
        ...

    async def due_actions(self, now: datetime) -> Sequence[ScheduledAction]: ...

    async def next_due_at(self) -> datetime | None: ...

    async def claim_scheduled(self, action_id: int, now: datetime) -> bool:
        """Mark fired; False if already fired or cancelled (so it fires once)."""
        ...

    async def cancel_scheduled(self, community: str, user_id: str, kind: ScheduledKind) -> int: ...

    # audit and config revisions
    async def audit(self, entry: AuditEntry) -> None: ...

    async def list_audit(self, community: str, limit: int = 100) -> Sequence[AuditEntry]: ...

    async def save_config_revision(
        self, scope: str, content: str, author: str, now: datetime
    ) -> ConfigRevision:
        """Store a revision unless identical (same sha256) to the latest for ``scope``."""
        ...

    async def latest_config_revision(self, scope: str) -> ConfigRevision | None: ...

    # privacy
    async def purge_expired(self, now: datetime, retention: RetentionPolicy) -> dict[str, int]:
        """Delete/blank personal data past retention, sparing legal holds; counts per kind."""
        ...

    async def export_user(self, user_id: str) -> dict[str, object]: ...

    async def erase_user(self, user_id: str, now: datetime) -> dict[str, int]:
        """Erase a member's data everywhere except cases under legal hold; counts per kind."""
        ...
