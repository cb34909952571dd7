"""``SqlStore``: the ``bot.ports.Store`` protocol on SQLAlchemy async (SQLite or PostgreSQL).

Every public method is one transaction. ``open_store`` checks the schema and that the database
can be written, but never migrates: that is ``upgrade_database`` (``pasici db upgrade``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.actions import ActionOutcome
from bot.decisions import MemberHistory
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
from bot.store import (
    audit_repository,
    case_repository,
    privacy,
    schedule_repository,
    strike_repository,
)
from bot.store.engine import (
    DEFAULT_BUSY_TIMEOUT_SECONDS,
    WRITE_OPTION,
    check_sqlite_file,
    describe,
    is_sqlite,
    make_engine,
    normalise_url,
    translate_errors,
)
from bot.store.migrate import check_schema

if TYPE_CHECKING:
    from bot.ports import Store

__all__ = ["SqlStore", "open_store"]


async def open_store(
    url: str, *, busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS
) -> SqlStore:
    """Connect to a migrated database; raises a ``StoreError`` subclass with a human message."""
    parsed = normalise_url(url)
    label = describe(parsed)
    if is_sqlite(parsed):
        check_sqlite_file(parsed, must_exist=True)
    engine = make_engine(parsed, busy_timeout_seconds=busy_timeout_seconds)
    try:
        async with translate_errors(label):
            async with engine.connect() as connection:
                await check_schema(connection, label)
            # take the write lock once: a locked or read-only database fails here, at start
            async with engine.execution_options(**{WRITE_OPTION: True}).begin():
                pass
    except BaseException:
        await engine.dispose()
        raise
    return SqlStore(engine, parsed)


class SqlStore:
    """Implements ``bot.ports.Store``. Build it with ``open_store``."""

    def __init__(self, engine: AsyncEngine, url: URL) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._label = describe(url)
        # SQLite has one writer at a time: queue writers here instead of spinning on busy_timeout
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if is_sqlite(url) else None

    @property
    def label(self) -> str:
        """Which database this is, for messages ("SQLite file /path/pasici.db")."""
        return self._label

    async def close(self) -> None:
        await self._engine.dispose()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with translate_errors(self._label), self._engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        lock: AbstractAsyncContextManager[object] = self._write_lock or nullcontext()
        async with lock, translate_errors(self._label), self._writer.begin() as connection:
            yield connection

    # replay protection
    async def claim_message(self, key: str, now: datetime) -> bool:
        async with self._write() as connection:
            return await audit_repository.claim_message(connection, key, now)

    async def record_judgement(
        self,
        key: str,
        community: str,
        user_id: str,
        now: datetime,
        judge: Callable[[MemberHistory], NewCase | None],
    ) -> CaseRecord | None:
        async with self._write() as connection:
            if not await audit_repository.claim_message(connection, key, now):
                return None
            history = await strike_repository.member_history(connection, community, user_id, now)
            new_case = judge(history)
            if new_case is None:
                return None
            return await case_repository.open_case(connection, new_case)

    # members, strikes and cases
    async def active_points(self, community: str, user_id: str, now: datetime) -> int:
        async with self._read() as connection:
            return await strike_repository.active_points(connection, community, user_id, now)

    async def open_case(self, case: NewCase) -> CaseRecord:
        async with self._write() as connection:
            return await case_repository.open_case(connection, case)

    async def get_case(self, community: str, number: int) -> CaseRecord | None:
        async with self._read() as connection:
            return await case_repository.load_case(connection, community, number)

    async def list_cases(
        self, community: str, user_id: str | None = None, limit: int = 50
    ) -> Sequence[CaseRecord]:
        async with self._read() as connection:
            return await case_repository.list_cases(connection, community, user_id, limit)

    async def set_case_status(
        self, community: str, number: int, status: CaseStatus, actor: str, now: datetime
    ) -> CaseRecord | None:
        audit = AuditEntry(community, actor, f"case_{status.value}", now, case_number=number)
        return await self._update_case(community, number, {"status": status.value}, audit)

    async def update_case_reason(
        self, community: str, number: int, reason: str, actor: str, now: datetime
    ) -> CaseRecord | None:
        audit = AuditEntry(community, actor, "case_reason", now, case_number=number, reason=reason)
        return await self._update_case(community, number, {"reason": reason}, audit)

    async def set_legal_hold(
        self, community: str, number: int, hold: bool, actor: str, now: datetime
    ) -> CaseRecord | None:
        action = "legal_hold_on" if hold else "legal_hold_off"
        audit = AuditEntry(community, actor, action, now, case_number=number)
        return await self._update_case(community, number, {"legal_hold": hold}, audit)

    async def _update_case(
        self, community: str, number: int, values: dict[str, object], audit: AuditEntry
    ) -> CaseRecord | None:
        async with self._write() as connection:
            current = await case_repository.load_case(connection, community, number)
            if current is None:
                return None
            audit = AuditEntry(
                community=audit.community,
                actor=audit.actor,
                action=audit.action,
                created_at=audit.created_at,
                target_user_id=current.user_id,
                case_number=number,
                reason=audit.reason,
                detail=audit.detail,
            )
            return await case_repository.update_case(connection, community, number, values, audit)

    async def record_outcome(
        self, community: str, number: int, action: str, outcome: ActionOutcome, now: datetime
    ) -> None:
        async with self._write() as connection:
            await case_repository.record_outcome(
                connection, community, number, action, outcome, now
            )

    async def list_strikes(
        self, community: str, user_id: str, now: datetime, include_inactive: bool = False
    ) -> Sequence[StrikeRecord]:
        async with self._read() as connection:
            return await strike_repository.list_strikes(
                connection, community, user_id, now, include_inactive
            )

    async def pardon(
        self, community: str, user_id: str, actor: str, now: datetime, points: int | None = None
    ) -> int:
        async with self._write() as connection:
            return await strike_repository.pardon(
                connection, community, user_id, actor, now, points
            )

    async def pardon_case(self, community: str, number: int, actor: str, now: datetime) -> int:
        """Pardon only the active points of case ``number`` (not part of ``bot.ports.Store``
        yet: undoing a false positive should not pardon an older, deserved strike)."""
        async with self._write() as connection:
            return await strike_repository.pardon_case(connection, community, number, actor, now)

    async def add_note(
        self,
        community: str,
        user_id: str,
        author: str,
        text: str,
        now: datetime,
        case_number: int | None = None,
    ) -> NoteRecord:
        async with self._write() as connection:
            return await strike_repository.add_note(
                connection, community, user_id, author, text, now, case_number
            )

    async def list_notes(self, community: str, user_id: str) -> Sequence[NoteRecord]:
        async with self._read() as connection:
            return await strike_repository.list_notes(connection, community, user_id)

    # sanctions and the scheduler
    async def get_sanction(self, community: str, user_id: str) -> SanctionState:
        async with self._read() as connection:
            return await schedule_repository.get_sanction(connection, community, user_id)

    async def set_sanction(self, community: str, user_id: str, state: SanctionState) -> None:
        async with self._write() as connection:
            await schedule_repository.set_sanction(connection, community, user_id, state)

    async def update_sanction(
        self,
        community: str,
        user_id: str,
        platform: str,
        case_number: int | None,
        change: Callable[[SanctionState], SanctionChange | None],
    ) -> None:
        async with self._write() as connection:
            state = await schedule_repository.get_sanction(connection, community, user_id)
            planned = change(state)
            if planned is None:
                return
            await schedule_repository.set_sanction(connection, community, user_id, planned.state)
            for kind in planned.cancel:
                await schedule_repository.cancel_scheduled(connection, community, user_id, kind)
            for kind, due_at in planned.schedule:
                await schedule_repository.schedule(
                    connection, community, platform, user_id, kind, due_at, case_number
                )

    async def schedule(
        self,
        community: str,
        platform: str,
        user_id: str,
        kind: ScheduledKind,
        due_at: datetime,
        case_number: int | None = None,
    ) -> ScheduledAction:
        async with self._write() as connection:
            return await schedule_repository.schedule(
                connection, community, platform, user_id, kind, due_at, case_number
            )

    async def due_actions(self, now: datetime) -> Sequence[ScheduledAction]:
        async with self._read() as connection:
            return await schedule_repository.due_actions(connection, now)

    async def next_due_at(self) -> datetime | None:
        async with self._read() as connection:
            return await schedule_repository.next_due_at(connection)

    async def claim_scheduled(self, action_id: int, now: datetime) -> bool:
        async with self._write() as connection:
            return await schedule_repository.claim_scheduled(connection, action_id, now)

    async def cancel_scheduled(self, community: str, user_id: str, kind: ScheduledKind) -> int:
        async with self._write() as connection:
            return await schedule_repository.cancel_scheduled(connection, community, user_id, kind)

    # audit and config revisions
    async def audit(self, entry: AuditEntry) -> None:
        async with self._write() as connection:
            await audit_repository.insert_audit(connection, entry)

    async def list_audit(self, community: str, limit: int = 100) -> Sequence[AuditEntry]:
        async with self._read() as connection:
            return await audit_repository.list_audit(connection, community, limit)

    async def save_config_revision(
        self, scope: str, content: str, author: str, now: datetime
    ) -> ConfigRevision:
        async with self._write() as connection:
            return await audit_repository.save_config_revision(
                connection, scope, content, author, now
            )

    async def latest_config_revision(self, scope: str) -> ConfigRevision | None:
        async with self._read() as connection:
            return await audit_repository.latest_config_revision(connection, scope)

    # privacy
    async def purge_expired(self, now: datetime, retention: RetentionPolicy) -> dict[str, int]:
        async with self._write() as connection:
            return await privacy.purge_expired(connection, now, retention)

    async def export_user(self, user_id: str) -> dict[str, object]:
        async with self._read() as connection:
            return await privacy.export_user(connection, user_id)

    async def erase_user(self, user_id: str, now: datetime) -> dict[str, int]:
        async with self._write() as connection:
            return await privacy.erase_user(connection, user_id, now)


if TYPE_CHECKING:  # mypy proves here that SqlStore satisfies the port

    def _satisfies_the_port(store: SqlStore) -> Store:
        return store
