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
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.store import SqlStore, open_store, upgrade_database

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
        pytest.fail(
            f"PostgreSQL is unreachable at {make_url(POSTGRES_URL).render_as_string()}: {error!r}. "
            "Start the server (CI does), set PASICI_TEST_POSTGRES_URL, "
            'or deselect these tests with -m "not postgres".',
            pytrace=False,
        )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_session_database() -> Iterator[str]:
    """A database of its own for this test session, dropped at the end."""
    name = f"pasici_store_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _reset_schema(url: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database (nothing migrated) on the parametrised backend."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'pasici.db'}"
    url = str(request.getfixturevalue("postgres_session_database"))
    asyncio.run(_reset_schema(url))
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    """A migrated, opened store; closed after the test."""
    await upgrade_database(database_url)
    opened = await open_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()
