"""``SqlStore``: the ``bot.ports.Store`` protocol on SQLAlchemy (SQLite or PostgreSQL).

Every public method is one transaction. ``open_store`` checks the schema and that the database
can be written, but never migrates: that is ``upgrade_database`` (``pasici db upgrade``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

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
from bot.store.database import Database, open_database
from bot.store.engine import (
    DEFAULT_BUSY_TIMEOUT_SECONDS,
    check_sqlite_file,
    describe,
    is_sqlite,
    normalise_url,
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
    database = open_database(parsed, busy_timeout_seconds=busy_timeout_seconds)
    try:
        await database.read(lambda connection: check_schema(connection, label))
        # take the write lock once: a locked or read-only database fails here, at start
        await database.write(lambda connection: None)
    except BaseException:
        await database.close()
        raise
    return SqlStore(database)


class SqlStore:
    """Implements ``bot.ports.Store``. Build it with ``open_store``.

    Each method is one transaction of the repository functions (plain SQLAlchemy Core on a
    ``Connection``), run by ``bot.store.database``: inline on SQLite, through asyncpg on
    PostgreSQL.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def label(self) -> str:
        """Which database this is, for messages ("SQLite file /path/pasici.db")."""
        return self._db.label

    async def close(self) -> None:
        await self._db.close()

    # replay protection
    async def claim_message(self, key: str, now: datetime) -> bool:
        return await self._db.write(
            lambda connection: audit_repository.claim_message(connection, key, now)
        )

    async def record_judgement(
        self,
        key: str,
        community: str,
        user_id: str,
        now: datetime,
        judge: Callable[[MemberHistory], NewCase | None],
    ) -> CaseRecord | None:

        def work(connection: Connection) -> CaseRecord | None:
            if not audit_repository.claim_message(connection, key, now):
                return None
            # Another process judging this community waits here until we commit, so it reads
            # the points this case adds (PostgreSQL row lock; SQLite has one writer anyway).
            case_repository.lock_community(connection, community, now)
            history = strike_repository.member_history(connection, community, user_id, now)
            new_case = judge(history)
            if new_case is None:
                return None
            return case_repository.open_case(connection, new_case)

        return await self._db.write(work)

    # members, strikes and cases
    async def active_points(self, community: str, user_id: str, now: datetime) -> int:
        return await self._db.read(
            lambda connection: strike_repository.active_points(connection, community, user_id, now)
        )

    async def open_case(self, case: NewCase) -> CaseRecord:
        return await self._db.write(lambda connection: case_repository.open_case(connection, case))

    async def get_case(self, community: str, number: int) -> CaseRecord | None:
        return await self._db.read(
            lambda connection: case_repository.load_case(connection, community, number)
        )

    async def list_cases(
        self, community: str, user_id: str | None = None, limit: int = 50
    ) -> Sequence[CaseRecord]:
        return await self._db.read(
            lambda connection: case_repository.list_cases(connection, community, user_id, limit)
        )

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

        def work(connection: Connection) -> CaseRecord | None:
            current = case_repository.load_case(connection, community, number)
            if current is None:
                return None
            entry = replace(audit, target_user_id=current.user_id, case_number=number)
            return case_repository.update_case(connection, community, number, values, entry)

        return await self._db.write(work)

    async def record_outcome(
        self, community: str, number: int, action: str, outcome: ActionOutcome, now: datetime
    ) -> None:
        await self._db.write(
            lambda connection: case_repository.record_outcome(
                connection, community, number, action, outcome, now
            )
        )

    async def list_strikes(
        self, community: str, user_id: str, now: datetime, include_inactive: bool = False
    ) -> Sequence[StrikeRecord]:
        return await self._db.read(
            lambda connection: strike_repository.list_strikes(
                connection, community, user_id, now, include_inactive
            )
        )

    async def pardon(
        self, community: str, user_id: str, actor: str, now: datetime, points: int | None = None
    ) -> int:
        return await self._db.write(
            lambda connection: strike_repository.pardon(
                connection, community, user_id, actor, now, points
            )
        )

    async def pardon_case(self, community: str, number: int, actor: str, now: datetime) -> int:
        """Pardon only the active points of case ``number`` (not part of ``bot.ports.Store``
        yet: undoing a false positive should not pardon an older, deserved strike)."""
        return await self._db.write(
            lambda connection: strike_repository.pardon_case(
                connection, community, number, actor, now
            )
        )

    async def add_note(
        self,
        community: str,
        user_id: str,
        author: str,
        text: str,
        now: datetime,
        case_number: int | None = None,
    ) -> NoteRecord:
        return await self._db.write(
            lambda connection: strike_repository.add_note(
                connection, community, user_id, author, text, now, case_number
            )
        )

    async def list_notes(self, community: str, user_id: str) -> Sequence[NoteRecord]:
        return await self._db.read(
            lambda connection: strike_repository.list_notes(connection, community, user_id)
        )

    # sanctions and the scheduler
    async def get_sanction(self, community: str, user_id: str) -> SanctionState:
        return await self._db.read(
            lambda connection: schedule_repository.get_sanction(connection, community, user_id)
        )

    async def set_sanction(self, community: str, user_id: str, state: SanctionState) -> None:
        await self._db.write(
            lambda connection: schedule_repository.set_sanction(
                connection, community, user_id, state
            )
        )

    async def update_sanction(
        self,
        community: str,
        user_id: str,
        platform: str,
        case_number: int | None,
        change: Callable[[SanctionState], SanctionChange | None],
    ) -> None:

        def work(connection: Connection) -> None:
            # read-change-write: concurrent updates (the scheduler, a command, a case) queue
            # here instead of overwriting each other (PostgreSQL row lock)
            case_repository.lock_community(connection, community, datetime.now(UTC))
            state = schedule_repository.get_sanction(connection, community, user_id)
            planned = change(state)
            if planned is None:
                return
            schedule_repository.set_sanction(connection, community, user_id, planned.state)
            for kind in planned.cancel:
                schedule_repository.cancel_scheduled(connection, community, user_id, kind)
            for kind, due_at in planned.schedule:
                schedule_repository.schedule(
                    connection, community, platform, user_id, kind, due_at, case_number
                )

        await self._db.write(work)

    async def schedule(
        self,
        community: str,
        platform: str,
        user_id: str,
        kind: ScheduledKind,
        due_at: datetime,
        case_number: int | None = None,
    ) -> ScheduledAction:
        return await self._db.write(
            lambda connection: schedule_repository.schedule(
                connection, community, platform, user_id, kind, due_at, case_number
            )
        )

    async def due_actions(self, now: datetime) -> Sequence[ScheduledAction]:
        return await self._db.read(
            lambda connection: schedule_repository.due_actions(connection, now)
        )

    async def next_due_at(self) -> datetime | None:
        return await self._db.read(lambda connection: schedule_repository.next_due_at(connection))

    async def claim_scheduled(self, action_id: int, now: datetime) -> bool:
        return await self._db.write(
            lambda connection: schedule_repository.claim_scheduled(connection, action_id, now)
        )

    async def cancel_scheduled(self, community: str, user_id: str, kind: ScheduledKind) -> int:
        return await self._db.write(
            lambda connection: schedule_repository.cancel_scheduled(
                connection, community, user_id, kind
            )
        )

    # audit and config revisions
    async def audit(self, entry: AuditEntry) -> None:
        await self._db.write(lambda connection: audit_repository.insert_audit(connection, entry))

    async def list_audit(self, community: str, limit: int = 100) -> Sequence[AuditEntry]:
        return await self._db.read(
            lambda connection: audit_repository.list_audit(connection, community, limit)
        )

    async def save_config_revision(
        self, scope: str, content: str, author: str, now: datetime
    ) -> ConfigRevision:
        return await self._db.write(
            lambda connection: audit_repository.save_config_revision(
                connection, scope, content, author, now
            )
        )

    async def latest_config_revision(self, scope: str) -> ConfigRevision | None:
        return await self._db.read(
            lambda connection: audit_repository.latest_config_revision(connection, scope)
        )

    # privacy
    async def purge_expired(self, now: datetime, retention: RetentionPolicy) -> dict[str, int]:
        return await self._db.write(
            lambda connection: privacy.purge_expired(connection, now, retention)
        )

    async def export_user(self, user_id: str) -> dict[str, object]:
        return await self._db.read(lambda connection: privacy.export_user(connection, user_id))

    async def erase_user(self, user_id: str, now: datetime) -> dict[str, int]:
        return await self._db.write(lambda connection: privacy.erase_user(connection, user_id, now))


if TYPE_CHECKING:  # mypy proves here that SqlStore satisfies the port

    def _satisfies_the_port(store: SqlStore) -> Store:
        return store
