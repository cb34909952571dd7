"""Fixtures: a fake Bot API on 127.0.0.1, a recording EventSink, and a started TelegramAdapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram import TelegramAdapter
from bot.clock import FrozenClock
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import (
    ADMIN,
    GROUP,
    JAN,
    MARIE,
    MOD_LOG,
    NOW,
    OWNER,
    UNWATCHED,
    Harness,
    RecordingSink,
    RecordingSleep,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    api.add_group(GROUP, "SNCB riders", owner=OWNER, username="sncb_riders")
    api.add_group(MOD_LOG, "SNCB moderators")
    api.add_group(UNWATCHED, "Somewhere else")
    api.set_member(GROUP, ADMIN, "administrator")
    api.set_member(GROUP, JAN)
    api.set_member(GROUP, MARIE)
    yield api
    await api.stop()


@pytest.fixture
async def harness(fake: FakeBotApi) -> AsyncIterator[Harness]:
    built = Harness(fake, RecordingSink(), RecordingSleep(), FrozenClock(NOW))
    yield built
    await built.stop()


@pytest.fixture
async def adapter(harness: Harness) -> TelegramAdapter:
    return await harness.start()


@pytest.fixture
def offset_file(tmp_path: Path) -> Path:
    return tmp_path / "telegram.offset"
