"""The real core (PasiciApp: runner, policy, command service, scheduler, SQLite store, detection
engine) wired to a real TelegramAdapter talking to the fake Bot API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.telegram import TelegramAdapter
from adapters.telegram.offsets import FileOffsetStore
from bot.app import PasiciApp
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.pipeline.runner import Runner
from bot.settings import load_all
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import COMMUNITY, NOW, make_config

COMMUNITY_YAML = f"""\
key: {COMMUNITY}
display_name: SNCB riders
default_language: nl
charter_url: https://pasici.be/sncb
"""

_ENGINE: list[DetectionEngine] = []


def shared_engine() -> DetectionEngine:
    """The detection engine loads a model; load it once for all the scenarios."""
    if not _ENGINE:
        _ENGINE.append(DetectionEngine.load())
    return _ENGINE[0]


async def no_sleep(_seconds: float) -> None:
    return None


@dataclass
class Core:
    fake: FakeBotApi
    tmp_path: Path
    clock: FrozenClock = field(default_factory=lambda: FrozenClock(NOW))
    app: PasiciApp | None = None
    adapter: TelegramAdapter | None = None
    community_extra: str = ""  # more YAML for the community file (e.g. an images: block)

    def _write_config(self) -> Path:
        community = COMMUNITY_YAML + self.community_extra
        (self.tmp_path / "sncb.yaml").write_text(community, encoding="utf-8")
        bot_file = self.tmp_path / "bot.yaml"
        bot_file.write_text(
            f"database:\n  url: sqlite+aiosqlite:///{self.tmp_path / 'db.sqlite3'}\n"
            "web:\n  enabled: false\n"
            "communities:\n  - sncb.yaml\n",
            encoding="utf-8",
        )
        return bot_file

    @property
    def runner(self) -> Runner:
        assert self.app is not None
        assert self.app.runner is not None
        return self.app.runner

    async def start(self, **overrides: Any) -> PasiciApp:
        self.adapter = TelegramAdapter(
            make_config(self.fake, **overrides),
            clock=self.clock,
            offset_store=FileOffsetStore(self.tmp_path / "telegram.offset"),
            sleep=no_sleep,
        )
        self.app = PasiciApp(
            load_all(self._write_config()),
            clock=self.clock,
            adapters={"telegram": self.adapter},
            engine=shared_engine(),
            watch_config=False,
            web=False,
        )
        await self.app.start()
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None
            self.adapter = None
