"""Migrations from an empty database, the model/migration match, and the open_store checks."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.store import DatabaseNotMigratedError, StoreError, open_store, upgrade_database
from bot.store.engine import make_engine
from bot.store.migrate import alembic_config, head_revision
from bot.store.tables import metadata
from tests.store.support import T0

EXPECTED_TABLES = {
    "alembic_version",
    "audit_log",
    "case_outcomes",
    "cases",
    "communities",
    "config_revisions",
    "members",
    "notes",
    "processed_messages",
    "sanctions",
    "scheduled_actions",
    "strikes",
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_upgrade_from_empty_creates_every_table_and_is_idempotent(database_url: str) -> None:
    await upgrade_database(database_url)
    await upgrade_database(database_url)  # a second run is a no-op, not an error
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == EXPECTED_TABLES
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            assert version == head_revision()
            # the shipped migrations build exactly the schema the code declares
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_open_store_on_an_unmigrated_database_says_to_run_db_upgrade(
    database_url: str, backend: str
) -> None:
    if backend == "sqlite":  # an existing but empty file (a missing one is tested below)
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE unrelated (id INTEGER)"))
        await engine.dispose()
    with pytest.raises(DatabaseNotMigratedError, match=r"run `pasici db upgrade`"):
        await open_store(database_url)


async def test_open_store_rejects_a_schema_from_an_unknown_newer_release(database_url: str) -> None:
    await upgrade_database(database_url)
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    await engine.dispose()
    with pytest.raises(StoreError, match=r"revision 9999 is unknown .* upgrade pasici"):
        await open_store(database_url)


async def test_a_table_dropped_behind_our_back_reads_as_not_migrated(database_url: str) -> None:
    await upgrade_database(database_url)
    store = await open_store(database_url)
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE processed_messages"))
    await engine.dispose()
    try:
        with pytest.raises(DatabaseNotMigratedError, match=r"run `pasici db upgrade`"):
            await store.claim_message("discord:1:2", T0)
    finally:
        await store.close()


def test_the_alembic_command_line_path_migrates_with_its_own_engine(tmp_path: Path) -> None:
    # what `alembic upgrade head` does: env.py gets no connection and opens its own engine
    path = tmp_path / "cli.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert version == head_revision()
    assert tables >= EXPECTED_TABLES
