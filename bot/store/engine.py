"""Engines for SQLite (embedded default) and PostgreSQL, and database error translation.

SQLite connections get WAL, foreign keys and a busy timeout. Python's sqlite3 transaction
handling is switched off so that SQLAlchemy's BEGIN is real: write transactions start with
``BEGIN IMMEDIATE`` (they take the write lock up front instead of failing half-way when another
writer got there first), reads with a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.errors import (
    DatabaseLockedError,
    DatabaseNotMigratedError,
    StoreConstraintError,
    StoreError,
    StoreInputError,
    StoreUnavailableError,
)

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_SECONDS",
    "WRITE_OPTION",
    "check_sqlite_file",
    "describe",
    "is_sqlite",
    "make_engine",
    "make_sync_sqlite_engine",
    "normalise_url",
    "translate_errors",
]

DEFAULT_BUSY_TIMEOUT_SECONDS = 5.0
WRITE_OPTION = "pasici_write"  # execution option: this transaction writes (SQLite: IMMEDIATE)
NOT_MIGRATED = "database is not migrated: run `pasici db upgrade`"

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def normalise_url(url: str | URL) -> URL:
    """Parse ``url`` and pick the async driver (``sqlite:///x.db`` -> ``sqlite+aiosqlite``)."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise StoreError(
            f"{url!r} is not a database URL (expected sqlite:///path/to/pasici.db "
            "or postgresql://user@host/dbname)"
        ) from None
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise StoreError(
            f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql://"
        )
    parsed = parsed.set(drivername=driver)
    if driver.startswith("sqlite") and parsed.database in (None, "", ":memory:"):
        raise StoreError("in-memory SQLite is not supported: give a file, e.g. sqlite:///pasici.db")
    return parsed


def is_sqlite(url: URL) -> bool:
    return url.drivername.startswith("sqlite")


def describe(url: URL) -> str:
    """Names the database in error messages (never shows a password)."""
    if is_sqlite(url):
        return f"SQLite file {Path(url.database or '').resolve()}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"PostgreSQL database {url.database!r} at {where}"


def check_sqlite_file(url: URL, *, must_exist: bool) -> bool:
    """Clear errors before SQLite says "unable to open database file"; True if the file exists."""
    path = Path(url.database or "").resolve()
    label = describe(url)
    if not path.parent.is_dir():
        raise StoreUnavailableError(f"{label}: the directory {path.parent} does not exist")
    if not path.exists():
        if must_exist:
            raise DatabaseNotMigratedError(f"{label} does not exist: {NOT_MIGRATED}")
        if not os.access(path.parent, os.W_OK):
            raise StoreUnavailableError(f"{label}: the directory {path.parent} is read-only")
        return False
    # no write bit at all means "read-only" even for root, who os.access would let through
    mode = path.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise StoreUnavailableError(f"{label} is read-only: the bot needs to write to it")
    if not os.access(path.parent, os.W_OK):
        raise StoreUnavailableError(
            f"{label}: its directory {path.parent} is read-only (SQLite needs it for the WAL)"
        )
    return True


def make_engine(
    url: str | URL, *, busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS
) -> AsyncEngine:
    """The async engine (migrations, and PostgreSQL at run time)."""
    parsed = normalise_url(url)
    if not is_sqlite(parsed):
        return create_async_engine(parsed, pool_pre_ping=True)
    engine = create_async_engine(parsed, connect_args={"timeout": busy_timeout_seconds})
    _configure_sqlite(engine.sync_engine, busy_timeout_seconds)
    return engine


# Pages of WAL before a commit checkpoints it (SQLite's default: 1,000). The checkpoint runs in
# the committing call, on the event loop, and ends with an fsync; at 200 msgs/s the default
# meant ~40 checkpoints a minute. Measured (Discord benchmark, alternating runs): p99 25 ms at
# 1,000, 18 ms at 10,000 (a WAL of up to ~40 MB between checkpoints). A checkpoint thread
# was worse still (its GIL hand-offs): see the store's history.
WAL_AUTOCHECKPOINT_PAGES = 10_000


def make_sync_sqlite_engine(url: URL, busy_timeout_seconds: float) -> Engine:
    """The SQLite engine the store runs inline (``bot.store.database.InlineSqlite``)."""
    engine = create_engine(
        url.set(drivername="sqlite+pysqlite"), connect_args={"timeout": busy_timeout_seconds}
    )
    _configure_sqlite(engine, busy_timeout_seconds, autocheckpoint=WAL_AUTOCHECKPOINT_PAGES)
    return engine


def _configure_sqlite(
    engine: Engine, busy_timeout_seconds: float, *, autocheckpoint: int = 1000
) -> None:
    busy_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below be the real one
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _message_of(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip() or type(original).__name__


@contextmanager
def translate_errors(label: str) -> Iterator[None]:
    """Turn driver errors into store errors that name the database and say what to do."""
    try:
        yield
    except StoreError:
        raise
    except exc.IntegrityError as error:
        raise StoreConstraintError(f"{label}: rejected write: {_message_of(error)}") from error
    except (exc.OperationalError, exc.ProgrammingError, exc.InterfaceError) as error:
        translated = _translated(label, _message_of(error))
        if isinstance(error, exc.ProgrammingError) and not isinstance(
            translated, DatabaseNotMigratedError
        ):
            raise  # a bug in our SQL, not a database condition: keep the real traceback
        raise translated from error
    except exc.DataError as error:  # e.g. a value too long for its column on PostgreSQL
        raise StoreInputError(f"{label}: rejected value: {_message_of(error)}") from error
    except exc.DBAPIError as error:  # e.g. PostgreSQL: no such database, authentication failed
        raise StoreUnavailableError(f"{label}: {_message_of(error)}") from error
    except exc.StatementError as error:
        if isinstance(error.orig, ValueError):  # raised by our column types on bad input
            raise StoreInputError(f"{label}: {error.orig}") from error
        raise
    except (OSError, TimeoutError) as error:
        raise StoreUnavailableError(f"{label} is unreachable: {_message_of(error)}") from error


def _translated(label: str, message: str) -> StoreError:
    lowered = message.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return DatabaseNotMigratedError(f"{label}: {NOT_MIGRATED} ({message})")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseLockedError(f"{label} is locked by another process: {message}")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreUnavailableError(f"{label} is read-only: {message}")
    if "unable to open" in lowered:
        return StoreUnavailableError(f"{label} cannot be opened: {message}")
    return StoreUnavailableError(f"{label}: {message}")
