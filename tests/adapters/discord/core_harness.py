"""The real core (store, policy, detection, runner, scheduler) wired to a DiscordAdapter.

Built from the pieces directly (SQLite store in tmp_path, tests/adapters/discord/data/acme.yaml,
the shipped DetectionEngine) so the scenarios exercise the whole loop against the fake Discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.discord import DiscordAdapter
from bot.commands.service import CommandService
from bot.detection.engine import DetectionEngine
from bot.pipeline.execution import ActionExecutor, RetryPolicy
from bot.pipeline.images import ImageScreening
from bot.pipeline.rate_limit import SlidingWindowLimiter
from bot.pipeline.runner import CommunityRuntime, Runner
from bot.pipeline.scheduler import Scheduler
from bot.ports import Clock
from bot.settings import CommunityPolicy
from bot.settings.loader import load_community_policy
from bot.store import SqlStore, open_store, upgrade_database
from tests.adapters.discord.fake_discord.payloads import BOT_ID

BOT = str(BOT_ID)
COMMUNITY_FILE = Path(__file__).parent / "data" / "acme.yaml"


@dataclass
class Core:
    store: SqlStore
    runner: Runner
    scheduler: Scheduler
    executor: ActionExecutor
    policy: CommunityPolicy


async def migrated_store(path: Path) -> SqlStore:
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_database(url)  # idempotent: a restart finds the schema already there
    return await open_store(url)


async def build_core(
    db_path: Path,
    adapter: DiscordAdapter,
    clock: Clock,
    engine: DetectionEngine,
    *,
    notices_per_minute: int = 100,
    images: ImageScreening | None = None,
    policy: CommunityPolicy | None = None,
) -> Core:
    policy = policy or load_community_policy(COMMUNITY_FILE)
    store = await migrated_store(db_path)
    adapters = {"discord": adapter}
    retry = RetryPolicy(attempts=2, first_delay_seconds=0.01, max_delay_seconds=0.05)
    executor = ActionExecutor(store, clock, adapters, retry)
    classifier = engine.with_custom_terms(policy.detection.custom_terms.to_custom_terms())
    runtime = CommunityRuntime(
        policy, classifier, SlidingWindowLimiter(notices_per_minute, timedelta(minutes=1))
    )
    runner = Runner(store, clock, adapters, {policy.key: runtime}, executor, images=images)
    runner.set_commands(
        CommandService(store, clock, executor, runner.community, bot_user_ids={"discord": BOT})
    )
    scheduler = Scheduler(store, clock, executor, poll_seconds=3600)
    return Core(store, runner, scheduler, executor, policy)
