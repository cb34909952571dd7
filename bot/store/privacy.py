"""Retention purge, and a member's data export and erasure (legal holds are always spared)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    exists,
    false,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection

from bot.records import RetentionPolicy
from bot.store.audit_repository import audit_entry_of
from bot.store.case_repository import list_cases_of_user
from bot.store.schedule_repository import scheduled_of
from bot.store.sql_helpers import decode_spans, encode_spans
from bot.store.strike_repository import note_of, strike_of
from bot.store.tables import (
    audit_log,
    cases,
    members,
    notes,
    processed_messages,
    sanctions,
    scheduled_actions,
    strikes,
)

__all__ = ["ERASED", "erase_user", "export_user", "purge_expired"]

ERASED = "[erased]"


def _blank_texts(connection: Connection, where: ColumnElement[bool], now: datetime) -> int:
    """Drop message text and span text of matching cases; span offsets stay for statistics."""
    rows = (
        connection.execute(
            select(cases.c.id, cases.c.spans).where(
                where,
                cases.c.text_purged_at.is_(None),
                or_(cases.c.message_text.is_not(None), cases.c.spans != "[]"),
            )
        )
    ).all()
    if not rows:
        return 0
    blank = (
        update(cases)
        .where(cases.c.id == bindparam("case_id"))
        .values(message_text=None, spans=bindparam("blank_spans"), text_purged_at=now)
    )
    connection.execute(  # one executemany: a backlog of thousands stays a few milliseconds
        blank,
        [
            {
                "case_id": row.id,
                "blank_spans": encode_spans(
                    tuple((start, end, "") for start, end, _ in decode_spans(row.spans))
                ),
            }
            for row in rows
        ],
    )
    return len(rows)


def purge_expired(
    connection: Connection, now: datetime, retention: RetentionPolicy
) -> dict[str, int]:
    counts = {"message_text": 0, "evidence_text": 0, "audit": 0, "processed_ids": 0}
    not_held = cases.c.legal_hold == false()
    if retention.message_text_days is not None:
        cutoff = now - timedelta(days=retention.message_text_days)
        where = and_(cases.c.created_at < cutoff, cases.c.evidence == false(), not_held)
        counts["message_text"] = _blank_texts(connection, where, now)
    if retention.evidence_days is not None:
        cutoff = now - timedelta(days=retention.evidence_days)
        where = and_(cases.c.created_at < cutoff, cases.c.evidence == true(), not_held)
        counts["evidence_text"] = _blank_texts(connection, where, now)
    if retention.audit_days is not None:
        cutoff = now - timedelta(days=retention.audit_days)
        held_case = exists().where(
            cases.c.community == audit_log.c.community,
            cases.c.number == audit_log.c.case_number,
            cases.c.legal_hold == true(),
        )
        result = connection.execute(
            delete(audit_log).where(audit_log.c.created_at < cutoff, ~held_case)
        )
        counts["audit"] = int(result.rowcount)
    if retention.processed_ids_days is not None:
        cutoff = now - timedelta(days=retention.processed_ids_days)
        result = connection.execute(
            delete(processed_messages).where(processed_messages.c.seen_at < cutoff)
        )
        counts["processed_ids"] = int(result.rowcount)
    return counts


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _row_dict(row: Any) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in row._mapping.items()}


def export_user(connection: Connection, user_id: str) -> dict[str, object]:
    """Everything stored about ``user_id`` in every community, as JSON-ready values."""

    def rows(query: Any) -> list[dict[str, Any]]:
        return [_row_dict(row) for row in connection.execute(query)]

    strike_rows = connection.execute(
        select(strikes).where(strikes.c.user_id == user_id).order_by(strikes.c.id)
    )
    note_rows = connection.execute(
        select(notes).where(notes.c.user_id == user_id).order_by(notes.c.id)
    )
    scheduled_rows = connection.execute(
        select(scheduled_actions)
        .where(scheduled_actions.c.user_id == user_id)
        .order_by(scheduled_actions.c.id)
    )
    audit_rows = connection.execute(
        select(audit_log).where(audit_log.c.target_user_id == user_id).order_by(audit_log.c.id)
    )
    return {
        "user_id": user_id,
        "memberships": rows(
            select(members).where(members.c.user_id == user_id).order_by(members.c.community)
        ),
        "cases": [_jsonable(asdict(case)) for case in list_cases_of_user(connection, user_id)],
        "strikes": [_jsonable(asdict(strike_of(row))) for row in strike_rows],
        "notes": [_jsonable(asdict(note_of(row))) for row in note_rows],
        "sanctions": rows(
            select(sanctions).where(sanctions.c.user_id == user_id).order_by(sanctions.c.community)
        ),
        "scheduled_actions": [_jsonable(asdict(scheduled_of(row))) for row in scheduled_rows],
        "audit": [_jsonable(asdict(audit_entry_of(row))) for row in audit_rows],
    }


def erase_user(connection: Connection, user_id: str, now: datetime) -> dict[str, int]:
    """Delete the member's data; cases under legal hold stay intact with their strikes and notes.

    Pending unmute/unban actions are kept so a sanction still gets lifted on time; audit entries
    about the member are kept as a trace of what the bot did but lose the id and free text.
    """
    del now  # nothing is timestamped: the erasure leaves no new trace of the member
    held_query = select(cases.c.community, cases.c.number).where(
        cases.c.user_id == user_id, cases.c.legal_hold == true()
    )
    held = (connection.execute(held_query)).all()
    held_pairs = {(row.community, row.number) for row in held}

    def not_held(community: Any, number: Any) -> ColumnElement[bool]:
        if not held_pairs:
            return true()
        return ~or_(*(and_(community == key, number == value) for key, value in held_pairs))

    counts: dict[str, int] = {}

    def run(kind: str, statement: Any) -> None:
        counts[kind] = int((connection.execute(statement)).rowcount)

    run(
        "strikes",
        delete(strikes).where(
            strikes.c.user_id == user_id, not_held(strikes.c.community, strikes.c.case_number)
        ),
    )
    run(
        "cases",
        delete(cases).where(cases.c.user_id == user_id, cases.c.legal_hold == false()),
    )
    run(
        "notes",
        delete(notes).where(
            notes.c.user_id == user_id,
            or_(notes.c.case_number.is_(None), not_held(notes.c.community, notes.c.case_number)),
        ),
    )
    run("sanctions", delete(sanctions).where(sanctions.c.user_id == user_id))
    run(
        "scheduled_actions",
        delete(scheduled_actions).where(
            scheduled_actions.c.user_id == user_id,
            or_(scheduled_actions.c.fired_at.is_not(None), scheduled_actions.c.cancelled == true()),
        ),
    )
    run(
        "audit",
        update(audit_log)
        .where(
            audit_log.c.target_user_id == user_id,
            or_(
                audit_log.c.case_number.is_(None),
                not_held(audit_log.c.community, audit_log.c.case_number),
            ),
        )
        .values(target_user_id=ERASED, reason="", detail=""),
    )
    run("memberships", delete(members).where(members.c.user_id == user_id))
    counts["kept_under_legal_hold"] = len(held_pairs)
    return counts
