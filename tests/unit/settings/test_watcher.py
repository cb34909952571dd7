"""Hot reload with real files: apply valid changes, keep the last good config otherwise."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.settings import ConfigWatcher, LoadedConfig, load_all

BOT = "communities: [c.yaml]\nadapters:\n  console: {community: c}\n"


def _community(dry_run: bool) -> str:
    return f"key: c\ndisplay_name: C\ndry_run: {str(dry_run).lower()}\n"


class Recorder:
    def __init__(self) -> None:
        self.applied: list[LoadedConfig] = []
        self.errors: list[list[str]] = []

    async def on_change(self, loaded: LoadedConfig) -> None:
        self.applied.append(loaded)

    async def on_error(self, errors: list[str]) -> None:
        self.errors.append(errors)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    # Make the change visible even on filesystems with coarse mtimes.
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    _write(tmp_path / "bot.yaml", BOT)
    _write(tmp_path / "c.yaml", _community(False))
    return tmp_path


async def test_valid_change_is_applied(files: Path) -> None:
    recorder = Recorder()
    watcher = ConfigWatcher(load_all(files / "bot.yaml"), recorder.on_change, recorder.on_error)
    assert await watcher.check_now() is False  # nothing changed yet
    _write(files / "c.yaml", _community(True))
    assert await watcher.check_now() is True
    assert [loaded.communities["c"].dry_run for loaded in recorder.applied] == [True]
    assert watcher.current.communities["c"].dry_run is True
    assert recorder.errors == []


async def test_invalid_change_keeps_last_good_config_and_reports_once(files: Path) -> None:
    recorder = Recorder()
    watcher = ConfigWatcher(load_all(files / "bot.yaml"), recorder.on_change, recorder.on_error)
    _write(files / "c.yaml", "key: c\ndisplay_name: C\ndry_run: maybe\n")
    assert await watcher.check_now() is False
    assert await watcher.check_now() is False  # same problem: not reported twice
    assert recorder.errors == [
        [
            f"{files / 'c.yaml'}:3: dry_run: Input should be a valid boolean, unable to "
            "interpret input (got 'maybe')"
        ]
    ]
    assert watcher.current.communities["c"].dry_run is False
    _write(files / "c.yaml", _community(True))
    assert await watcher.check_now() is True
    assert watcher.current.communities["c"].dry_run is True


async def test_touch_without_content_change_is_not_a_reload(files: Path) -> None:
    recorder = Recorder()
    watcher = ConfigWatcher(load_all(files / "bot.yaml"), recorder.on_change, recorder.on_error)
    _write(files / "c.yaml", _community(False))
    assert await watcher.check_now() is False
    assert recorder.applied == []


async def test_fix_in_a_newly_listed_file_is_picked_up(files: Path) -> None:
    recorder = Recorder()
    watcher = ConfigWatcher(load_all(files / "bot.yaml"), recorder.on_change, recorder.on_error)
    _write(files / "d.yaml", "key: d\n")  # broken: no display_name
    _write(files / "bot.yaml", BOT.replace("[c.yaml]", "[c.yaml, d.yaml]"))
    assert await watcher.check_now() is False
    assert len(recorder.errors) == 1
    _write(files / "d.yaml", "key: d\ndisplay_name: D\n")  # d.yaml was not watched before
    assert await watcher.check_now() is True
    assert sorted(watcher.current.communities) == ["c", "d"]


async def test_background_task_polls_and_survives_a_failing_callback(files: Path) -> None:
    seen = asyncio.Event()
    calls: list[LoadedConfig] = []

    async def failing_on_change(loaded: LoadedConfig) -> None:
        calls.append(loaded)
        seen.set()
        raise RuntimeError("apply failed")

    async def on_error(errors: list[str]) -> None:
        raise AssertionError(errors)

    watcher = ConfigWatcher(
        load_all(files / "bot.yaml"), failing_on_change, on_error, poll_seconds=0.01
    )
    watcher.start()
    try:
        _write(files / "c.yaml", _community(True))
        await asyncio.wait_for(seen.wait(), timeout=5)
        seen.clear()
        _write(files / "c.yaml", _community(False))
        await asyncio.wait_for(seen.wait(), timeout=5)  # still polling after the failure
    finally:
        await watcher.stop()
    assert [loaded.communities["c"].dry_run for loaded in calls] == [True, False]


def test_poll_interval_must_be_positive(files: Path) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="poll_seconds"):
        ConfigWatcher(load_all(files / "bot.yaml"), recorder.on_change, recorder.on_error, 0)
