"""Build a PasiciApp on the console adapter for the demo, the shell and end-to-end tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from adapters.console import ConsoleAdapter
from bot.app import PasiciApp
from bot.app_adapters import DEMO_CONSOLE_USERS
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.pipeline.execution import RetryPolicy
from bot.pipeline.image_fetch import AttachmentFetcher
from bot.ports import Clock
from bot.settings import LoadedConfig

__all__ = ["local_app", "with_database"]


def with_database(config: LoadedConfig, database_file: Path) -> LoadedConfig:
    """``config`` with its database replaced by the SQLite file ``database_file``."""
    database = config.bot.database.model_copy(
        update={"url": f"sqlite+aiosqlite:///{database_file}"}
    )
    bot = config.bot.model_copy(update={"database": database})
    return dataclasses.replace(config, bot=bot)


def local_app(
    config: LoadedConfig,
    database_file: Path,
    output: Callable[[str], None] | None,
    clock: Clock | None = None,
    engine: DetectionEngine | None = None,
    console_options: Mapping[str, Any] | None = None,
    image_fetcher: AttachmentFetcher | None = None,
) -> tuple[PasiciApp, ConsoleAdapter]:
    """A PasiciApp whose only adapter is a console channel, on the given SQLite file.

    ``console_options`` go to the ConsoleAdapter (e.g. ``capabilities``, ``max_mute``);
    ``image_fetcher`` replaces the image step's HTTP fetcher (tests serving on 127.0.0.1).
    """
    clock = clock or FrozenClock()
    console = ConsoleAdapter(
        config.console_community,
        clock,
        channel=config.bot.adapters.console.channel,
        users=DEMO_CONSOLE_USERS,
        output=output,
        **(console_options or {}),
    )
    app = PasiciApp(
        with_database(config, database_file),
        clock=clock,
        adapters={"console": console},
        engine=engine,
        retry=RetryPolicy(attempts=2, first_delay_seconds=0.0, max_delay_seconds=0.0),
        watch_config=False,
        web=False,
        image_fetcher=image_fetcher,
    )
    return app, console
