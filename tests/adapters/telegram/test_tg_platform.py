"""Rights check, scoped command publishing, and the flood limit for the bot's own messages."""

from __future__ import annotations

import pytest
from telegram import ChatMember

from adapters.telegram import TelegramAdapter
from adapters.telegram.flood import FloodGuard
from adapters.telegram.rights import NOT_ADMIN, missing_rights
from bot.actions import AlertModerators, MemberRef, MessageRef, SendNotice, Warn
from tests.adapters.telegram.fake_bot_api import BOT_ID, FakeBotApi, bot_user, member
from tests.adapters.telegram.support import (
    COMMUNITY,
    GROUP,
    MARIE,
    MOD_LOG,
    Harness,
    RecordingSink,
    make_config,
)


def mod_log_texts(fake: FakeBotApi) -> list[str]:
    return [c["text"] for c in fake.calls_to("sendMessage") if c["chat_id"] == MOD_LOG]


@pytest.mark.parametrize(
    ("status", "rights", "missing"),
    [
        ("administrator", {}, ()),
        ("creator", {}, ()),
        ("administrator", {"can_delete_messages": False}, ("delete messages",)),
        (
            "administrator",
            {"can_restrict_members": False},
            ("ban users (needed to mute, kick and ban)",),
        ),
        (
            "member",
            {},
            (NOT_ADMIN, "delete messages", "ban users (needed to mute, kick and ban)"),
        ),
    ],
    ids=["full-admin", "owner", "no-delete", "no-restrict", "not-admin"],
)
def test_missing_rights(status: str, rights: dict[str, bool], missing: tuple[str, ...]) -> None:
    me = ChatMember.de_json(member(bot_user(), status, **rights), None)

    assert missing_rights(me) == missing


async def test_missing_rights_at_start_are_posted_to_the_mod_log(
    harness: Harness, fake: FakeBotApi
) -> None:
    fake.set_bot_rights(GROUP, can_restrict_members=False)

    adapter = await harness.start()

    [text] = mod_log_texts(fake)
    assert f"missing admin rights in Telegram chat {GROUP}" in text
    assert "ban users" in text
    assert "delete messages" not in text
    assert adapter.rights is not None
    assert adapter.rights.missing(GROUP) == ("ban users (needed to mute, kick and ban)",)


async def test_full_rights_at_start_post_nothing(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    assert mod_log_texts(fake) == []


async def test_rights_changes_are_reported_once_each(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    me = bot_user()
    fake.push_chat_member(GROUP, me, "administrator", "member", mine=True)
    fake.push_chat_member(GROUP, me, "member", "member", mine=True)  # same again: no repeat
    fake.push_chat_member(GROUP, me, "member", "administrator", mine=True)

    texts = [c["text"] for c in await fake.wait_for("sendMessage", count=2)]

    assert "it cannot be an administrator of the group" in texts[0]
    assert "now has every admin right" in texts[1]
    assert len(mod_log_texts(fake)) == 2
    assert me["id"] == BOT_ID


async def test_commands_are_published_per_scope(adapter: TelegramAdapter, fake: FakeBotApi) -> None:
    published = {
        scope: [c["command"] for c in commands] for scope, commands in fake.world.commands.items()
    }

    assert published[f"chat:{GROUP}"] == ["report"]
    admin = published[f"chat_administrators:{GROUP}"]
    assert {"pasici", "warn", "mute", "ban", "unban", "pardon", "strikes", "case"} <= set(admin)
    assert {"note", "report", "evidence", "config", "undo"} <= set(admin)
    assert "notice" not in admin  # Telegram calls it /pasici
    assert published[f"chat:{MOD_LOG}"] == admin


async def test_publishing_failure_does_not_stop_start(harness: Harness, fake: FakeBotApi) -> None:
    fake.fail("setMyCommands", 400, "Bad Request: BOT_COMMAND_INVALID", times=10)

    adapter = await harness.start()

    assert adapter.bot_username == "pasici_test_bot"
    assert await fake.wait_for("getUpdates")  # polling runs all the same


def notice(message_id: int, case: int) -> SendNotice:
    ref = MessageRef(COMMUNITY, str(GROUP), str(message_id), str(MARIE["id"]))
    return SendNotice(ref, "fr", "Pas ici", "https://pasici.be/fr", case)


async def test_flood_limit_suppresses_notices_and_summarises_them(
    harness: Harness, fake: FakeBotApi
) -> None:
    adapter = await harness.start(flood_limit_per_minute=3)
    outcomes = [
        await adapter.execute(notice(fake.push_message(GROUP, MARIE, f"raid {n}"), n))
        for n in range(1, 6)
    ]

    assert [o.ok for o in outcomes] == [True, True, True, False, False]
    assert "flood limit" in outcomes[3].detail
    assert len([c for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]) == 3

    assert await adapter.flush_flood_summaries() == 1
    [summary] = mod_log_texts(fake)
    assert "2 notice(s)/warning(s) were not posted" in summary
    assert "Cases: #4, #5." in summary
    assert await adapter.flush_flood_summaries() == 0  # reported once


async def test_mod_log_entries_over_the_limit_become_one_digest(
    harness: Harness, fake: FakeBotApi
) -> None:
    adapter = await harness.start(flood_limit_per_minute=2)
    outcomes = [
        await adapter.execute(AlertModerators(COMMUNITY, f"Case #{n}", case_number=n))
        for n in range(1, 5)
    ]

    assert all(o.ok for o in outcomes)
    assert "held back" in outcomes[2].detail
    assert mod_log_texts(fake) == ["Case #1", "Case #2"]
    assert await adapter.flush_flood_summaries() == 0  # no budget left this minute


def test_flood_budget_comes_back_after_a_minute() -> None:
    now = [0.0]
    guard = FloodGuard(2, monotonic=lambda: now[0])

    assert [guard.try_send(GROUP) for _ in range(3)] == [True, True, False]
    now[0] = 59.0
    assert not guard.try_send(GROUP)
    now[0] = 60.5
    assert guard.try_send(GROUP)
    assert guard.try_send(MOD_LOG)  # budgets are per chat


def test_digest_joins_deferred_entries_and_keeps_what_does_not_fit() -> None:
    guard = FloodGuard(1)
    for n in range(3):
        guard.defer(MOD_LOG, f"Case #{n} " + "x" * 1500)

    first = guard.take_digest(MOD_LOG)
    second = guard.take_digest(MOD_LOG)

    assert first is not None
    assert first.startswith("Mod-log digest (2 entries")
    assert len(first) <= 4096
    assert second is not None
    assert "Case #2" in second
    assert guard.take_digest(MOD_LOG) is None


async def test_summaries_are_posted_by_the_background_loop(
    harness: Harness, fake: FakeBotApi
) -> None:
    adapter = await harness.start(flood_limit_per_minute=1, flood_summary_interval_seconds=0.05)
    for n in (1, 2):
        await adapter.execute(notice(fake.push_message(GROUP, MARIE, f"raid {n}"), n))

    texts = [c["text"] for c in await fake.wait_for("sendMessage", count=2)]

    assert "1 notice(s)/warning(s) were not posted" in texts[1]


async def test_deferred_mod_log_entries_go_out_as_a_digest_once_budget_returns(
    fake: FakeBotApi,
) -> None:
    now = [0.0]
    adapter = TelegramAdapter(make_config(fake, flood_limit_per_minute=1), monotonic=lambda: now[0])
    await adapter.start(RecordingSink())
    try:
        for n in (1, 2, 3):
            await adapter.execute(AlertModerators(COMMUNITY, f"Case #{n}", case_number=n))
        now[0] = 61.0

        assert await adapter.flush_flood_summaries() == 1
    finally:
        await adapter.stop()

    first, digest = mod_log_texts(fake)
    assert first == "Case #1"
    assert digest.startswith("Mod-log digest (2 entries")
    assert "Case #2" in digest
    assert "Case #3" in digest


async def test_warnings_count_against_the_same_budget(harness: Harness, fake: FakeBotApi) -> None:
    adapter = await harness.start(flood_limit_per_minute=1)
    member = MemberRef(COMMUNITY, str(MARIE["id"]))

    first = await adapter.execute(Warn(member, str(GROUP), "nl", "Waarschuwing", 1))
    second = await adapter.execute(Warn(member, str(GROUP), "nl", "Waarschuwing", 2))

    assert (first.ok, second.ok) == (True, False)
    assert "flood limit" in second.detail
