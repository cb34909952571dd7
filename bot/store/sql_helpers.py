"""Small SQL helpers shared by the repositories (the only dialect-specific statements)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.column_types import portable_text
from bot.store.errors import StoreError

__all__ = ["decode_spans", "encode_list", "encode_spans", "upsert_insert"]


def upsert_insert(connection: AsyncConnection, table: Table) -> Any:
    """An INSERT with ``on_conflict_do_nothing/do_update`` (same API on SQLite and PostgreSQL)."""
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise StoreError(f"unsupported database dialect {name!r}")  # pragma: no cover


def encode_spans(spans: tuple[tuple[int, int, str], ...]) -> str:
    # portable_text first: JSON would escape a NUL and bring it back on reading
    rows = [[start, end, portable_text(text)] for start, end, text in spans]
    return json.dumps(rows, ensure_ascii=False)


def decode_spans(raw: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((int(start), int(end), str(text)) for start, end, text in json.loads(raw))


def encode_list(items: tuple[str, ...]) -> str:
    return json.dumps([portable_text(item) for item in items], ensure_ascii=False)
