"""SQLite on the event loop: WAL checkpoints happen off the loop, in a worker thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.store.database as database_module
from bot.store import open_store, upgrade_database
from bot.store.database import InlineSqlite, open_database
from bot.store.engine import normalise_url
from tests.store.support import T0


@pytest.fixture
async def url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pasici.db'}"
    await upgrade_database(url)
    return url


async def test_the_loops_connections_never_checkpoint_and_the_worker_does(url: str) -> None:
    store = await open_store(url)
    database = open_database(normalise_url(url))
    assert isinstance(database, InlineSqlite)
    try:
        for index in range(300):
            await store.claim_message(f"k{index}", T0)
        autocheckpoint = await database.read(
            lambda connection: connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        )
        assert autocheckpoint == 0
        frames, copied = await database.checkpoint()
        assert frames > 0
        assert copied == frames
    finally:
        await database.close()
        await store.close()


async def test_checkpoints_run_periodically_while_the_store_writes(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "CHECKPOINT_EVERY_SECONDS", 0.02)
    calls: list[tuple[int, int]] = []
    original = InlineSqlite._checkpoint_now

    def counting(self: InlineSqlite) -> tuple[int, int]:
        calls.append(original(self))
        return calls[-1]

    monkeypatch.setattr(InlineSqlite, "_checkpoint_now", counting)
    store = await open_store(url)
    try:
        await store.claim_message("k1", T0)
        await asyncio.sleep(0.2)
        assert len(calls) >= 2
    finally:
        await store.close()
    count = len(calls)
    await asyncio.sleep(0.1)
    assert len(calls) == count  # closing the store stopped them
