"""End to end: fake Bot API -> real PTB -> TelegramAdapter -> real core -> Bot API calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.adapters.telegram.core_harness import Core
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import GROUP, JAN, MARIE, MOD_LOG, NOW

INSULT = "Jij bent een vuile idioot"
CRITICISM = "Mijn trein is weer te laat, belachelijk!"


@pytest.fixture
async def core(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Core]:
    world = Core(fake, tmp_path)
    yield world
    await world.stop()


async def settle(core: Core, judged: int) -> None:
    """Wait until the runner has judged ``judged`` messages and PTB is idle again."""
    assert core.runner is not None
    for _ in range(500):
        if core.runner.judged_count >= judged:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(f"only {core.runner.judged_count} of {judged} messages judged")
    await asyncio.sleep(0.05)  # the actions of the last message


def group_messages(fake: FakeBotApi) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]


def mod_log(fake: FakeBotApi) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == MOD_LOG]


async def test_criticism_passes(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    fake.push_message(GROUP, JAN, CRITICISM)

    await settle(core, 1)

    assert fake.moderation_calls() == []


async def test_insult_gets_the_notice_and_a_mod_log_entry(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    insult = fake.push_message(GROUP, MARIE, INSULT)

    await settle(core, 1)

    [notice] = [c for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]
    assert notice["reply_parameters"]["message_id"] == insult
    assert "pasici" in notice["text"].lower()
    assert notice["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://pasici.be/sncb"
    [entry] = mod_log(fake)
    assert "Case #1" in entry
    assert fake.calls_to("deleteMessage") == []  # first strike: a notice only


async def test_repeats_climb_the_ladder_to_mute_then_ban(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    for n in range(1, 6):
        fake.push_message(GROUP, MARIE, f"{INSULT} {n}")
        await settle(core, n)
        core.clock.advance(timedelta(minutes=1))

    restricts = fake.calls_to("restrictChatMember")
    assert [r["until_date"] for r in restricts] == [
        int((NOW + timedelta(minutes=2, seconds=0) + timedelta(minutes=10)).timestamp()),
        int((NOW + timedelta(minutes=3) + timedelta(days=1)).timestamp()),
    ]
    assert all(r["user_id"] == MARIE["id"] for r in restricts)
    [ban] = fake.calls_to("banChatMember")
    assert ban["user_id"] == MARIE["id"]
    assert "until_date" not in ban  # the last step bans for good
    assert len(fake.calls_to("deleteMessage")) == 4  # steps 2-5 delete the message


async def test_edited_message_is_judged_again(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    message_id = fake.push_message(GROUP, JAN, CRITICISM)
    await settle(core, 1)
    fake.push_message(GROUP, JAN, INSULT, edit_of=message_id)

    await settle(core, 2)

    [notice] = [c for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]
    assert notice["reply_parameters"]["message_id"] == message_id


async def test_anonymous_admin_is_never_acted_on(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    anonymous = {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    fake.push_message(GROUP, anonymous, INSULT, sender_chat=fake.world.public_chat(GROUP))
    fake.push_message(GROUP, JAN, CRITICISM)

    await settle(core, 2)

    assert group_messages(fake) == []
    assert [m for m, _ in fake.moderation_calls() if m != "sendMessage"] == []


async def test_restart_with_the_offset_persisted_acts_only_once(
    core: Core, fake: FakeBotApi, tmp_path: Path
) -> None:
    await core.start()
    fake.push_message(GROUP, MARIE, INSULT)
    await settle(core, 1)
    await core.stop()
    fake.unconfirm()  # as if the bot died before Telegram heard the updates were handled

    await core.start()
    fake.push_message(GROUP, JAN, CRITICISM)
    await settle(core, 1)

    assert len(group_messages(fake)) == 1  # one notice in all
    assert fake.deliveries[1] == 2
