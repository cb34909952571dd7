"""Cases (numbered per community), their outcomes and the member row a case creates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from bot.actions import ActionOutcome
from bot.records import BOT_ACTOR, AuditEntry, CaseRecord, CaseStatus, NewCase
from bot.store.audit_repository import insert_audit
from bot.store.column_types import portable_text
from bot.store.errors import StoreConstraintError
from bot.store.sql_helpers import (
    decode_spans,
    encode_list,
    encode_spans,
    prebuilt,
    upsert_insert,
)
from bot.store.strike_repository import insert_strike
from bot.store.tables import case_outcomes, cases, communities, members

__all__ = [
    "case_of",
    "ensure_community",
    "list_cases",
    "list_cases_of_user",
    "load_case",
    "lock_community",
    "open_case",
    "record_outcome",
    "update_case",
]


_ENSURE_COMMUNITY = prebuilt(
    lambda connection: upsert_insert(connection, communities).on_conflict_do_nothing(
        index_elements=["key"]
    )
)


def ensure_community(connection: Connection, community: str, now: datetime) -> None:
    connection.execute(
        _ENSURE_COMMUNITY(connection), {"key": community, "last_case_number": 0, "created_at": now}
    )


def lock_community(connection: Connection, community: str, now: datetime) -> None:
    """Serialise writers of one community until commit: a PostgreSQL row lock. (SQLite write
    transactions start with BEGIN IMMEDIATE: the whole database is already theirs.)"""
    if connection.dialect.name == "sqlite":
        return
    parameters = {"community": community}
    if connection.execute(_LOCK_COMMUNITY, parameters).first() is None:
        ensure_community(connection, community, now)
        connection.execute(_LOCK_COMMUNITY, parameters)


_LOCK_COMMUNITY = (
    select(communities.c.key).where(communities.c.key == bindparam("community")).with_for_update()
)


def next_case_number(connection: Connection, community: str, now: datetime) -> int:
    """Allocate the community's next number; the UPDATE row-locks the counter until commit.

    The community row is created only when the UPDATE finds none (its first case ever).
    """
    parameters = {"community": community}
    number = connection.execute(_BUMP, parameters).scalar_one_or_none()
    if number is None:
        ensure_community(connection, community, now)
        number = connection.execute(_BUMP, parameters).scalar_one()
    return int(number)


_BUMP = (
    update(communities)
    .where(communities.c.key == bindparam("community"))
    .values(last_case_number=communities.c.last_case_number + 1)
    .returning(communities.c.last_case_number)
)


def _touch_member_statement(connection: Connection) -> Any:
    statement = upsert_insert(connection, members)
    return statement.on_conflict_do_update(
        index_elements=["community", "user_id"],
        set_={
            "platform": statement.excluded.platform,
            "user_name": statement.excluded.user_name,
            "last_seen_at": statement.excluded.last_seen_at,
        },
    )


_TOUCH_MEMBER = prebuilt(_touch_member_statement)


def _touch_member(connection: Connection, case: NewCase) -> None:
    connection.execute(
        _TOUCH_MEMBER(connection),
        {
            "community": case.community,
            "user_id": case.user_id,
            "platform": case.platform,
            "user_name": case.user_name,
            "first_seen_at": case.created_at,
            "last_seen_at": case.created_at,
        },
    )


_INSERT_CASE = cases.insert()
_INSERT_OUTCOME = case_outcomes.insert()
_CASE_OF_NUMBER = select(cases.c.id, cases.c.user_id).where(
    cases.c.community == bindparam("community"), cases.c.number == bindparam("number")
)


def open_case(connection: Connection, case: NewCase) -> CaseRecord:
    """Case + strike (when it carries points) + audit entry, in the caller's transaction."""
    if case.points < 0:
        raise StoreConstraintError(f"a case cannot carry negative points ({case.points})")
    number = next_case_number(connection, case.community, case.created_at)
    _touch_member(connection, case)
    written = CaseRecord(
        id=0,
        community=case.community,
        number=number,
        platform=case.platform,
        user_id=case.user_id,
        user_name=case.user_name,
        action=case.action,
        actor=case.actor,
        reason=case.reason,
        created_at=case.created_at,
        status=case.status,
        category=case.category,
        score=case.score,
        lang=case.lang,
        channel_id=case.channel_id,
        message_id=case.message_id,
        message_text=case.message_text,
        message_link=case.message_link,
        spans=case.spans,
        reasons=case.reasons,
        points=case.points,
        evidence=case.evidence,
        legal_hold=False,
        shadow=case.shadow,
        action_until=case.action_until,
    )
    result = connection.execute(_INSERT_CASE, _row_of(written))
    key = result.inserted_primary_key
    assert key is not None
    case_id = int(key[0])
    if case.points > 0:
        insert_strike(connection, case_id, case, number)
    detail = f"{case.action}; {case.points} point(s)" + ("; shadow" if case.shadow else "")
    insert_audit(
        connection,
        AuditEntry(
            community=case.community,
            actor=case.actor,
            action="case_opened",
            created_at=case.created_at,
            target_user_id=case.user_id,
            case_number=number,
            reason=case.reason,
            detail=detail,
        ),
    )
    # What was written, not read back (two statements less on the flagged path), as the
    # database gives it back: text columns cleaned by portable_text, times in UTC.
    until = written.action_until
    return replace(
        written,
        id=case_id,
        user_name=portable_text(written.user_name),
        reason=portable_text(written.reason),
        created_at=written.created_at.astimezone(UTC),
        message_text=None if written.message_text is None else portable_text(written.message_text),
        message_link=portable_text(written.message_link),
        spans=tuple((start, end, portable_text(text)) for start, end, text in written.spans),
        reasons=tuple(portable_text(reason) for reason in written.reasons),
        action_until=until.astimezone(UTC) if until else None,
    )


def _row_of(record: CaseRecord) -> dict[str, object]:
    """The ``cases`` row of ``record`` (every field but the id and the outcomes)."""
    row = {
        field.name: getattr(record, field.name)
        for field in fields(CaseRecord)
        if field.name not in ("id", "outcomes")
    }
    row.update(
        status=record.status.value,
        spans=encode_spans(record.spans),
        reasons=encode_list(record.reasons),
    )
    return row


def _outcome_text(action: str, ok: bool, detail: str) -> str:
    if ok:
        return f"{action}: ok ({detail})" if detail else f"{action}: ok"
    return f"{action}: failed: {detail}" if detail else f"{action}: failed"


def case_of(row: Any, outcomes: tuple[str, ...] = ()) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        community=row.community,
        number=row.number,
        platform=row.platform,
        user_id=row.user_id,
        user_name=row.user_name,
        action=row.action,
        actor=row.actor,
        reason=row.reason,
        created_at=row.created_at,
        status=CaseStatus(row.status),
        category=row.category,
        score=row.score,
        lang=row.lang,
        channel_id=row.channel_id,
        message_id=row.message_id,
        message_text=row.message_text,
        message_link=row.message_link,
        spans=decode_spans(row.spans),
        reasons=tuple(json.loads(row.reasons)),
        points=row.points,
        evidence=bool(row.evidence),
        legal_hold=bool(row.legal_hold),
        shadow=bool(row.shadow),
        action_until=row.action_until,
        outcomes=outcomes,
    )


def _with_outcomes(connection: Connection, rows: Sequence[Any]) -> list[CaseRecord]:
    if not rows:
        return []
    found: dict[int, list[str]] = {row.id: [] for row in rows}
    outcome_rows = connection.execute(
        select(case_outcomes)
        .where(case_outcomes.c.case_id.in_(list(found)))
        .order_by(case_outcomes.c.id)
    )
    for outcome in outcome_rows:
        found[outcome.case_id].append(_outcome_text(outcome.action, outcome.ok, outcome.detail))
    return [case_of(row, tuple(found[row.id])) for row in rows]


def load_case(connection: Connection, community: str, number: int) -> CaseRecord | None:
    rows = (
        connection.execute(
            select(cases).where(cases.c.community == community, cases.c.number == number)
        )
    ).all()
    loaded = _with_outcomes(connection, rows)
    return loaded[0] if loaded else None


def list_cases(
    connection: Connection, community: str, user_id: str | None, limit: int
) -> Sequence[CaseRecord]:
    """Newest first."""
    query = select(cases).where(cases.c.community == community)
    if user_id is not None:
        query = query.where(cases.c.user_id == user_id)
    rows = (connection.execute(query.order_by(cases.c.number.desc()).limit(limit))).all()
    return _with_outcomes(connection, rows)


def list_cases_of_user(connection: Connection, user_id: str) -> Sequence[CaseRecord]:
    """Every case of ``user_id`` in every community (for a data export)."""
    query = select(cases).where(cases.c.user_id == user_id)
    rows = (connection.execute(query.order_by(cases.c.community, cases.c.number))).all()
    return _with_outcomes(connection, rows)


def update_case(
    connection: Connection,
    community: str,
    number: int,
    values: dict[str, object],
    audit: AuditEntry,
) -> CaseRecord | None:
    """Change columns of one case and audit it; None if there is no such case."""
    result = connection.execute(
        update(cases).where(cases.c.community == community, cases.c.number == number).values(values)
    )
    if result.rowcount == 0:
        return None
    updated = load_case(connection, community, number)
    assert updated is not None
    insert_audit(connection, audit)
    return updated


def record_outcome(
    connection: Connection,
    community: str,
    number: int,
    action: str,
    outcome: ActionOutcome,
    now: datetime,
) -> None:
    row = connection.execute(_CASE_OF_NUMBER, {"community": community, "number": number}).first()
    if row is not None:
        connection.execute(
            _INSERT_OUTCOME,
            {
                "case_id": row.id,
                "action": action,
                "ok": outcome.ok,
                "detail": outcome.detail,
                "created_at": now,
            },
        )
    insert_audit(
        connection,
        AuditEntry(
            community=community,
            actor=BOT_ACTOR,
            action=action,
            created_at=now,
            target_user_id=None if row is None else row.user_id,
            case_number=number,
            detail=("ok" if outcome.ok else "failed")
            + (f": {outcome.detail}" if outcome.detail else ""),
        ),
    )
