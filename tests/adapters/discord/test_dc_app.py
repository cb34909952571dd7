"""The whole app (bot.app.PasiciApp) with the Discord adapter built from the bot YAML."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.app import PasiciApp
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.pipeline.execution import RetryPolicy
from bot.pipeline.scheduler import RETRY_FAILED_AFTER
from bot.settings import load_all
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.core_harness import COMMUNITY_FILE
from tests.adapters.discord.fake_discord.payloads import (
    GUILD_ID,
    MOD_LOG_ID,
    MOD_ROLE_ID,
    TEXT_CHANNEL_ID,
)
from tests.adapters.discord.fake_discord.server import GOOD_TOKEN, FakeDiscord

ALICE = 640000000000000001
MOD = 640000000000000002
MOD_LOG = rf"/channels/{MOD_LOG_ID}/messages"
BAN_PATH = rf"/guilds/{GUILD_ID}/bans/{ALICE}"
FOLLOWUP = r"/webhooks/\d+/[^/]+"
FAST_RETRY = RetryPolicy(attempts=2, first_delay_seconds=0.01, max_delay_seconds=0.05)


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    return DetectionEngine.load()


def write_bot_file(tmp_path: Path, fake: FakeDiscord, *, discord_enabled: bool) -> Path:
    bot_file = tmp_path / "bot.yaml"
    bot_file.write_text(
        f"""
database: {{url: "sqlite+aiosqlite:///{tmp_path}/db.sqlite3"}}
web: {{enabled: false}}
communities: ["{COMMUNITY_FILE}"]
adapters:
  console: {{enabled: false}}
  discord:
    enabled: {str(discord_enabled).lower()}
    token: {GOOD_TOKEN}
    api_base_url: "{fake.api_base_url}"
    gateway_url: "{fake.gateway_url}"
    guilds:
      - {{guild_id: "{GUILD_ID}", community: acme, mod_log_channel_id: "{MOD_LOG_ID}"}}
""",
        encoding="utf-8",
    )
    return bot_file


async def test_app_built_from_yaml_runs_the_discord_loop(
    fake: FakeDiscord, clock: FrozenClock, engine: DetectionEngine, tmp_path: Path
) -> None:
    config = load_all(write_bot_file(tmp_path, fake, discord_enabled=True))
    app = PasiciApp(config, clock=clock, engine=engine, watch_config=False, web=False)
    alice = fake.guild.add_member(ALICE, "alice")
    mod = fake.guild.add_member(MOD, "mia", (MOD_ROLE_ID,))
    await app.start()
    try:
        assert isinstance(app.adapters["discord"], DiscordAdapter)
        posted = await fake.post_message(alice, "t'es un connard")
        await fake.wait_for_request("POST", MOD_LOG)
        notice = fake.requests_to("POST", rf"/channels/{TEXT_CHANNEL_ID}/messages")[0]
        assert notice.json["message_reference"]["message_id"] == int(posted["id"])
        strikes: dict[str, Any] = {
            "id": "1",
            "name": "pasici",
            "type": 1,
            "options": [
                {
                    "name": "strikes",
                    "type": 1,
                    "options": [{"name": "member", "type": 6, "value": str(ALICE)}],
                }
            ],
        }
        await fake.interact(mod, strikes)
        reply = await fake.wait_for_request("POST", FOLLOWUP)
        assert "#1" in reply.json["content"]
        assert reply.json["flags"] == 64
    finally:
        await app.stop()
    assert fake.connected_sessions() == 0


async def test_temp_ban_is_lifted_after_a_restart(
    fake: FakeDiscord, clock: FrozenClock, engine: DetectionEngine, tmp_path: Path
) -> None:
    config = load_all(write_bot_file(tmp_path, fake, discord_enabled=False))
    alice = fake.guild.add_member(ALICE, "alice")
    first = PasiciApp(
        config,
        clock=clock,
        engine=engine,
        adapters={"discord": DiscordAdapter(make_config(fake), clock=clock)},
        retry=FAST_RETRY,
        watch_config=False,
        web=False,
    )
    await first.start()
    try:
        await fake.post_message(alice, "ik maak je af, ik weet waar je woont")
        await fake.wait_for_request("PUT", BAN_PATH)
        await fake.wait_for_request("POST", MOD_LOG)
    finally:
        await first.stop()
    assert ALICE in fake.bans

    clock.advance(timedelta(days=8))  # the bot was down when the 7-day ban ended
    second = PasiciApp(
        config,
        clock=clock,
        engine=engine,
        adapters={"discord": DiscordAdapter(make_config(fake), clock=clock)},
        retry=FAST_RETRY,
        watch_config=False,
        web=False,
    )
    await second.start()
    try:
        # PasiciApp.start() runs its catch-up before the adapters connect, so that first try
        # gets "adapter is not started" and is rescheduled RETRY_FAILED_AFTER later.
        clock.advance(RETRY_FAILED_AFTER)
        assert second.scheduler is not None
        await second.scheduler.run_due()
        await fake.wait_for_request("DELETE", BAN_PATH)
    finally:
        await second.stop()
    assert ALICE not in fake.bans
    assert len(fake.requests_to("DELETE", BAN_PATH)) == 1
