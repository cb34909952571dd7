"""Slash commands end to end: Discord member data -> the core's level and hierarchy rules.

The command service is still being written by the lead; AuthorisingCommands (core_harness.py)
applies the core's own authorisation (bot.pipeline.levels + bot.commands.authorise) meanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.core_harness import AuthorisingCommands, Core, build_core
from tests.adapters.discord.fake_discord.payloads import (
    BOT_ID,
    GUILD_ID,
    HELPER_ROLE_ID,
    MOD_ROLE_ID,
    MUTE_ROLE_ID,
    OWNER_ID,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord

FOLLOWUP = r"/webhooks/\d+/[^/]+"
MOD = 630000000000000001
OTHER_MOD = 630000000000000002
ALICE = 630000000000000003
HIGH_ROLE_MEMBER = 630000000000000004
HELPER = 630000000000000005


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    return DetectionEngine.load()


@pytest.fixture
async def core(
    fake: FakeDiscord, clock: FrozenClock, engine: DetectionEngine, tmp_path: Path
) -> AsyncIterator[Core]:
    adapter = DiscordAdapter(make_config(fake), clock=clock)
    built = await build_core(tmp_path / "pasici.db", adapter, clock, engine)
    built.runner.set_commands(AuthorisingCommands(built, clock, str(BOT_ID)))
    await adapter.start(built.runner)
    yield built
    await adapter.stop()
    await built.store.close()


@pytest.fixture
def people(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    return {
        "mod": fake.guild.add_member(MOD, "mia", (MOD_ROLE_ID,)),
        "other_mod": fake.guild.add_member(OTHER_MOD, "max", (MOD_ROLE_ID,)),
        "alice": fake.guild.add_member(ALICE, "alice"),
        "high": fake.guild.add_member(HIGH_ROLE_MEMBER, "hannah", (MUTE_ROLE_ID,)),
        "helper": fake.guild.add_member(HELPER, "hugo", (HELPER_ROLE_ID,)),
    }


def mute(target: int) -> dict[str, Any]:
    member_option = {"name": "member", "type": 6, "value": str(target)}
    return {
        "id": "1",
        "name": "pasici",
        "type": 1,
        "options": [{"name": "mute", "type": 1, "options": [member_option]}],
    }


async def test_moderator_mute_is_carried_out(
    fake: FakeDiscord, core: Core, people: dict[str, Any]
) -> None:
    await fake.interact(people["mod"], mute(ALICE))
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert reply.json["content"] == "Muted Alice for 10m"
    [timeout] = fake.requests_to("PATCH", rf"/guilds/{GUILD_ID}/members/{ALICE}")
    assert timeout.json["communication_disabled_until"] is not None


@pytest.mark.parametrize(
    ("invoker", "target", "refusal"),
    [
        ("alice", MOD, "/mute needs the moderator level; you do not have it here."),
        ("helper", ALICE, "/mute needs the moderator level; you do not have it here."),
        (
            "mod",
            HIGH_ROLE_MEMBER,
            "You cannot use /mute on someone whose top role is equal to or above yours.",
        ),
        (
            "mod",
            OTHER_MOD,
            "You cannot use /mute on someone with the same or a higher moderator level.",
        ),
        ("mod", OWNER_ID, "You cannot use /mute on the owner of this community."),
        ("mod", MOD, "You cannot use /mute on yourself."),
        ("mod", BOT_ID, "I can't act on myself."),  # refused by the adapter itself
    ],
)
async def test_refusals(
    fake: FakeDiscord, core: Core, people: dict[str, Any], invoker: str, target: int, refusal: str
) -> None:
    await fake.interact(people[invoker], mute(target))
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert reply.json["content"] == refusal
    assert reply.json["flags"] == 64  # refusals are ephemeral
    assert fake.requests_to("PATCH", r"/guilds/\d+/members/\d+") == []
