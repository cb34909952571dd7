"""Strikes (points with expiry and pardon) and moderator notes about members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, literal, or_, select, update
from sqlalchemy.engine import Connection

from bot.decisions import MemberHistory
from bot.records import AuditEntry, NewCase, NoteRecord, SanctionState, StrikeRecord
from bot.store.audit_repository import insert_audit
from bot.store.column_types import as_utc
from bot.store.errors import StoreConstraintError
from bot.store.tables import notes, sanctions, strikes

__all__ = [
    "active_points",
    "add_note",
    "insert_strike",
    "list_notes",
    "list_strikes",
    "member_history",
    "pardon",
    "pardon_case",
]


_INSERT_STRIKE = strikes.insert()


def insert_strike(connection: Connection, case_id: int, case: NewCase, number: int) -> None:
    connection.execute(
        _INSERT_STRIKE,
        {
            "case_id": case_id,
            "community": case.community,
            "user_id": case.user_id,
            "case_number": number,
            "points": case.points,
            "created_at": case.created_at,
            "expires_at": case.points_expire_at,
        },
    )


def _active(community: str, user_id: str, now: datetime) -> ColumnElement[bool]:
    return and_(
        strikes.c.community == community,
        strikes.c.user_id == user_id,
        strikes.c.pardoned_at.is_(None),
        or_(strikes.c.expires_at.is_(None), strikes.c.expires_at > now),
    )


def active_points(connection: Connection, community: str, user_id: str, now: datetime) -> int:
    total = connection.scalar(
        select(func.coalesce(func.sum(strikes.c.points), 0)).where(_active(community, user_id, now))
    )
    return int(total or 0)


def _history_statement() -> Any:
    community: Any = bindparam("community")
    user_id: Any = bindparam("user_id")
    now: Any = bindparam("now")
    points = (
        select(func.coalesce(func.sum(strikes.c.points), 0))
        .where(
            strikes.c.community == community,
            strikes.c.user_id == user_id,
            strikes.c.pardoned_at.is_(None),
            or_(strikes.c.expires_at.is_(None), strikes.c.expires_at > now),
        )
        .scalar_subquery()
    )
    one_row = select(literal(1).label("one")).subquery()
    joined = one_row.outerjoin(
        sanctions, and_(sanctions.c.community == community, sanctions.c.user_id == user_id)
    )
    return select(
        points.label("points"),
        sanctions.c.muted_until,
        sanctions.c.banned_until,
        sanctions.c.banned_forever,
    ).select_from(joined)


_HISTORY = _history_statement()


def member_history(
    connection: Connection, community: str, user_id: str, now: datetime
) -> MemberHistory:
    """Active points and sanction state in ONE statement (the flagged path counts round trips)."""
    parameters = {"community": community, "user_id": user_id, "now": now}
    row = connection.execute(_HISTORY, parameters).one()
    return MemberHistory(
        active_points=int(row.points or 0),
        sanction=SanctionState(
            muted_until=row.muted_until,
            banned_until=row.banned_until,
            banned_forever=bool(row.banned_forever),
        ),
    )


def strike_of(row: Any) -> StrikeRecord:
    return StrikeRecord(
        id=row.id,
        community=row.community,
        user_id=row.user_id,
        case_number=row.case_number,
        points=row.points,
        created_at=row.created_at,
        expires_at=row.expires_at,
        pardoned_at=row.pardoned_at,
    )


def list_strikes(
    connection: Connection,
    community: str,
    user_id: str,
    now: datetime,
    include_inactive: bool,
) -> Sequence[StrikeRecord]:
    """Oldest first."""
    if include_inactive:
        where = and_(strikes.c.community == community, strikes.c.user_id == user_id)
    else:
        where = _active(community, user_id, now)
    rows = connection.execute(
        select(strikes).where(where).order_by(strikes.c.created_at, strikes.c.id)
    )
    return [strike_of(row) for row in rows]


def pardon(
    connection: Connection,
    community: str,
    user_id: str,
    actor: str,
    now: datetime,
    points: int | None,
) -> int:
    """Pardon oldest active points first; a strike pardoned in part is split in two rows."""
    if points is not None and points < 0:
        raise StoreConstraintError(f"cannot pardon a negative number of points ({points})")
    left = points
    removed = 0
    rows = connection.execute(
        select(strikes)
        .where(_active(community, user_id, now))
        .order_by(strikes.c.created_at, strikes.c.id)
    )
    for strike in rows.all():
        if left is not None and left <= 0:
            break
        take = strike.points if left is None else min(left, strike.points)
        if take == strike.points:
            connection.execute(
                update(strikes).where(strikes.c.id == strike.id).values(pardoned_at=now)
            )
        else:  # keep the unpardoned rest active and record the pardoned part as its own row
            connection.execute(
                update(strikes).where(strikes.c.id == strike.id).values(points=strike.points - take)
            )
            connection.execute(
                strikes.insert().values(
                    case_id=strike.case_id,
                    community=strike.community,
                    user_id=strike.user_id,
                    case_number=strike.case_number,
                    points=take,
                    created_at=strike.created_at,
                    expires_at=strike.expires_at,
                    pardoned_at=now,
                )
            )
        removed += take
        if left is not None:
            left -= take
    insert_audit(
        connection,
        AuditEntry(
            community=community,
            actor=actor,
            action="pardon",
            created_at=now,
            target_user_id=user_id,
            reason="",
            detail=f"removed {removed} point(s)"
            + ("" if points is None else f" of {points} requested"),
        ),
    )
    return removed


def pardon_case(
    connection: Connection, community: str, number: int, actor: str, now: datetime
) -> int:
    """Pardon the still-active points of one case (a false positive undone), no others."""
    active_of_case = and_(
        strikes.c.community == community,
        strikes.c.case_number == number,
        strikes.c.pardoned_at.is_(None),
        or_(strikes.c.expires_at.is_(None), strikes.c.expires_at > now),
    )
    rows = (
        connection.execute(select(strikes.c.user_id, strikes.c.points).where(active_of_case))
    ).all()
    if not rows:
        return 0
    connection.execute(update(strikes).where(active_of_case).values(pardoned_at=now))
    removed = sum(int(row.points) for row in rows)
    insert_audit(
        connection,
        AuditEntry(
            community=community,
            actor=actor,
            action="pardon",
            created_at=now,
            target_user_id=rows[0].user_id,
            case_number=number,
            detail=f"removed {removed} point(s) of case #{number}",
        ),
    )
    return removed


def add_note(
    connection: Connection,
    community: str,
    user_id: str,
    author: str,
    text: str,
    now: datetime,
    case_number: int | None,
) -> NoteRecord:
    result = connection.execute(
        notes.insert().values(
            community=community,
            user_id=user_id,
            author=author,
            text=text,
            created_at=now,
            case_number=case_number,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return NoteRecord(
        id=int(key[0]),
        community=community,
        user_id=user_id,
        author=author,
        text=text,
        created_at=as_utc(now),
        case_number=case_number,
    )


def list_notes(connection: Connection, community: str, user_id: str) -> Sequence[NoteRecord]:
    """Oldest first."""
    rows = connection.execute(
        select(notes)
        .where(notes.c.community == community, notes.c.user_id == user_id)
        .order_by(notes.c.id)
    )
    return [note_of(row) for row in rows]


def note_of(row: Any) -> NoteRecord:
    return NoteRecord(
        id=row.id,
        community=row.community,
        user_id=row.user_id,
        author=row.author,
        text=row.text,
        created_at=row.created_at,
        case_number=row.case_number,
    )
