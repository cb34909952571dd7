"""Ordering primitives of the runner (asyncio, one event loop).

- ``SharedExclusiveLock``: many judgements of a community run at once (shared); a moderator
  command runs alone (exclusive), so it never interleaves with the bot's own bookkeeping.
  Waiting commands go first: a stream of messages cannot starve them.
- ``KeyedSequencer``: work items with the same key (one member of one community) run one after
  the other, in the order they were submitted; different keys run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager

__all__ = ["KeyedSequencer", "SharedExclusiveLock"]


class SharedExclusiveLock:
    def __init__(self) -> None:
        self._condition = asyncio.Condition()
        self._sharers = 0
        self._exclusive = False
        self._exclusive_waiting = 0

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        async with self._condition:
            await self._condition.wait_for(
                lambda: not self._exclusive and self._exclusive_waiting == 0
            )
            self._sharers += 1
        try:
            yield
        finally:
            async with self._condition:
                self._sharers -= 1
                self._condition.notify_all()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        async with self._condition:
            self._exclusive_waiting += 1
            try:
                await self._condition.wait_for(lambda: not self._exclusive and self._sharers == 0)
            finally:
                self._exclusive_waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            async with self._condition:
                self._exclusive = False
                self._condition.notify_all()


class KeyedSequencer:
    """``submit(key, work)`` starts ``work()`` once every earlier work of ``key`` has finished."""

    def __init__(self) -> None:
        self._tails: dict[Hashable, asyncio.Future[None]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def submit(self, key: Hashable, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """Queue ``work`` behind ``key``'s earlier work; the order is fixed at this call."""
        previous = self._tails.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = mine
        task = asyncio.create_task(self._run(key, previous, mine, work))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def _run(
        self,
        key: Hashable,
        previous: asyncio.Future[None] | None,
        mine: asyncio.Future[None],
        work: Callable[[], Awaitable[None]],
    ) -> None:
        try:
            if previous is not None:
                await asyncio.shield(previous)
            await work()
        finally:
            mine.set_result(None)
            if self._tails.get(key) is mine:
                del self._tails[key]

    async def wait_idle(self) -> None:
        """Return once every submitted work has finished (for a clean stop)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
