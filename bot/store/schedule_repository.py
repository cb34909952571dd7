"""Scheduled unmute/unban actions and the sanctions the bot last applied to each member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, select, update
from sqlalchemy.engine import Connection

from bot.records import SanctionState, ScheduledAction, ScheduledKind
from bot.store.case_repository import lock_community
from bot.store.sql_helpers import upsert_insert
from bot.store.tables import sanctions, scheduled_actions

__all__ = [
    "cancel_scheduled",
    "claim_scheduled",
    "due_actions",
    "get_sanction",
    "next_due_at",
    "schedule",
    "scheduled_of",
    "set_sanction",
]

_PENDING = and_(scheduled_actions.c.fired_at.is_(None), scheduled_actions.c.cancelled == false())


def scheduled_of(row: Any) -> ScheduledAction:
    return ScheduledAction(
        id=row.id,
        community=row.community,
        platform=row.platform,
        user_id=row.user_id,
        kind=ScheduledKind(row.kind),
        due_at=row.due_at,
        case_number=row.case_number,
        fired_at=row.fired_at,
        cancelled=bool(row.cancelled),
    )


def _pending_for(community: str, user_id: str, kind: ScheduledKind) -> ColumnElement[bool]:
    return and_(
        _PENDING,
        scheduled_actions.c.community == community,
        scheduled_actions.c.user_id == user_id,
        scheduled_actions.c.kind == kind.value,
    )


def cancel_scheduled(
    connection: Connection, community: str, user_id: str, kind: ScheduledKind
) -> int:
    result = connection.execute(
        update(scheduled_actions)
        .where(_pending_for(community, user_id, kind))
        .values(cancelled=True)
    )
    return int(result.rowcount)


def schedule(
    connection: Connection,
    community: str,
    platform: str,
    user_id: str,
    kind: ScheduledKind,
    due_at: datetime,
    case_number: int | None,
) -> ScheduledAction:
    """Replace any pending action of this kind for the member (a unique index backs this up)."""
    # (schedule() gets no "now": a community first seen here is dated by the due time)
    lock_community(connection, community, due_at)
    cancel_scheduled(connection, community, user_id, kind)
    result = connection.execute(
        scheduled_actions.insert().values(
            community=community,
            platform=platform,
            user_id=user_id,
            kind=kind.value,
            due_at=due_at,
            case_number=case_number,
            cancelled=False,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    row = (
        connection.execute(select(scheduled_actions).where(scheduled_actions.c.id == key[0]))
    ).one()
    return scheduled_of(row)


def due_actions(connection: Connection, now: datetime) -> Sequence[ScheduledAction]:
    """Pending actions due at or before ``now``, earliest first (includes overdue ones)."""
    rows = connection.execute(
        select(scheduled_actions)
        .where(_PENDING, scheduled_actions.c.due_at <= now)
        .order_by(scheduled_actions.c.due_at, scheduled_actions.c.id)
    )
    return [scheduled_of(row) for row in rows]


def next_due_at(connection: Connection) -> datetime | None:
    value = connection.scalar(select(func.min(scheduled_actions.c.due_at)).where(_PENDING))
    # min() keeps the column type, so the value comes back as an aware UTC datetime
    assert value is None or isinstance(value, datetime)
    return value


def claim_scheduled(connection: Connection, action_id: int, now: datetime) -> bool:
    """Mark one pending action fired: only one caller can win (conditional UPDATE + rowcount)."""
    result = connection.execute(
        update(scheduled_actions)
        .where(scheduled_actions.c.id == action_id, _PENDING)
        .values(fired_at=now)
    )
    return bool(result.rowcount == 1)


def get_sanction(connection: Connection, community: str, user_id: str) -> SanctionState:
    row = (
        connection.execute(
            select(sanctions).where(
                sanctions.c.community == community, sanctions.c.user_id == user_id
            )
        )
    ).first()
    if row is None:
        return SanctionState()
    return SanctionState(
        muted_until=row.muted_until,
        banned_until=row.banned_until,
        banned_forever=bool(row.banned_forever),
    )


def set_sanction(
    connection: Connection, community: str, user_id: str, state: SanctionState
) -> None:
    """Upsert; a state with no sanction at all deletes the row (keeps no needless data)."""
    if state == SanctionState():
        connection.execute(
            delete(sanctions).where(
                sanctions.c.community == community, sanctions.c.user_id == user_id
            )
        )
        return
    statement = upsert_insert(connection, sanctions).values(
        community=community,
        user_id=user_id,
        muted_until=state.muted_until,
        banned_until=state.banned_until,
        banned_forever=state.banned_forever,
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["community", "user_id"],
            set_={
                "muted_until": statement.excluded.muted_until,
                "banned_until": statement.excluded.banned_until,
                "banned_forever": statement.excluded.banned_forever,
            },
        )
    )
