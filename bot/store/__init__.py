"""The store: cases, strikes, schedules, audit, config revisions and replay ids in SQL.

SQLite (WAL) is the embedded default; PostgreSQL runs the same code. Migrate with
``upgrade_database`` (``pasici db upgrade``), then ``open_store``.
"""

from __future__ import annotations

from bot.store.errors import (
    DatabaseNotMigratedError,
    StoreConstraintError,
    StoreError,
    StoreInputError,
    StoreUnavailableError,
)
from bot.store.migrate import upgrade_database
from bot.store.sql_store import SqlStore, open_store

__all__ = [
    "DatabaseNotMigratedError",
    "SqlStore",
    "StoreConstraintError",
    "StoreError",
    "StoreInputError",
    "StoreUnavailableError",
    "open_store",
    "upgrade_database",
]
