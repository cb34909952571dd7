"""Updates through the real PTB Application (long polling against the fake Bot API)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.telegram import TelegramAdapter
from adapters.telegram.offsets import FileOffsetStore, MemoryOffsetStore
from bot.actions import AlertModerators, Ban, Capability, MemberRef
from bot.events import AttachmentKind, CommandReply, Message
from bot.ports import PlatformAdapter
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import (
    ADMIN,
    COMMUNITY,
    GROUP,
    JAN,
    MARIE,
    MOD_LOG,
    UNWATCHED,
    Harness,
    RecordingSink,
    make_config,
)


async def test_group_message_reaches_the_sink(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    message_id = fake.push_message(GROUP, JAN, "Mijn trein is weer te laat")

    await harness.sink.wait(messages=1)

    [message] = harness.sink.messages
    assert message.text == "Mijn trein is weer te laat"
    assert message.message_id == str(message_id)
    assert message.chat.community == COMMUNITY
    assert message.chat.channel_id == str(GROUP)
    assert message.author.user_id == str(JAN["id"])
    assert message.author.display_name == "Jan (@jan_p)"
    assert message.link == f"https://t.me/sncb_riders/{message_id}"
    assert not message.edited


async def test_edited_message_is_delivered_as_an_edit(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    message_id = fake.push_message(GROUP, JAN, "Mijn trein is te laat")
    fake.push_message(GROUP, JAN, "Mijn trein is te laat, idioten", edit_of=message_id)

    await harness.sink.wait(messages=2)

    first, second = harness.sink.messages
    assert (first.edited, second.edited) == (False, True)
    assert second.message_id == first.message_id
    assert second.text == "Mijn trein is te laat, idioten"
    assert second.dedup_key != first.dedup_key


async def test_photo_with_caption_is_delivered_with_its_image(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 800, "height": 600}]
    fake.push_message(GROUP, JAN, None, caption="kijk eens", photo=photo)

    await harness.sink.wait(messages=1)

    [message] = harness.sink.messages
    assert message.text == "kijk eens"
    assert [a.kind for a in message.attachments] == [AttachmentKind.IMAGE]


async def test_admin_authors_are_flagged_from_the_administrator_list(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_message(GROUP, ADMIN, "Beste reizigers, er is vertraging")

    await harness.sink.wait(messages=1)

    assert harness.sink.messages[0].author.is_platform_admin


async def test_unwatched_chats_and_service_messages_are_not_judged(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_message(UNWATCHED, JAN, "elsewhere")
    fake.push_message(GROUP, JAN, None, new_chat_members=[MARIE])
    fake.push_message(GROUP, JAN, "marker")

    await harness.sink.wait(messages=1)

    assert [m.text for m in harness.sink.messages] == ["marker"]


async def test_ban_by_reply_becomes_a_command_with_target_and_authority(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    insult = fake.push_message(GROUP, MARIE, "jullie zijn allemaal idioten")
    fake.push_command(GROUP, ADMIN, "/ban 7d beledigingen", reply_to=insult)

    await harness.sink.wait(messages=1, commands=1)

    [call] = harness.sink.commands
    assert call.name == "ban"
    assert call.invoker.user_id == str(ADMIN["id"])
    assert call.invoker.is_platform_admin  # from getChatMember
    assert call.target_user is not None
    assert call.target_user.user_id == str(MARIE["id"])
    assert call.target_message_id == str(insult)
    assert dict(call.options) == {"duration": "7d", "reason": "beledigingen"}
    assert {"chat_id": GROUP, "user_id": ADMIN["id"]} in fake.calls_to("getChatMember")
    # the reply (public here) answers the command in the group
    [answer] = await fake.wait_for("sendMessage")
    assert answer["text"] == "done: ban"


async def test_ban_by_username_uses_the_seen_users_cache(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_message(GROUP, MARIE, "hallo")
    fake.push_command(GROUP, ADMIN, "/ban @Marie_L")

    await harness.sink.wait(messages=1, commands=1)

    target = harness.sink.commands[0].target_user
    assert target is not None
    assert target.user_id == str(MARIE["id"])


async def test_member_invoker_is_not_flagged_admin(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_command(GROUP, JAN, "/ban 502")

    await harness.sink.wait(commands=1)

    assert not harness.sink.commands[0].invoker.is_platform_admin


async def test_bad_command_is_answered_in_the_group(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    command_id = fake.push_command(GROUP, ADMIN, "/ban @nobody_seen")

    [answer] = await fake.wait_for("sendMessage")

    assert "I have not seen @nobody_seen" in answer["text"]
    assert answer["reply_parameters"]["message_id"] == command_id
    assert harness.sink.commands == []


async def test_private_answer_goes_by_dm_or_else_to_the_mod_log(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    harness.sink.reply = lambda call: CommandReply(ok=True, text="Marie: 3 points", private=True)
    fake.fail("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user")
    fake.push_command(GROUP, ADMIN, "/strikes 502")

    sent = await fake.wait_for("sendMessage", count=2)

    assert sent[0]["chat_id"] == ADMIN["id"]  # the DM attempt
    assert sent[1]["chat_id"] == MOD_LOG  # never the public group
    assert sent[1]["text"] == "For Sofie (@sofie_mod): Marie: 3 points"


async def test_evidence_attachment_is_sent_as_a_document(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    harness.sink.reply = lambda call: CommandReply(
        ok=True,
        text="Evidence for case #3",
        private=True,
        attachment_name="case-3.zip",
        attachment_bytes=b"PK...",
    )
    fake.push_command(GROUP, ADMIN, "/evidence 3")

    [document] = await fake.wait_for("sendDocument")

    assert document["chat_id"] == ADMIN["id"]
    assert document["document"] == "<file>"
    assert document["caption"] == "Evidence for case #3"


async def test_mod_log_button_becomes_undo_and_is_answered(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    harness.sink.reply = lambda call: CommandReply(ok=True, text="Case #12 undone")
    await adapter.execute(AlertModerators(COMMUNITY, "Case #12 - mute", case_number=12))
    [entry] = fake.calls_to("sendMessage")
    entry_id = max(message_id for chat, message_id in fake.world.messages if chat == MOD_LOG)
    undo = entry["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    fake.push_callback(MOD_LOG, ADMIN, entry_id, undo)

    await harness.sink.wait(commands=1)
    [answered] = await fake.wait_for("answerCallbackQuery")
    [edited] = await fake.wait_for("editMessageText")

    [call] = harness.sink.commands
    assert call.name == "undo"
    assert dict(call.options) == {"case": "12"}
    assert call.invoker.is_platform_admin  # admin of the community's group, not the mod log
    assert answered["text"] == "Case #12 undone"
    assert edited["text"].endswith("undo by Sofie (@sofie_mod): Case #12 undone")


async def test_forged_button_outside_the_mod_log_is_refused(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    message_id = fake.push_message(GROUP, JAN, "hi")
    fake.push_callback(GROUP, JAN, message_id, "pasici:undo:12:sncb")

    [answered] = await fake.wait_for("answerCallbackQuery")

    assert answered["show_alert"] is True
    assert harness.sink.commands == []


async def test_chat_member_update_refreshes_authority(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_command(GROUP, ADMIN, "/status")
    await harness.sink.wait(commands=1)
    fake.push_chat_member(GROUP, ADMIN, "administrator", "member")  # demoted
    fake.push_command(GROUP, ADMIN, "/status")

    await harness.sink.wait(commands=2)

    first, second = harness.sink.commands
    assert first.invoker.is_platform_admin
    assert not second.invoker.is_platform_admin
    assert len(fake.calls_to("getChatMember")) == 2  # the second came from the update, not a call


async def test_offset_is_persisted_so_a_restart_does_not_redeliver(
    harness: Harness, fake: FakeBotApi, offset_file: Path
) -> None:
    store = FileOffsetStore(offset_file)
    await harness.start(offset_store=store)
    fake.push_message(GROUP, JAN, "first")
    fake.push_message(GROUP, JAN, "second")
    await harness.sink.wait(messages=2)
    await wait_until_saved(store, 2)
    await harness.stop()
    fake.unconfirm()  # a crash before Telegram heard of the handled updates
    fake.push_message(GROUP, JAN, "third")

    restarted = TelegramAdapter(make_config(fake), offset_store=FileOffsetStore(offset_file))
    sink = RecordingSink()
    await restarted.start(sink)
    try:
        await sink.wait(messages=1)
        await wait_until_saved(store, 3)
    finally:
        await restarted.stop()

    assert [m.text for m in sink.messages] == ["third"]
    assert (fake.deliveries[1], fake.deliveries[2]) == (2, 2)  # Telegram sent them again


async def test_without_a_saved_offset_a_redelivery_is_handled_again(
    harness: Harness, fake: FakeBotApi
) -> None:
    """The control case: the offset store is what prevents the double delivery above."""
    await harness.start(offset_store=MemoryOffsetStore())
    fake.push_message(GROUP, JAN, "first")
    await harness.sink.wait(messages=1)
    await harness.stop()
    fake.unconfirm()

    await harness.start(offset_store=MemoryOffsetStore())
    await harness.sink.wait(messages=2)

    assert [m.text for m in harness.sink.messages] == ["first", "first"]


async def wait_until_saved(store: FileOffsetStore, update_id: int) -> None:
    """The offset is saved just after the sink returns; give that write a moment."""
    for _ in range(500):
        if await store.load() == update_id:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"offset {update_id} was never saved")


async def test_photo_bytes_can_be_fetched_for_the_image_detector(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.add_file("p1", b"\xff\xd8jpeg-bytes")
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 8, "height": 6, "file_size": 12}]
    fake.push_message(GROUP, JAN, None, photo=photo)
    await harness.sink.wait(messages=1)
    [image] = harness.sink.messages[0].attachments

    assert await adapter.fetch_attachment(image) == b"\xff\xd8jpeg-bytes"
    assert await adapter.fetch_attachment(replace(image, url="tg-file:missing")) is None
    assert await adapter.fetch_attachment(replace(image, size_bytes=10**9)) is None
    assert await adapter.fetch_attachment(replace(image, url="https://elsewhere/x.jpg")) is None
    assert [c["file_id"] for c in fake.calls_to("getFile")] == ["p1", "missing"]


async def test_start_in_a_private_chat_gets_an_explanation(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.world.add_chat({"id": JAN["id"], "type": "private", "first_name": "Jan"})
    fake.push_command(JAN["id"], JAN, "/start")

    [answer] = await fake.wait_for("sendMessage")

    assert answer["chat_id"] == JAN["id"]
    assert "pasici.be" in answer["text"]
    assert harness.sink.commands == []


async def test_it_is_a_platform_adapter(adapter: TelegramAdapter) -> None:
    assert isinstance(adapter, PlatformAdapter)
    assert adapter.platform == "telegram"
    assert Capability.DIRECT_MESSAGE not in adapter.capabilities
    assert {Capability.MUTE, Capability.BAN, Capability.DELETE} <= adapter.capabilities


async def test_a_refused_token_is_a_clear_start_error(fake: FakeBotApi) -> None:
    adapter = TelegramAdapter(make_config(fake, token="999:wrong"))

    with pytest.raises(RuntimeError, match="Telegram refused the bot token"):
        await adapter.start(RecordingSink())

    await adapter.stop()  # nothing running: a no-op


async def test_a_failing_connect_stops_everything(fake: FakeBotApi) -> None:
    fake.fail("getUpdates", 409, "Conflict: terminated by other getUpdates request", times=1)
    fake.fail("deleteWebhook", 409, "Conflict: another bot instance", times=1)
    adapter = TelegramAdapter(make_config(fake))

    with pytest.raises(RuntimeError, match="cannot start the Telegram adapter"):
        await adapter.start(RecordingSink())

    outcome = await adapter.execute(Ban(MemberRef(COMMUNITY, "502"), None))
    assert outcome.retryable  # not started


async def test_starting_twice_is_refused(adapter: TelegramAdapter) -> None:
    with pytest.raises(RuntimeError, match="already started"):
        await adapter.start(RecordingSink())


@pytest.mark.parametrize("fault", ["dropped", "5xx", "429"])
async def test_polling_survives_faults_of_get_updates(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness, fault: str
) -> None:
    await fake.wait_for("getUpdates")
    if fault == "dropped":
        fake.drop("getUpdates")
    elif fault == "5xx":
        fake.fail("getUpdates", 502, "Bad Gateway")
    else:
        fake.fail("getUpdates", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.push_message(GROUP, JAN, "before")  # answers the pending poll; the next one fails
    await harness.sink.wait(messages=1)
    fake.push_message(GROUP, JAN, "after")  # PTB waits ~1 s after the failure, then polls again

    await harness.sink.wait(messages=2, within=10)

    assert [m.text for m in harness.sink.messages] == ["before", "after"]
    assert len(fake.calls_to("getUpdates")) >= 3


async def test_commands_typed_in_the_mod_log_belong_to_its_community(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    fake.push_command(MOD_LOG, ADMIN, "/case 12")
    fake.push_message(MOD_LOG, ADMIN, "chatter between moderators is not judged")

    await harness.sink.wait(commands=1)

    [call] = harness.sink.commands
    assert (call.name, call.community, dict(call.options)) == ("case", COMMUNITY, {"case": "12"})
    assert call.invoker.is_platform_admin  # checked in the community's group
    assert {"chat_id": GROUP, "user_id": ADMIN["id"]} in fake.calls_to("getChatMember")
    assert harness.sink.messages == []


async def test_a_member_who_joins_can_be_targeted_by_username(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    newcomer = {"id": 900, "is_bot": False, "first_name": "Nieuw", "username": "nieuw_lid"}
    fake.push_chat_member(GROUP, newcomer, "left", "member")
    fake.push_command(GROUP, ADMIN, "/warn @nieuw_lid")

    await harness.sink.wait(commands=1)

    target = harness.sink.commands[0].target_user
    assert target is not None
    assert target.user_id == "900"


async def test_comment_under_a_channel_post_is_judged_in_its_thread(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    post = fake.push_message(
        GROUP,
        None,
        "Nieuwe dienstregeling",
        sender_chat={"id": -1009, "type": "channel", "title": "SNCB news"},
        is_automatic_forward=True,
    )
    fake.push_message(GROUP, JAN, "waardeloos bedrijf", reply_to=post, message_thread_id=post)

    await harness.sink.wait(messages=1)

    [comment] = harness.sink.messages  # the channel's own post is not judged
    assert comment.text == "waardeloos bedrijf"
    assert comment.chat.thread_id == str(post)


async def test_a_failing_sink_does_not_stop_the_updates(
    adapter: TelegramAdapter, fake: FakeBotApi, harness: Harness
) -> None:
    delivered: list[str] = []

    async def flaky(message: Message) -> None:
        delivered.append(message.text)
        if message.text == "boom":
            raise RuntimeError("core bug")
        await RecordingSink.on_message(harness.sink, message)

    harness.sink.on_message = flaky  # type: ignore[method-assign]
    fake.push_message(GROUP, JAN, "boom")
    fake.push_message(GROUP, JAN, "after the bug")

    await harness.sink.wait(messages=1)

    assert delivered == ["boom", "after the bug"]
    assert adapter.handled_update_id == fake.last_update_id


async def test_member_status_is_cached_for_a_minute(fake: FakeBotApi) -> None:
    now = [0.0]
    sink = RecordingSink()
    adapter = TelegramAdapter(make_config(fake), monotonic=lambda: now[0])
    await adapter.start(sink)
    try:
        fake.push_command(GROUP, ADMIN, "/status")
        await sink.wait(commands=1)
        now[0] = 59.0
        fake.push_command(GROUP, ADMIN, "/status")
        await sink.wait(commands=2)
        now[0] = 61.0
        fake.push_command(GROUP, ADMIN, "/status")
        await sink.wait(commands=3)
    finally:
        await adapter.stop()

    asked = [c for c in fake.calls_to("getChatMember") if c["user_id"] == ADMIN["id"]]
    assert len(asked) == 2  # at 0 s and again after the 60 s cache expired
