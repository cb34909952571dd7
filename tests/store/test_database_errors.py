"""Clear errors for databases that cannot be used: locked, read-only, missing, unreachable."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import (
    StoreError,
    StoreUnavailableError,
    open_store,
    upgrade_database,
)
from bot.store.database import open_database
from bot.store.engine import WAL_AUTOCHECKPOINT_PAGES, make_engine, normalise_url
from tests.store.support import T0

SHORT_WAIT = 0.2  # seconds of busy timeout, so the lock tests fail fast


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@contextlib.contextmanager
def _write_locked(path: Path) -> Iterator[None]:
    """Another connection holding SQLite's write lock (as a second bot process would)."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.fixture
async def migrated_file(tmp_path: Path) -> Path:
    path = tmp_path / "pasici.db"
    await upgrade_database(_url(path))
    return path


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(
    migrated_file: Path,
) -> None:
    engine = make_engine(_url(migrated_file), busy_timeout_seconds=2.5)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert await connection.scalar(text("PRAGMA busy_timeout")) == 2500
    finally:
        await engine.dispose()


async def test_a_locked_file_fails_open_store_with_a_clear_error(migrated_file: Path) -> None:
    with (
        _write_locked(migrated_file),
        pytest.raises(StoreUnavailableError, match="is locked by another process") as raised,
    ):
        await open_store(_url(migrated_file), busy_timeout_seconds=SHORT_WAIT)
    assert str(migrated_file) in str(raised.value)


async def test_a_lock_taken_while_running_gives_a_clear_error_and_then_recovers(
    migrated_file: Path,
) -> None:
    store = await open_store(_url(migrated_file), busy_timeout_seconds=SHORT_WAIT)
    try:
        with (
            _write_locked(migrated_file),
            pytest.raises(StoreUnavailableError, match=f"{migrated_file}.* is locked"),
        ):
            await store.claim_message("k1", T0)
        assert await store.claim_message("k1", T0) is True  # the failed attempt left nothing
    finally:
        await store.close()


@pytest.fixture
def read_only_file(migrated_file: Path) -> Iterator[Path]:
    migrated_file.chmod(0o444)
    yield migrated_file
    migrated_file.chmod(0o644)


async def test_a_read_only_file_fails_open_store_with_a_clear_error(read_only_file: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="is read-only") as raised:
        await open_store(_url(read_only_file))
    assert str(read_only_file) in str(raised.value)
    with pytest.raises(StoreUnavailableError, match="is read-only"):
        await upgrade_database(_url(read_only_file))


@pytest.mark.parametrize("operation", ["open", "upgrade"])
async def test_a_missing_directory_is_named_in_the_error(tmp_path: Path, operation: str) -> None:
    path = tmp_path / "no-such-dir" / "pasici.db"
    call = open_store if operation == "open" else upgrade_database
    with pytest.raises(StoreUnavailableError, match=r"directory .*no-such-dir does not exist"):
        await call(_url(path))
    assert not path.parent.exists()  # nothing was created on the way


async def test_open_store_on_a_missing_file_says_to_migrate_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pasici.db"
    with pytest.raises(StoreError, match=r"does not exist: .*run `pasici db upgrade`"):
        await open_store(_url(path))
    assert not path.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://root@localhost/pasici", "unsupported database 'mysql'"),
        ("sqlite://", "in-memory SQLite is not supported"),
        ("sqlite+aiosqlite:///:memory:", "in-memory SQLite is not supported"),
    ],
)
async def test_bad_urls_get_a_clear_error(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        await open_store(url)
    with pytest.raises(StoreError, match=message):
        await upgrade_database(url)


async def test_plain_sqlite_and_postgresql_urls_pick_the_async_driver(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    await upgrade_database(f"sqlite:///{path}")
    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.claim_message("k", T0) is True
    finally:
        await store.close()


async def test_an_unreachable_postgresql_server_gives_a_clear_error() -> None:
    # port 9 (discard) on localhost: nothing listens there, the connection is refused at once
    url = "postgresql://postgres:secret@127.0.0.1:9/pasici"
    with pytest.raises(
        StoreUnavailableError, match=r"PostgreSQL database 'pasici' at 127\.0\.0\.1:9"
    ):
        await open_store(url)
    with pytest.raises(StoreUnavailableError) as raised:
        await upgrade_database(url)
    assert "secret" not in str(raised.value)


@pytest.mark.postgres
async def test_a_missing_postgresql_database_is_named(postgres_empty_database: str) -> None:
    url = make_url(postgres_empty_database).set(database="pasici_no_such_database")
    with pytest.raises(StoreUnavailableError, match=r"'pasici_no_such_database' .* does not exist"):
        await open_store(url.render_as_string(hide_password=False))


async def test_a_lock_held_elsewhere_is_waited_out_without_stalling_the_event_loop(
    migrated_file: Path,
) -> None:
    store = await open_store(_url(migrated_file), busy_timeout_seconds=5.0)
    beats_while_waiting = 0
    claim: asyncio.Task[bool] | None = None

    async def heartbeat() -> None:  # what a platform connection needs to keep doing meanwhile
        nonlocal beats_while_waiting
        while True:
            await asyncio.sleep(0.005)
            if claim is not None and not claim.done():
                beats_while_waiting += 1

    beating = asyncio.create_task(heartbeat())
    try:
        with _write_locked(migrated_file):
            claim = asyncio.create_task(store.claim_message("k1", T0))
            await asyncio.sleep(0.3)
            # blocked inside SQLite, the claim would have held the loop until its busy timeout
            assert not claim.done()
            assert beats_while_waiting > 0
        assert await claim is True  # then done, once the lock is gone
    finally:
        beating.cancel()
        await store.close()


async def test_the_stores_sqlite_connections_checkpoint_the_wal_rarely(
    migrated_file: Path,
) -> None:
    database = open_database(normalise_url(_url(migrated_file)))
    try:
        pages = await database.read(
            lambda connection: connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        )
        assert pages == WAL_AUTOCHECKPOINT_PAGES > 1000  # SQLite's default stalled the loop
    finally:
        await database.close()
