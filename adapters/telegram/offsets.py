"""Where the last handled update id is kept, so a restart neither loses nor replays updates."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Protocol

__all__ = ["FileOffsetStore", "MemoryOffsetStore", "OffsetStore"]

log = logging.getLogger(__name__)


class OffsetStore(Protocol):
    async def load(self) -> int | None:
        """The last fully handled update id, or None on first start."""
        ...

    async def save(self, update_id: int) -> None: ...


class MemoryOffsetStore:
    def __init__(self, update_id: int | None = None) -> None:
        self.update_id = update_id

    async def load(self) -> int | None:
        return self.update_id

    async def save(self, update_id: int) -> None:
        self.update_id = update_id


class FileOffsetStore:
    """A one-line text file, replaced atomically (a crash mid-write keeps the old value)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def load(self) -> int | None:
        return await asyncio.to_thread(self._read)

    async def save(self, update_id: int) -> None:
        await asyncio.to_thread(self._write, update_id)

    def _read(self) -> int | None:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        try:
            return int(text)
        except ValueError:
            log.error("offset file %s is corrupt (%r); starting without an offset", self.path, text)
            return None

    def _write(self, update_id: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text(f"{update_id}\n", encoding="utf-8")
        os.replace(partial, self.path)
