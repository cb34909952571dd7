"""Small SQL helpers shared by the repositories (the only dialect-specific statements)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.store.column_types import portable_text
from bot.store.errors import StoreError

__all__ = ["decode_spans", "encode_list", "encode_spans", "prebuilt", "upsert_insert"]


def upsert_insert(connection: Connection, table: Table) -> Any:
    """An INSERT with ``on_conflict_do_nothing/do_update`` (same API on SQLite and PostgreSQL)."""
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise StoreError(f"unsupported database dialect {name!r}")  # pragma: no cover


def prebuilt(build: Callable[[Connection], Any]) -> Callable[[Connection], Any]:
    """Build a statement once per dialect; execute it with a parameter dict.

    The hot paths (judging a flagged message, recording an outcome) run the same statements
    thousands of times: building ``insert().values(...)`` anew each time cost more CPU than
    SQLite itself (literal coercion and cache keys, ~0.1 ms per statement).
    """
    built: dict[str, Any] = {}

    def statement(connection: Connection) -> Any:
        name = connection.dialect.name
        if name not in built:
            built[name] = build(connection)
        return built[name]

    return statement


def encode_spans(spans: tuple[tuple[int, int, str], ...]) -> str:
    # portable_text first: JSON would escape a NUL and bring it back on reading
    rows = [[start, end, portable_text(text)] for start, end, text in spans]
    return json.dumps(rows, ensure_ascii=False)


def decode_spans(raw: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((int(start), int(end), str(text)) for start, end, text in json.loads(raw))


def encode_list(items: tuple[str, ...]) -> str:
    return json.dumps([portable_text(item) for item in items], ensure_ascii=False)
