"""execute.py: each core action becomes the right Bot API call, and failures become outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.telegram import ChatBinding, TelegramAdapter
from bot.actions import (
    Action,
    AlertModerators,
    Ban,
    DeleteMessage,
    Kick,
    MemberRef,
    MessageRef,
    Mute,
    SendNotice,
    Unban,
    Unmute,
    Warn,
)
from tests.adapters.telegram.fake_bot_api import FakeBotApi, channel
from tests.adapters.telegram.support import (
    COMMUNITY,
    GROUP,
    JAN,
    MARIE,
    MOD_LOG,
    NOW,
    OTHER_GROUP,
    OWNER,
    Harness,
)

MARIE_REF = MemberRef(COMMUNITY, str(MARIE["id"]), "Marie")


def marie_message(fake: FakeBotApi, text: str = "you are all idiots") -> MessageRef:
    message_id = fake.push_message(GROUP, MARIE, text)
    return MessageRef(COMMUNITY, str(GROUP), str(message_id), str(MARIE["id"]))


def notice(ref: MessageRef, case: int | None = 7) -> SendNotice:
    return SendNotice(ref, "nl", "Pas ici: zie pasici.be", "https://pasici.be/nl", case)


async def test_notice_replies_with_a_charter_button(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    ref = marie_message(fake)

    outcome = await adapter.execute(notice(ref))

    assert outcome.ok
    [sent] = fake.calls_to("sendMessage")
    assert sent["chat_id"] == GROUP
    assert sent["text"] == "Pas ici: zie pasici.be"
    assert sent["reply_parameters"] == {
        "message_id": int(ref.message_id),
        "allow_sending_without_reply": True,
    }
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "Lees de huisregels", "url": "https://pasici.be/nl"}]]
    }


async def test_mute_restricts_until_the_exact_time(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    until = NOW + timedelta(hours=1)

    outcome = await adapter.execute(Mute(MARIE_REF, until, "insults", 7))

    assert outcome.ok
    [call] = fake.calls_to("restrictChatMember")
    assert (call["chat_id"], call["user_id"]) == (GROUP, MARIE["id"])
    assert call["until_date"] == int(until.timestamp())
    assert call["use_independent_chat_permissions"] is True
    assert not any(call["permissions"].values())


async def test_a_very_short_mute_is_not_turned_into_forever(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    # Telegram treats restrictions under 30 s as permanent; the adapter stretches them to 31 s.
    await adapter.execute(Mute(MARIE_REF, NOW + timedelta(seconds=5)))

    [call] = fake.calls_to("restrictChatMember")
    assert call["until_date"] == int((NOW + timedelta(seconds=31)).timestamp())


async def test_unmute_restores_the_group_default_permissions(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    outcome = await adapter.execute(Unmute(MARIE_REF))

    assert outcome.ok
    [call] = fake.calls_to("restrictChatMember")
    assert call["permissions"]["can_send_messages"] is True
    assert call["permissions"]["can_change_info"] is False  # the group's default, not "all"
    assert "until_date" not in call


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Kick(MARIE_REF), [("banChatMember", {}), ("unbanChatMember", {"only_if_banned": True})]),
        (Ban(MARIE_REF, None), [("banChatMember", {})]),
        (
            Ban(MARIE_REF, NOW + timedelta(days=7), purge_seconds=3600),
            [
                (
                    "banChatMember",
                    {
                        "until_date": int((NOW + timedelta(days=7)).timestamp()),
                        "revoke_messages": True,
                    },
                )
            ],
        ),
        (Unban(MARIE_REF), [("unbanChatMember", {"only_if_banned": True})]),
    ],
    ids=["kick", "ban-forever", "tempban-purge", "unban"],
)
async def test_member_actions_call_the_right_methods(
    adapter: TelegramAdapter,
    fake: FakeBotApi,
    action: Action,
    expected: list[tuple[str, dict[str, object]]],
) -> None:
    outcome = await adapter.execute(action)

    assert outcome.ok, outcome.detail
    calls = [(m, p) for m, p in fake.moderation_calls() if m.endswith("ChatMember")]
    assert [m for m, _ in calls] == [m for m, _ in expected]
    for (_, params), (_, wanted) in zip(calls, expected, strict=True):
        assert (params["chat_id"], params["user_id"]) == (GROUP, MARIE["id"])
        assert {k: params.get(k) for k in wanted} == wanted
    if isinstance(action, Ban) and action.until is None:
        assert "until_date" not in calls[0][1]


async def test_ban_farewell_by_private_message_is_best_effort(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user")

    outcome = await adapter.execute(Ban(MARIE_REF, None, farewell="Tot ziens"))

    assert outcome.ok
    assert "farewell not delivered" in outcome.detail
    assert fake.calls_to("banChatMember")


async def test_delete_and_warn(adapter: TelegramAdapter, fake: FakeBotApi) -> None:
    ref = marie_message(fake)

    deleted = await adapter.execute(DeleteMessage(ref, "insult"))
    warned = await adapter.execute(Warn(MARIE_REF, str(GROUP), "fr", "Avertissement", 7))

    assert deleted.ok
    assert warned.ok
    assert fake.calls_to("deleteMessage") == [{"chat_id": GROUP, "message_id": int(ref.message_id)}]
    assert fake.calls_to("sendMessage")[0]["text"] == "Avertissement"


async def test_alert_goes_to_the_mod_log_with_case_buttons(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    outcome = await adapter.execute(AlertModerators(COMMUNITY, "Case #7 - mute", case_number=7))

    assert outcome.ok
    [sent] = fake.calls_to("sendMessage")
    assert sent["chat_id"] == MOD_LOG
    buttons = sent["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [
        "pasici:confirm:7:sncb",
        "pasici:undo:7:sncb",
        "pasici:escalate:7:sncb",
    ]


async def test_alert_without_a_mod_log_chat_says_so(harness: Harness, fake: FakeBotApi) -> None:
    from adapters.telegram import ChatBinding

    adapter = await harness.start(chats={GROUP: ChatBinding(COMMUNITY)})

    outcome = await adapter.execute(AlertModerators(COMMUNITY, "x"))

    assert not outcome.ok
    assert "no mod-log chat configured" in outcome.detail


ANONYMOUS = MessageRef(COMMUNITY, str(GROUP), "55", str(GROUP))
OWNER_REF = MemberRef(COMMUNITY, str(OWNER["id"]), "Owner")


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (DeleteMessage(ANONYMOUS), "anonymous group admin"),
        (notice(ANONYMOUS), "anonymous group admin"),
        (Mute(MemberRef(COMMUNITY, str(GROUP)), NOW + timedelta(hours=1)), "anonymous group admin"),
        (Ban(MemberRef(COMMUNITY, "1087968824"), None), "anonymous group admin"),
        (Mute(OWNER_REF, NOW + timedelta(hours=1)), "group owner"),
        (Kick(OWNER_REF), "group owner"),
    ],
    ids=[
        "delete-anon",
        "notice-anon",
        "mute-anon",
        "ban-anon-bot",
        "mute-owner",
        "kick-owner",
    ],
)
async def test_anonymous_admins_and_the_owner_are_never_acted_on(
    adapter: TelegramAdapter, fake: FakeBotApi, action: Action, reason: str
) -> None:
    outcome = await adapter.execute(action)

    assert not outcome.ok
    assert reason in outcome.detail
    assert [m for m, _ in fake.moderation_calls()] == []


async def test_retry_after_is_honoured(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.fail("restrictChatMember", 429, "Too Many Requests: retry after 3", retry_after=3)

    outcome = await adapter.execute(Mute(MARIE_REF, NOW + timedelta(hours=1)))

    assert outcome.ok
    assert harness.sleep.waits == [3.0]
    assert len(fake.calls_to("restrictChatMember")) == 2


async def test_a_too_long_retry_after_is_handed_back_to_the_runner(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.fail("banChatMember", 429, "Too Many Requests: retry after 600", retry_after=600)

    outcome = await adapter.execute(Ban(MARIE_REF, None))

    assert not outcome.ok
    assert outcome.retryable
    assert outcome.retry_after_seconds == 600
    assert harness.sleep.waits == []


@pytest.mark.parametrize(
    ("status", "description", "expected"),
    [
        (400, "Bad Request: message to delete not found", "the message is already gone"),
        (400, "Bad Request: not enough rights to delete a message", "lacks the admin right"),
        (403, "Forbidden: bot was kicked from the supergroup chat", "not allowed here"),
    ],
    ids=["already-gone", "no-rights", "kicked"],
)
async def test_refusals_are_reported_not_raised(
    adapter: TelegramAdapter, fake: FakeBotApi, status: int, description: str, expected: str
) -> None:
    ref = marie_message(fake)
    fake.fail("deleteMessage", status, description)

    outcome = await adapter.execute(DeleteMessage(ref))

    assert not outcome.ok
    assert not outcome.retryable
    assert expected in outcome.detail
    assert description.split(": ", 1)[1].lower() in outcome.detail.lower()
    assert len(fake.calls_to("deleteMessage")) == 1  # final errors are not retried


async def test_message_already_gone_for_real(adapter: TelegramAdapter, fake: FakeBotApi) -> None:
    ref = MessageRef(COMMUNITY, str(GROUP), "424242", str(JAN["id"]))

    outcome = await adapter.execute(DeleteMessage(ref))

    assert not outcome.ok
    assert "already gone" in outcome.detail


async def test_bot_without_restrict_right_gets_a_clear_detail(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.set_bot_rights(GROUP, can_restrict_members=False)

    outcome = await adapter.execute(Mute(MARIE_REF, NOW + timedelta(hours=1)))

    assert not outcome.ok
    assert "lacks the admin right" in outcome.detail


@pytest.mark.parametrize("fault", ["5xx", "dropped"])
async def test_network_errors_are_retried(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness, fault: str
) -> None:
    if fault == "5xx":
        fake.fail("banChatMember", 502, "Bad Gateway", times=2)
    else:
        fake.drop("banChatMember", times=2)

    outcome = await adapter.execute(Ban(MARIE_REF, None))

    assert outcome.ok
    assert len(fake.calls_to("banChatMember")) == 3
    assert len(harness.sleep.waits) == 2


async def test_network_errors_give_up_after_the_bound(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    fake.fail("banChatMember", 500, "Internal Server Error", times=10)

    outcome = await adapter.execute(Ban(MARIE_REF, None))

    assert not outcome.ok
    assert outcome.retryable
    assert len(fake.calls_to("banChatMember")) == 4  # 1 try + 3 retries


async def test_execute_before_start_is_a_retryable_failure(fake: FakeBotApi) -> None:
    from tests.adapters.telegram.support import make_config

    outcome = await TelegramAdapter(make_config(fake)).execute(Ban(MARIE_REF, None))

    assert not outcome.ok
    assert outcome.retryable


CHANNEL_IDENTITY = MemberRef(COMMUNITY, "-1007", "Some channel")


async def test_a_channel_identity_is_banned_with_ban_chat_sender_chat(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    banned = await adapter.execute(Ban(CHANNEL_IDENTITY, None, farewell="bye"))
    unbanned = await adapter.execute(Unban(CHANNEL_IDENTITY))
    muted = await adapter.execute(Mute(CHANNEL_IDENTITY, NOW + timedelta(hours=1)))

    assert banned.ok
    assert unbanned.ok
    assert not muted.ok
    assert "only ban" in muted.detail
    assert [m for m, _ in fake.moderation_calls()] == ["banChatSenderChat", "unbanChatSenderChat"]
    assert fake.calls_to("banChatSenderChat") == [{"chat_id": GROUP, "sender_chat_id": -1007}]


async def test_messages_from_a_channel_identity_can_be_deleted(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    message_id = fake.push_message(GROUP, None, "spam", sender_chat=channel(-1007, "Spam"))

    outcome = await adapter.execute(
        DeleteMessage(MessageRef(COMMUNITY, str(GROUP), str(message_id), "-1007"))
    )

    assert outcome.ok


async def test_the_linked_channel_of_a_discussion_group_is_never_acted_on(
    harness: Harness, fake: FakeBotApi
) -> None:
    fake.world.chats[GROUP]["linked_chat_id"] = -1009
    adapter = await harness.start()
    linked = MemberRef(COMMUNITY, "-1009", "SNCB news")

    outcomes = [
        await adapter.execute(Ban(linked, None)),
        await adapter.execute(DeleteMessage(MessageRef(COMMUNITY, str(GROUP), "5", "-1009"))),
    ]

    assert [o.ok for o in outcomes] == [False, False]
    assert all("linked channel" in o.detail for o in outcomes)
    assert fake.moderation_calls() == []


async def test_alert_links_to_the_message_when_it_has_a_link(
    adapter: TelegramAdapter, fake: FakeBotApi
) -> None:
    link = "https://t.me/sncb_riders/1234"
    message = MessageRef(COMMUNITY, str(GROUP), "1234", str(MARIE["id"]), link=link)

    await adapter.execute(AlertModerators(COMMUNITY, "Review please", review=True, message=message))

    [sent] = fake.calls_to("sendMessage")
    assert sent["reply_markup"]["inline_keyboard"] == [[{"text": "Open the message", "url": link}]]


async def test_a_community_with_two_groups_is_sanctioned_in_both(
    harness: Harness, fake: FakeBotApi
) -> None:
    fake.add_group(OTHER_GROUP, "SNCB comments")
    adapter = await harness.start(
        chats={GROUP: ChatBinding(COMMUNITY, MOD_LOG), OTHER_GROUP: ChatBinding(COMMUNITY)}
    )

    outcome = await adapter.execute(Ban(MARIE_REF, None))

    assert outcome.ok
    assert [c["chat_id"] for c in fake.calls_to("banChatMember")] == [GROUP, OTHER_GROUP]


async def test_a_failure_in_one_of_two_groups_is_noted_not_fatal(
    harness: Harness, fake: FakeBotApi
) -> None:
    fake.add_group(OTHER_GROUP, "SNCB comments")
    fake.set_bot_rights(OTHER_GROUP, can_restrict_members=False)
    adapter = await harness.start(
        chats={GROUP: ChatBinding(COMMUNITY, MOD_LOG), OTHER_GROUP: ChatBinding(COMMUNITY)}
    )

    partly = await adapter.execute(Mute(MARIE_REF, NOW + timedelta(hours=1)))
    fake.set_bot_rights(GROUP, can_restrict_members=False)
    nowhere = await adapter.execute(Mute(MARIE_REF, NOW + timedelta(hours=1)))

    assert partly.ok
    assert f"chat {OTHER_GROUP}" in partly.detail
    assert not nowhere.ok
    assert "lacks the admin right" in nowhere.detail
