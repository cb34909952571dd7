"""Fixtures: a started fake Discord, and a DiscordAdapter connected to it with a recording sink."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from adapters.discord import DiscordAdapter, DiscordAdapterConfig, GuildConfig
from bot.clock import FrozenClock
from tests.adapters.discord.fake_discord.payloads import (
    EXEMPT_CHANNEL_ID,
    GUILD_ID,
    MOD_LOG_ID,
)
from tests.adapters.discord.fake_discord.server import GOOD_TOKEN, FakeDiscord
from tests.adapters.discord.support import RecordingSink


@pytest.fixture(autouse=True)
def _quiet_discord_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="discord")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


def make_config(fake: FakeDiscord, **overrides: object) -> DiscordAdapterConfig:
    options: dict[str, object] = {
        "guilds": {GUILD_ID: GuildConfig("acme", mod_log_channel_id=MOD_LOG_ID)},
        "api_base_url": fake.api_base_url,
        "gateway_url": fake.gateway_url,
        "exempt_channel_ids": frozenset({EXEMPT_CHANNEL_ID}),
        "ready_timeout_seconds": 5.0,
        "guild_ready_timeout_seconds": 0.05,
        "identify_delay_seconds": 0.0,
        "action_retry_base_seconds": 0.01,
        "action_retry_max_wait_seconds": 0.5,
    }
    options.update(overrides)
    return DiscordAdapterConfig(GOOD_TOKEN, **options)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
async def adapter(
    fake: FakeDiscord, sink: RecordingSink, clock: FrozenClock
) -> AsyncIterator[DiscordAdapter]:
    started = DiscordAdapter(make_config(fake), clock=clock)
    await started.start(sink)
    yield started
    await started.stop()
