"""The real core (runner, policy, executor, SQLite store, rules classifier) wired to a real
TelegramAdapter that talks to the fake Bot API: the end-to-end scenarios' world."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.telegram import TelegramAdapter
from adapters.telegram.offsets import FileOffsetStore
from bot.clock import FrozenClock
from bot.detection.classifier import RulesClassifier
from bot.pipeline.execution import ActionExecutor
from bot.pipeline.rate_limit import SlidingWindowLimiter
from bot.pipeline.runner import CommunityRuntime, Runner
from bot.settings import CommunityPolicy
from bot.store import SqlStore, open_store, upgrade_database
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import COMMUNITY, NOW, make_config


async def no_sleep(_seconds: float) -> None:
    return None


@dataclass
class Core:
    fake: FakeBotApi
    tmp_path: Path
    clock: FrozenClock = field(default_factory=lambda: FrozenClock(NOW))
    store: SqlStore | None = None
    adapter: TelegramAdapter | None = None
    runner: Runner | None = None

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.tmp_path / 'pasici.sqlite3'}"

    async def start(self, **overrides: Any) -> Runner:
        await upgrade_database(self.url)
        self.store = await open_store(self.url)
        self.adapter = TelegramAdapter(
            make_config(self.fake, **overrides),
            clock=self.clock,
            offset_store=FileOffsetStore(self.tmp_path / "telegram.offset"),
            sleep=no_sleep,
        )
        adapters = {"telegram": self.adapter}
        executor = ActionExecutor(self.store, self.clock, adapters, sleep=no_sleep)
        policy = CommunityPolicy(
            key=COMMUNITY, display_name="SNCB riders", charter_url="https://pasici.be/sncb"
        )
        runtime = CommunityRuntime(
            policy, RulesClassifier(), SlidingWindowLimiter(20, timedelta(minutes=1))
        )
        self.runner = Runner(self.store, self.clock, adapters, {COMMUNITY: runtime}, executor)
        await self.adapter.start(self.runner)
        return self.runner

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
            self.adapter = None
        if self.store is not None:
            await self.store.close()
            self.store = None
