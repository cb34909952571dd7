"""The real core (store, policy, detection, runner, scheduler) wired to a DiscordAdapter.

Built from the pieces directly (SQLite store in tmp_path, tests/adapters/discord/data/acme.yaml,
the shipped DetectionEngine) so the scenarios exercise the whole loop against the fake Discord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.discord import DiscordAdapter
from bot.actions import MemberRef, Mute
from bot.clock import FrozenClock
from bot.commands.authorise import AuthorityCheck, refusal_reason
from bot.commands.specs import spec_for
from bot.detection.engine import DetectionEngine
from bot.events import CommandCall, CommandReply
from bot.pipeline.execution import ActionExecutor, RetryPolicy
from bot.pipeline.levels import required_level, resolve_command_level
from bot.pipeline.rate_limit import SlidingWindowLimiter
from bot.pipeline.runner import CommunityRuntime, Runner
from bot.pipeline.scheduler import Scheduler
from bot.ports import Clock
from bot.settings import CommunityPolicy
from bot.settings.loader import load_community_policy
from bot.store import SqlStore, open_store, upgrade_database

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
) -> Core:
    policy = load_community_policy(COMMUNITY_FILE)
    store = await migrated_store(db_path)
    adapters = {"discord": adapter}
    retry = RetryPolicy(attempts=2, first_delay_seconds=0.01, max_delay_seconds=0.05)
    executor = ActionExecutor(store, clock, adapters, retry)
    classifier = engine.with_custom_terms(policy.detection.custom_terms.to_custom_terms())
    runtime = CommunityRuntime(
        policy, classifier, SlidingWindowLimiter(notices_per_minute, timedelta(minutes=1))
    )
    runner = Runner(store, clock, adapters, {policy.key: runtime}, executor)
    scheduler = Scheduler(store, clock, executor, poll_seconds=3600)
    return Core(store, runner, scheduler, executor, policy)


class AuthorisingCommands:
    """Stand-in for the core's command service until it lands: the core's own level and
    hierarchy rules (bot.pipeline.levels + bot.commands.authorise) decide, and an allowed
    /mute is carried out through the core's ActionExecutor. Replace with the real service."""

    def __init__(self, core: Core, clock: FrozenClock, bot_user_id: str) -> None:
        self._core = core
        self._clock = clock
        self._bot_user_id = bot_user_id

    async def handle(self, call: CommandCall) -> CommandReply:
        spec = spec_for(call.name)
        if spec is None:
            return CommandReply(ok=False, text=f"unknown command {call.name}")
        policy = self._core.policy
        target = call.target_user
        check = AuthorityCheck(
            spec=spec,
            invoker=call.invoker,
            invoker_level=resolve_command_level(call.invoker, policy),
            required_level=required_level(call.name, policy),
            target=target,
            target_level=resolve_command_level(target, policy) if target else 0,
            bot_user_id=self._bot_user_id,
        )
        refusal = refusal_reason(check)
        if refusal is not None:
            return CommandReply(ok=False, text=refusal)
        if call.name == "mute" and target is not None:
            until = self._clock.now() + timedelta(minutes=10)
            member = MemberRef(call.community, target.user_id, target.display_name)
            await self._core.executor.carry_out(call.chat.platform, (Mute(member, until),))
            return CommandReply(ok=True, text=f"Muted {target.display_name} for 10m")
        return CommandReply(ok=True, text=f"/{call.name} accepted")
