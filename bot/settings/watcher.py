"""Hot reload: poll the config files and apply a new set only when all of it is valid."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from bot.settings.errors import ConfigError
from bot.settings.loader import LoadedConfig, load_all

__all__ = ["ConfigWatcher"]

log = logging.getLogger(__name__)

_Stamp = tuple[int, int] | None  # (mtime_ns, size); None when the file is missing


class ConfigWatcher:
    """Every ``poll_seconds``, reload when a watched file's content changed.

    A valid new set goes to ``on_change``; an invalid one goes to ``on_error`` (once per
    distinct content) and the last good config stays in force. No extra dependency: mtimes are
    compared first and a file is hashed only when its mtime or size moved.
    """

    def __init__(
        self,
        current: LoadedConfig,
        on_change: Callable[[LoadedConfig], Awaitable[None]],
        on_error: Callable[[list[str]], Awaitable[None]],
        poll_seconds: float = 2.0,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self.current = current
        self._on_change = on_change
        self._on_error = on_error
        self._poll_seconds = poll_seconds
        self._environ = environ
        self._stamps: dict[Path, _Stamp] = {}
        self._digests: dict[Path, str | None] = {}
        self._failed_errors: list[str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._watch(current.files)

    def start(self) -> None:
        """Start polling in a background task (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="pasici-config-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def check_now(self) -> bool:
        """Poll once; True when a new config was applied."""
        changed = await asyncio.to_thread(self._changed_files)
        # While the files are invalid, keep retrying: the fix may be in a file not watched yet
        # (e.g. a community the bot file only just started to list).
        if not changed and self._failed_errors is None:
            return False
        try:
            loaded = await asyncio.to_thread(load_all, self.current.bot_path, self._environ)
        except ConfigError as error:
            if error.errors != self._failed_errors:
                self._failed_errors = error.errors
                log.warning("config reload refused, keeping the last good config:\n%s", error)
                await self._on_error(error.errors)
            return False
        self._failed_errors = None
        if loaded.sha256 == self.current.sha256 and loaded.files == self.current.files:
            return False  # touched but identical
        self.current = loaded
        self._watch(loaded.files)
        log.info("config reloaded from %s", loaded.bot_path)
        await self._on_change(loaded)
        return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.check_now()
            except Exception:
                # A failing callback must not stop future reloads.
                log.exception("config reload callback failed")

    def _watch(self, files: tuple[Path, ...]) -> None:
        self._stamps = {path: _stamp(path) for path in files}
        self._digests = {path: _digest(path) for path in files}

    def _changed_files(self) -> bool:
        changed = False
        for path, stamp in self._stamps.items():
            now = _stamp(path)
            if now == stamp:
                continue
            self._stamps[path] = now
            digest = _digest(path)
            if digest != self._digests.get(path):
                self._digests[path] = digest
                changed = True
        return changed


def _stamp(path: Path) -> _Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
