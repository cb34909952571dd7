"""End-to-end fixtures: the whole app on the console adapter, a SQLite file and a frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from adapters.console import ConsoleAdapter
from bot.app import PasiciApp
from bot.cli.local_app import local_app
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.settings import LoadedConfig, default_config_path, load_all

DEFAULT_COMMUNITY = default_config_path().parent / "community.yaml"


@pytest.fixture(scope="session")
def engine() -> DetectionEngine:
    return DetectionEngine.load()


@dataclass
class Channel:
    app: PasiciApp
    console: ConsoleAdapter
    clock: FrozenClock
    transcript: list[str]
    database: Path


def write_config(folder: Path, **community_changes: object) -> LoadedConfig:
    """A bot + community config in ``folder``: the embedded default with ``community_changes``."""
    community = yaml.safe_load(DEFAULT_COMMUNITY.read_text(encoding="utf-8"))
    community.update(community_changes)
    (folder / "community.yaml").write_text(yaml.safe_dump(community), encoding="utf-8")
    bot = {
        "database": {"url": f"sqlite+aiosqlite:///{folder / 'unused.sqlite3'}"},
        "web": {"enabled": False},
        "communities": ["community.yaml"],
        "adapters": {"console": {"enabled": True, "community": community["key"]}},
    }
    (folder / "bot.yaml").write_text(yaml.safe_dump(bot), encoding="utf-8")
    return load_all(folder / "bot.yaml")


OpenChannel = Callable[..., "AsyncIterator[Channel]"]


@pytest.fixture
async def open_channel(
    tmp_path: Path, engine: DetectionEngine
) -> AsyncIterator[Callable[..., object]]:
    """Start an app on a console channel; ``await open_channel(**community_changes)``."""
    started: list[PasiciApp] = []

    async def start(
        config: LoadedConfig | None = None,
        database: Path | None = None,
        clock: FrozenClock | None = None,
        console_options: dict[str, object] | None = None,
        image_fetcher: object = None,
        **changes: object,
    ) -> Channel:
        folder = tmp_path / f"app{len(started)}"
        folder.mkdir()
        if config is None:
            config = (
                load_all(default_config_path()) if not changes else write_config(folder, **changes)
            )
        transcript: list[str] = []
        clock = clock or FrozenClock()
        database = database or tmp_path / "pasici.sqlite3"
        app, console = local_app(
            config, database, transcript.append, clock, engine, console_options, image_fetcher
        )
        await app.start()
        started.append(app)
        return Channel(app, console, clock, transcript, database)

    yield start
    for app in started:
        await app.stop()
