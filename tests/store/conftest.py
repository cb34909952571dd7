"""Backends for the store contract suite.

Every test taking ``database_url`` (or ``store``) runs on SQLite (a file in ``tmp_path``) and on
PostgreSQL. The PostgreSQL params carry ``pytest.mark.postgres`` (deselect with
``-m "not postgres"``); the server defaults to postgres@127.0.0.1:5432 (trust auth) and can be
moved with ``PASICI_TEST_POSTGRES_URL``. An unreachable server FAILS the test: CI starts it.
Each session gets its own throw-away database, and each test a fresh ``public`` schema, so
concurrent test runs never see each other's rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bot.store import SqlStore, open_store, upgrade_database
from bot.store.tables import metadata

POSTGRES_URL = os.environ.get(
    "PASICI_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        problem = repr(error)
    else:
        problem = ""
    if problem:
        pytest.fail(
            f"PostgreSQL is unreachable at {make_url(POSTGRES_URL).render_as_string()}: "
            f"{problem}. Start the server (CI does), set PASICI_TEST_POSTGRES_URL, "
            'or deselect these tests with -m "not postgres".',
            pytrace=False,
        )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _session_database(purpose: str) -> Iterator[str]:
    name = f"pasici_store_{purpose}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_empty_database() -> Iterator[str]:
    """A database of its own for this session; its schema is wiped before each test."""
    yield from _session_database("empty")


@pytest.fixture(scope="session")
def sqlite_migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each test gets a copy (copying a file beats re-running migrations)."""
    path = tmp_path_factory.mktemp("store-template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    # fold the WAL back into the file so a plain copy holds the whole schema
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_migrated_database() -> Iterator[str]:
    """Migrated once per session; every table is emptied before each test (fast isolation)."""
    for url in _session_database("migrated"):
        asyncio.run(upgrade_database(url))
        yield url


async def _run(url: str, sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _delete_all() -> str:
    # DELETE beats TRUNCATE on tables this small (TRUNCATE swaps files on disk)
    return "; ".join(f"DELETE FROM {table.name}" for table in reversed(metadata.sorted_tables))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database (nothing migrated) on the parametrised backend."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'pasici.db'}"
    url = str(request.getfixturevalue("postgres_empty_database"))
    asyncio.run(_run(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    return url


@pytest.fixture
def migrated_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated database holding no rows, on the parametrised backend."""
    if backend == "sqlite":
        target = tmp_path / "pasici.db"
        shutil.copyfile(request.getfixturevalue("sqlite_migrated_template"), target)
        return f"sqlite+aiosqlite:///{target}"
    url = str(request.getfixturevalue("postgres_migrated_database"))
    asyncio.run(_run(url, _delete_all()))
    return url


@pytest.fixture
async def store(migrated_url: str) -> AsyncIterator[SqlStore]:
    """A migrated, opened, empty store; closed after the test."""
    opened = await open_store(migrated_url)
    try:
        yield opened
    finally:
        await opened.close()
