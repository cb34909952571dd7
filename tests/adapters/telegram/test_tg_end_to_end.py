"""End to end: fake Bot API -> real PTB -> TelegramAdapter -> real core -> Bot API calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.adapters.telegram.core_harness import Core
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.support import ADMIN, GROUP, JAN, MARIE, MOD_LOG, NOW

INSULT = "Jij bent een vuile idioot"
CRITICISM = "Mijn trein is weer te laat, belachelijk!"


@pytest.fixture
async def core(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Core]:
    world = Core(fake, tmp_path)
    yield world
    await world.stop()


async def drain(core: Core, fake: FakeBotApi) -> None:
    """Wait until every update pushed so far is fully handled (judged and acted on)."""
    assert core.adapter is not None
    target = fake.last_update_id
    for _ in range(1000):
        handled = core.adapter.handled_update_id
        if handled is not None and handled >= target:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"update {target} was never handled")


def group_messages(fake: FakeBotApi) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]


def mod_log(fake: FakeBotApi) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == MOD_LOG]


async def test_criticism_passes(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    fake.push_message(GROUP, JAN, CRITICISM)

    await drain(core, fake)

    assert fake.moderation_calls() == []


async def test_insult_gets_the_notice_and_a_mod_log_entry(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    insult = fake.push_message(GROUP, MARIE, INSULT)

    await drain(core, fake)

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
        await drain(core, fake)
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
    await drain(core, fake)
    fake.push_message(GROUP, JAN, INSULT, edit_of=message_id)

    await drain(core, fake)

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

    await drain(core, fake)

    assert group_messages(fake) == []
    assert [m for m, _ in fake.moderation_calls() if m != "sendMessage"] == []


async def test_restart_with_the_offset_persisted_acts_only_once(
    core: Core, fake: FakeBotApi, tmp_path: Path
) -> None:
    await core.start()
    fake.push_message(GROUP, MARIE, INSULT)
    await drain(core, fake)
    await core.stop()
    fake.unconfirm()  # as if the bot died before Telegram heard the updates were handled

    await core.start()
    fake.push_message(GROUP, JAN, CRITICISM)
    await drain(core, fake)

    assert len(group_messages(fake)) == 1  # one notice in all
    assert fake.deliveries[1] == 2


def replies_to(fake: FakeBotApi, chat_id: int) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == chat_id]


async def test_reply_pasici_by_an_admin_sends_the_notice(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    rude = fake.push_message(GROUP, MARIE, "Wat een bende hier")  # below the thresholds
    fake.push_command(GROUP, ADMIN, "/pasici", reply_to=rude)

    await drain(core, fake)

    notices = [c for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]
    assert [n["reply_parameters"]["message_id"] for n in notices] == [rude]
    assert "pasici.be/sncb" in notices[0]["text"]
    assert any("Case #1" in text for text in mod_log(fake))


async def test_ban_by_a_member_is_refused(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    target = fake.push_message(GROUP, MARIE, "hallo")
    fake.push_command(GROUP, JAN, "/ban", reply_to=target)

    await drain(core, fake)

    assert fake.calls_to("banChatMember") == []
    answers = [t for t in replies_to(fake, GROUP) + replies_to(fake, MOD_LOG) if "/ban" in t]
    assert answers
    assert "needs the moderator level" in answers[0]


async def test_ban_by_an_admin_bans_the_replied_member(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    target = fake.push_message(GROUP, MARIE, "hallo")
    fake.push_command(GROUP, ADMIN, "/ban 7d spam", reply_to=target)

    await drain(core, fake)

    [ban] = fake.calls_to("banChatMember")
    assert ban["user_id"] == MARIE["id"]
    assert ban["until_date"] == int((NOW + timedelta(days=7)).timestamp())


async def test_undo_button_lifts_the_mute(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    for n in range(3):  # notice, warn, mute
        fake.push_message(GROUP, MARIE, f"{INSULT} {n}")
        await drain(core, fake)
    assert len(fake.calls_to("restrictChatMember")) == 1
    entry_id = max(message_id for chat, message_id in fake.world.messages if chat == MOD_LOG)
    entry = fake.world.messages[(MOD_LOG, entry_id)]
    [undo] = [
        b["callback_data"]
        for b in entry["reply_markup"]["inline_keyboard"][0]
        if b["text"] == "Undo"
    ]
    fake.push_callback(MOD_LOG, ADMIN, entry_id, undo)

    await drain(core, fake)

    unmute = fake.calls_to("restrictChatMember")[-1]
    assert unmute["permissions"]["can_send_messages"] is True
    [answered] = fake.calls_to("answerCallbackQuery")
    assert "#3" in answered["text"]


async def test_scheduler_unmutes_when_the_mute_ends(core: Core, fake: FakeBotApi) -> None:
    app = await core.start()
    for n in range(3):
        fake.push_message(GROUP, MARIE, f"{INSULT} {n}")
        await drain(core, fake)
    assert app.scheduler is not None

    core.clock.advance(timedelta(minutes=11))
    await app.scheduler.run_due()

    first, second = fake.calls_to("restrictChatMember")
    assert first["permissions"]["can_send_messages"] is False
    assert second["permissions"]["can_send_messages"] is True


async def test_a_raid_never_makes_the_bot_flood(core: Core, fake: FakeBotApi) -> None:
    await core.start()
    for n in range(25):
        fake.push_message(GROUP, user(1000 + n, f"Raider{n}"), f"{INSULT} {n}")

    await drain(core, fake)

    assert core.adapter is not None
    assert len(replies_to(fake, GROUP)) <= 3  # the core's notice rate limit
    assert len(mod_log(fake)) == 20  # Telegram's ~20 a minute per chat, kept by the adapter
    assert core.adapter.flood.deferred_chats() == (MOD_LOG,)  # the rest waits for the digest
