"""Where a store transaction runs: ``Database.read(work)`` / ``Database.write(work)``.

``work`` is a plain function of a SQLAlchemy ``Connection`` (the repository functions), run in
one transaction:

- **SQLite** (``InlineSqlite``): on the event loop's own thread, synchronously. A statement on a
  local SQLite file takes tens of microseconds, while the thread hand-off of an async driver
  costs more than that several times per statement (cursor, execute, fetch, close) and waits
  for a busy event loop each time: judging a flagged message (claim, history, case, strike,
  audit: one transaction) took ~28 hand-offs, 3.2 ms on an idle loop and 10 ms at 200 msgs/s
  through aiosqlite; inline, with prebuilt statements, 0.36 ms (0.43 ms of CPU). Transactions
  never interleave, so SQLite's single writer needs no queue. When ANOTHER process holds the
  write lock (``pasici purge`` from a shell, a second bot by mistake), SQLite waits at most
  ``ATTEMPT_WAIT_SECONDS`` per attempt; between attempts the event loop runs on (heartbeats,
  other communities), and the transaction is retried from the start (nothing of it was written)
  until the configured busy timeout is spent, then ``DatabaseLockedError`` says so.
- **PostgreSQL** (``AsyncDatabase``): asyncpg through SQLAlchemy's ``run_sync`` (each statement
  awaits the network without blocking the loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.engine import (
    DEFAULT_BUSY_TIMEOUT_SECONDS,
    WRITE_OPTION,
    describe,
    is_sqlite,
    make_engine,
    make_sync_sqlite_engine,
    translate_errors,
)
from bot.store.errors import DatabaseLockedError

__all__ = ["ATTEMPT_WAIT_SECONDS", "AsyncDatabase", "Database", "InlineSqlite", "open_database"]

T = TypeVar("T")


class Database(Protocol):
    @property
    def label(self) -> str: ...

    async def read(self, work: Callable[[Connection], T]) -> T: ...

    async def write(self, work: Callable[[Connection], T]) -> T: ...

    async def close(self) -> None: ...


ATTEMPT_WAIT_SECONDS = 0.02  # SQLite's own busy wait per attempt (it blocks the event loop)


class InlineSqlite:
    def __init__(self, engine: Engine, label: str, patience_seconds: float) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._patience = patience_seconds
        self.label = label

    async def read(self, work: Callable[[Connection], T]) -> T:
        return await self._run(self._engine, work)

    async def write(self, work: Callable[[Connection], T]) -> T:
        return await self._run(self._writer, work)

    async def _run(self, engine: Engine, work: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._patience
        pause = ATTEMPT_WAIT_SECONDS
        while True:
            try:
                with translate_errors(self.label), engine.begin() as connection:
                    return work(connection)
            except DatabaseLockedError:
                if loop.time() + pause > give_up_at:
                    raise
            await asyncio.sleep(pause)  # the lock holder is another process: let the loop run
            pause = min(pause * 2, 0.25)

    async def close(self) -> None:
        self._engine.dispose()


class AsyncDatabase:
    def __init__(self, engine: AsyncEngine, label: str) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self.label = label

    async def read(self, work: Callable[[Connection], T]) -> T:
        return await self._run(self._engine, work)

    async def write(self, work: Callable[[Connection], T]) -> T:
        return await self._run(self._writer, work)

    async def _run(self, engine: AsyncEngine, work: Callable[[Connection], T]) -> T:
        with translate_errors(self.label):
            async with engine.begin() as connection:
                return await connection.run_sync(work)

    async def close(self) -> None:
        await self._engine.dispose()


def open_database(
    url: URL, *, busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS
) -> Database:
    label = describe(url)
    if is_sqlite(url):
        engine = make_sync_sqlite_engine(url, min(ATTEMPT_WAIT_SECONDS, busy_timeout_seconds))
        return InlineSqlite(engine, label, busy_timeout_seconds)
    return AsyncDatabase(make_engine(url, busy_timeout_seconds=busy_timeout_seconds), label)
