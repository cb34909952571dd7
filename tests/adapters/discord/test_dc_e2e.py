"""End to end: fake Discord -> real discord.py -> DiscordAdapter -> the real core -> back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.records import ScheduledKind
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.core_harness import Core, build_core
from tests.adapters.discord.fake_discord.payloads import GUILD_ID, MOD_LOG_ID, TEXT_CHANNEL_ID
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import eventually

ALICE = 620000000000000001
SEND = rf"/channels/{TEXT_CHANNEL_ID}/messages"
MOD_LOG = rf"/channels/{MOD_LOG_ID}/messages"
MEMBER_PATH = rf"/guilds/{GUILD_ID}/members/{ALICE}"
BAN_PATH = rf"/guilds/{GUILD_ID}/bans/{ALICE}"
DELETE = rf"/channels/{TEXT_CHANNEL_ID}/messages/\d+"


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
def alice(fake: FakeDiscord) -> dict[str, Any]:
    return fake.guild.add_member(ALICE, "alice")


def notices(fake: FakeDiscord) -> list[Any]:
    return [r for r in fake.requests_to("POST", SEND) if r.json and r.json.get("embeds")]


async def test_criticism_passes(fake: FakeDiscord, core: Core, alice: dict[str, Any]) -> None:
    await fake.post_message(alice, "Mijn trein is weer 40 minuten te laat, dit is een schande!")
    await eventually(lambda: core.runner.judged_count == 1)
    await asyncio.sleep(0.05)
    assert notices(fake) == []
    assert fake.requests_to("POST", MOD_LOG) == []
    assert await core.store.list_cases("acme", str(ALICE)) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("t'es vraiment un connard", "Pas ici"),
        ("je bent een vuile idioot", "Niet hier"),
        ("you are a stupid idiot", "Not here"),
    ],
)
async def test_insult_gets_a_notice_in_its_language(
    fake: FakeDiscord, core: Core, alice: dict[str, Any], text: str, title: str
) -> None:
    posted = await fake.post_message(alice, text)
    await fake.wait_for_request("POST", MOD_LOG)
    [notice] = notices(fake)
    embed = notice.json["embeds"][0]
    assert embed["title"] == title
    assert notice.json["message_reference"]["message_id"] == int(posted["id"])
    assert notice.json["components"][0]["components"][0]["url"].startswith("https://pasici.be")
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.category == "insult"
    assert embed["footer"]["text"].endswith(f"#{case.number}")


async def test_repeats_climb_to_timeout_then_ban(
    fake: FakeDiscord, core: Core, alice: dict[str, Any], clock: FrozenClock
) -> None:
    insults = [
        "je bent een vuile idioot",
        "t'es un connard",
        "you are a stupid idiot",
        "t'es vraiment un connard",
    ]
    for count, text in enumerate(insults, start=1):
        await fake.post_message(alice, text)
        await fake.wait_for_request("POST", MOD_LOG, count=count)
        clock.advance(timedelta(minutes=1))
    assert len(fake.requests_to("DELETE", DELETE)) >= 2  # warn and mute delete the message
    timeout = fake.requests_to("PATCH", MEMBER_PATH)
    assert len(timeout) == 1
    assert timeout[0].json["communication_disabled_until"] is not None
    bans = fake.requests_to("PUT", BAN_PATH)
    assert len(bans) == 1
    actions = [case.action for case in reversed(await core.store.list_cases("acme", str(ALICE)))]
    assert actions == ["notice", "warn", "mute", "ban"]


async def test_threat_opens_an_evidence_case_and_alerts(
    fake: FakeDiscord, core: Core, alice: dict[str, Any]
) -> None:
    await fake.post_message(alice, "ik maak je af, ik weet waar je woont")
    alert = await fake.wait_for_request("POST", MOD_LOG)
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.category == "threat"
    assert case.evidence is True
    embed = alert.json["embeds"][0]
    assert f"#{case.number}" in embed["title"]
    buttons = [b["custom_id"] for b in alert.json["components"][0]["components"]]
    assert f"pasici:undo:{case.number}" in buttons
    assert fake.requests_to("PUT", BAN_PATH)  # 5 points: straight to the top of the ladder


async def test_edit_evasion_is_caught(fake: FakeDiscord, core: Core, alice: dict[str, Any]) -> None:
    original = await fake.post_message(alice, "Bedankt voor de snelle hulp!")
    await eventually(lambda: core.runner.judged_count == 1)
    await fake.edit_message(original, "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    [notice] = notices(fake)
    assert notice.json["message_reference"]["message_id"] == int(original["id"])
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.message_text == "je bent een vuile idioot"


async def test_gateway_drop_mid_scenario_acts_once(
    fake: FakeDiscord, core: Core, alice: dict[str, Any]
) -> None:
    first = await fake.post_message(alice, "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    await fake.drop_gateway()
    await eventually(lambda: fake.resume_count == 1 and fake.connected_sessions() == 1)
    # Discord may deliver the same message again (e.g. after a re-identify): judged once.
    await fake.dispatch("MESSAGE_CREATE", first)
    await fake.post_message(alice, "Wanneer komt de volgende trein?")
    await eventually(lambda: core.runner.judged_count == 3)  # first, its replay, the question
    await asyncio.sleep(0.05)
    assert len(notices(fake)) == 1
    assert len(await core.store.list_cases("acme", str(ALICE))) == 1


async def test_temp_ban_expires_after_a_restart(
    fake: FakeDiscord, clock: FrozenClock, engine: DetectionEngine, tmp_path: Path
) -> None:
    alice = fake.guild.add_member(ALICE, "alice")
    db = tmp_path / "pasici.db"
    adapter = DiscordAdapter(make_config(fake), clock=clock)
    core = await build_core(db, adapter, clock, engine)
    await adapter.start(core.runner)
    try:
        await fake.post_message(alice, "ik maak je af, ik weet waar je woont")
        await fake.wait_for_request("PUT", BAN_PATH)
        await fake.wait_for_request("POST", MOD_LOG)
    finally:
        await adapter.stop()
        await core.store.close()
    assert ALICE in fake.bans

    clock.advance(timedelta(days=8))  # the community's ban lasts 7 days
    restarted = DiscordAdapter(make_config(fake), clock=clock)
    core = await build_core(db, restarted, clock, engine)
    await restarted.start(core.runner)
    try:
        due = await core.store.due_actions(clock.now())
        assert [item.kind for item in due] == [ScheduledKind.UNBAN]
        assert await core.scheduler.run_due() == 1
    finally:
        await restarted.stop()
        await core.store.close()
    assert len(fake.requests_to("DELETE", BAN_PATH)) == 1
    assert ALICE not in fake.bans


async def test_missing_permission_reaches_the_mod_log(
    fake: FakeDiscord, core: Core, alice: dict[str, Any]
) -> None:
    fake.inject("PUT", BAN_PATH, 403, code=50013, message="Missing Permissions")
    await fake.post_message(alice, "ik maak je af, ik weet waar je woont")
    await fake.wait_for_request("POST", MOD_LOG, count=2)
    descriptions = [r.json["embeds"][0]["description"] for r in fake.requests_to("POST", MOD_LOG)]
    failure = next(text for text in descriptions if text.startswith("Could not ban"))
    assert "lacks Ban Members" in failure
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert any(o.startswith("ban: failed") and "Ban Members" in o for o in case.outcomes)
    assert ALICE not in fake.bans


async def test_already_deleted_message_is_recorded_and_the_ladder_continues(
    fake: FakeDiscord, core: Core, alice: dict[str, Any], clock: FrozenClock
) -> None:
    await fake.post_message(alice, "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    clock.advance(timedelta(minutes=1))
    second = await fake.post_message(alice, "t'es un connard")
    fake.messages.pop(int(second["id"]))  # the author deleted it before the bot could
    # mod log: case 1, "could not delete" for case 2, then case 2's own entry (its last action)
    await fake.wait_for_request("POST", MOD_LOG, count=3)
    cases = await core.store.list_cases("acme", str(ALICE))
    outcomes = next(case for case in cases if case.action == "warn").outcomes
    assert any("message already deleted" in outcome for outcome in outcomes)
    assert any(outcome.startswith("warn: ok") for outcome in outcomes)


async def test_cleaned_edit_is_noted_on_the_case(
    fake: FakeDiscord, core: Core, alice: dict[str, Any]
) -> None:
    original = await fake.post_message(alice, "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    await fake.edit_message(original, "Sorry, ik was boos over de vertraging.")
    await eventually(lambda: core.runner.judged_count == 2)
    await asyncio.sleep(0.05)
    notes = await core.store.list_notes("acme", str(ALICE))
    assert [note.text for note in notes] == [
        "The author edited the message; the new version passes."
    ]
    assert len(notices(fake)) == 1
