"""Slash commands end to end: Discord member data -> the core's level and hierarchy rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.records import CaseStatus
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.core_harness import Core, build_core
from tests.adapters.discord.fake_discord.payloads import (
    BOT_ID,
    GUILD_ID,
    HELPER_ROLE_ID,
    MOD_LOG_ID,
    MOD_ROLE_ID,
    MUTE_ROLE_ID,
    OWNER_ID,
    TEXT_CHANNEL_ID,
    message_payload,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import eventually

FOLLOWUP = r"/webhooks/\d+/[^/]+"
MOD_LOG = rf"/channels/{MOD_LOG_ID}/messages"
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
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert (case.action, case.actor) == ("mute", str(MOD))
    assert reply.json["content"].startswith(f"Case #{case.number}: mute")
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


async def test_undo_button_lifts_the_mute_and_marks_a_false_positive(
    fake: FakeDiscord, core: Core, people: dict[str, Any], clock: FrozenClock
) -> None:
    for count, text in enumerate(
        ["je bent een vuile idioot", "t'es un connard", "you are a stupid idiot"], start=1
    ):
        await fake.post_message(people["alice"], text)
        await fake.wait_for_request("POST", MOD_LOG, count=count)
        clock.advance(timedelta(minutes=1))
    mute_case = next(
        case for case in await core.store.list_cases("acme", str(ALICE)) if case.action == "mute"
    )
    entry = fake.requests_to("POST", MOD_LOG)[-1]
    undo_id = f"pasici:undo:{mute_case.number}"
    assert undo_id in [b["custom_id"] for b in entry.json["components"][0]["components"]]

    log_message = message_payload(author=people["mod"], content="", channel_id=MOD_LOG_ID)
    await fake.interact(
        people["mod"],
        {"custom_id": undo_id, "component_type": 2},
        kind=3,
        channel_id=MOD_LOG_ID,
        message=log_message,
    )
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert reply.json["content"].startswith(f"Case #{mute_case.number} undone")
    assert not (reply.json.get("flags") or 0) & 64  # public in the mod log
    assert fake.requests_to("DELETE", r"/webhooks/\d+/[^/]+/messages/@original")
    lifts = fake.requests_to("PATCH", rf"/guilds/{GUILD_ID}/members/{ALICE}")
    assert [r.json["communication_disabled_until"] is None for r in lifts] == [False, True]
    undone = await core.store.get_case("acme", mute_case.number)
    assert undone is not None
    assert undone.status is CaseStatus.UNDONE


async def test_undo_button_by_a_member_is_refused(
    fake: FakeDiscord, core: Core, people: dict[str, Any]
) -> None:
    await fake.post_message(people["alice"], "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    [case] = await core.store.list_cases("acme", str(ALICE))
    await fake.interact(
        people["alice"],
        {"custom_id": f"pasici:undo:{case.number}", "component_type": 2},
        kind=3,
        channel_id=MOD_LOG_ID,
        message=message_payload(author=people["mod"], content="", channel_id=MOD_LOG_ID),
    )
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert reply.json["content"] == "/undo needs the moderator level; you do not have it here."
    assert reply.json["flags"] == 64
    still = await core.store.get_case("acme", case.number)
    assert still is not None
    assert still.status is CaseStatus.OPEN


async def test_context_menu_pas_ici_sends_the_notice(
    fake: FakeDiscord, core: Core, people: dict[str, Any]
) -> None:
    target = await fake.post_message(people["alice"], "Jullie snappen er echt niks van")
    await eventually(lambda: core.runner.judged_count == 1)
    await fake.interact(
        people["helper"],
        {
            "id": "2",
            "name": "Pas ici",
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        },
    )
    await fake.wait_for_request("POST", FOLLOWUP)
    [notice] = [
        r
        for r in fake.requests_to("POST", rf"/channels/{TEXT_CHANNEL_ID}/messages")
        if r.json.get("embeds")
    ]
    assert notice.json["message_reference"]["message_id"] == int(target["id"])
    cases = await core.store.list_cases("acme", str(ALICE))
    assert [(case.action, case.actor) for case in cases] == [("notice", str(HELPER))]
