"""Audit log, config revisions and processed message ids."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.records import AuditEntry, ConfigRevision
from bot.store.column_types import as_utc
from bot.store.sql_helpers import prebuilt, upsert_insert
from bot.store.tables import audit_log, config_revisions, processed_messages

__all__ = [
    "audit_entry_of",
    "claim_message",
    "insert_audit",
    "latest_config_revision",
    "list_audit",
    "save_config_revision",
]


_CLAIM = prebuilt(
    lambda connection: upsert_insert(connection, processed_messages).on_conflict_do_nothing(
        index_elements=["key"]
    )
)


def claim_message(connection: Connection, key: str, now: datetime) -> bool:
    result = connection.execute(_CLAIM(connection), {"key": key, "seen_at": now})
    return bool(result.rowcount == 1)


_INSERT_AUDIT = audit_log.insert()


def insert_audit(connection: Connection, entry: AuditEntry) -> None:
    connection.execute(
        _INSERT_AUDIT,
        {
            "community": entry.community,
            "actor": entry.actor,
            "action": entry.action,
            "created_at": entry.created_at,
            "target_user_id": entry.target_user_id,
            "case_number": entry.case_number,
            "reason": entry.reason,
            "detail": entry.detail,
        },
    )


def audit_entry_of(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        community=row.community,
        actor=row.actor,
        action=row.action,
        created_at=row.created_at,
        target_user_id=row.target_user_id,
        case_number=row.case_number,
        reason=row.reason,
        detail=row.detail,
    )


def list_audit(connection: Connection, community: str, limit: int) -> Sequence[AuditEntry]:
    """Newest first."""
    rows = connection.execute(
        select(audit_log)
        .where(audit_log.c.community == community)
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    return [audit_entry_of(row) for row in rows]


def _revision_of(row: Any) -> ConfigRevision:
    return ConfigRevision(
        id=row.id,
        scope=row.scope,
        sha256=row.sha256,
        content=row.content,
        author=row.author,
        created_at=row.created_at,
    )


def latest_config_revision(connection: Connection, scope: str) -> ConfigRevision | None:
    row = (
        connection.execute(
            select(config_revisions)
            .where(config_revisions.c.scope == scope)
            .order_by(config_revisions.c.id.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else _revision_of(row)


def save_config_revision(
    connection: Connection, scope: str, content: str, author: str, now: datetime
) -> ConfigRevision:
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
    latest = latest_config_revision(connection, scope)
    if latest is not None and latest.sha256 == digest:
        return latest
    result = connection.execute(
        config_revisions.insert().values(
            scope=scope, sha256=digest, content=content, author=author, created_at=now
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return ConfigRevision(
        id=int(key[0]),
        scope=scope,
        sha256=digest,
        content=content,
        author=author,
        created_at=as_utc(now),
    )
