"""translate.py: PTB objects -> core events, table-driven (pure: no server, no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import CallbackQuery
from telegram import Message as TgMessage

from adapters.telegram.config import ChatBinding
from adapters.telegram.translate import (
    CallbackAction,
    CommandError,
    callback_data,
    callback_to_command,
    parse_callback_data,
    to_command,
    to_message,
)
from adapters.telegram.users import SeenUsers
from bot.events import AttachmentKind, CommandCall
from tests.adapters.telegram.fake_bot_api import BOT_USERNAME, channel, group, user
from tests.adapters.telegram.fake_bot_api.builders import command_entity

CHAT_ID = -1001000000001
CHAT = group(CHAT_ID, "SNCB riders", username="sncb_riders")
BINDING = ChatBinding("sncb", -1001000000099)
JAN = user(501, "Jan", "jan_p")
MARIE = user(502, "Marie", "marie_l")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
STATUSES = {601: "administrator", 602: "creator", -1009: "administrator"}  # -1009: linked


def tg(text: str | None = "hello", message_id: int = 10, **fields: Any) -> TgMessage:
    data: dict[str, Any] = {
        "message_id": message_id,
        "date": int(WHEN.timestamp()),
        "chat": fields.pop("chat", CHAT),
        "from": fields.pop("sender", JAN),
        **fields,
    }
    if data["from"] is None:
        del data["from"]
    if text is not None:
        data["text"] = text
    return TgMessage.de_json(data, None)


def command(text: str, **fields: Any) -> TgMessage:
    entities = [command_entity(text), *fields.pop("entities", [])]
    return tg(text, entities=entities, **fields)


def parse(message: TgMessage, users: SeenUsers | None = None) -> CommandCall | CommandError | None:
    return to_command(message, BINDING, STATUSES, users or SeenUsers(), BOT_USERNAME, WHEN)


PHOTO = [
    {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 900},
    {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 90000},
]
CHANNEL_POST = {
    "message_id": 5,
    "date": int(WHEN.timestamp()),
    "chat": CHAT,
    "sender_chat": channel(-1009, "SNCB news"),
    "is_automatic_forward": True,
    "text": "New timetable",
}


@pytest.mark.parametrize(
    ("message", "text", "kinds"),
    [
        (tg("plain text"), "plain text", ()),
        (tg(None, caption="look at this", photo=PHOTO), "look at this", (AttachmentKind.IMAGE,)),
        (tg(None, photo=PHOTO), "", (AttachmentKind.IMAGE,)),
        (
            tg(
                None,
                caption="clip",
                video={
                    "file_id": "v",
                    "file_unique_id": "vu",
                    "width": 1,
                    "height": 1,
                    "duration": 3,
                },
            ),
            "clip",
            (AttachmentKind.VIDEO,),
        ),
        (
            tg(
                None,
                caption="scan",
                document={"file_id": "d", "file_unique_id": "du", "mime_type": "image/png"},
            ),
            "scan",
            (AttachmentKind.IMAGE,),
        ),
        (
            tg(
                None,
                caption="report",
                document={"file_id": "d", "file_unique_id": "du", "mime_type": "application/pdf"},
            ),
            "report",
            (AttachmentKind.FILE,),
        ),
    ],
    ids=["text", "photo-caption", "photo-only", "video-caption", "image-document", "pdf"],
)
def test_content_is_text_or_caption_with_media(
    message: TgMessage, text: str, kinds: tuple[AttachmentKind, ...]
) -> None:
    translated = to_message(message, BINDING, STATUSES)

    assert translated is not None
    assert translated.text == text
    assert tuple(a.kind for a in translated.attachments) == kinds


def test_photo_attachment_is_the_largest_size() -> None:
    translated = to_message(tg(None, photo=PHOTO), BINDING, STATUSES)

    assert translated is not None
    [image] = translated.attachments
    assert (image.url, image.size_bytes, image.content_type) == ("tg-file:big", 90000, "image/jpeg")


@pytest.mark.parametrize(
    "message",
    [
        tg(None, new_chat_members=[MARIE]),
        TgMessage.de_json(CHANNEL_POST, None),
        tg("no sender", sender=None),
    ],
    ids=["service-join", "linked-channel-post", "no-sender"],
)
def test_non_member_content_is_not_judged(message: TgMessage) -> None:
    assert to_message(message, BINDING, STATUSES) is None


def test_edited_message_is_marked_and_dated_by_its_edit() -> None:
    edit_time = int(WHEN.timestamp()) + 120
    translated = to_message(tg("edited!", edit_date=edit_time), BINDING, STATUSES, edited=True)

    assert translated is not None
    assert translated.edited
    assert translated.sent_at == datetime.fromtimestamp(edit_time, UTC)
    assert translated.dedup_key.startswith(f"telegram:{CHAT_ID}:10@edit:")


def test_comment_in_a_channel_discussion_group_keeps_its_thread() -> None:
    comment = tg(
        "this company is a joke",
        message_thread_id=5,
        reply_to_message=CHANNEL_POST,
    )

    translated = to_message(comment, BINDING, STATUSES)

    assert translated is not None
    assert translated.chat.thread_id == "5"
    assert translated.reply_to_message_id is None  # the channel post is the thread, not a reply


@pytest.mark.parametrize(
    ("message", "user_id", "admin", "owner", "anonymous"),
    [
        (tg("x"), "501", False, False, False),
        (tg("x", sender=user(601, "Sofie")), "601", True, False, False),
        (tg("x", sender=user(602, "Owner")), "602", True, True, False),
        (
            tg("x", sender=user(1087968824, "Group", "GroupAnonymousBot", True), sender_chat=CHAT),
            str(CHAT_ID),
            True,
            False,
            True,
        ),
        (tg("x", sender_chat=channel(-1007, "Some channel")), "-1007", False, False, False),
        (tg("x", sender_chat=channel(-1009, "SNCB news")), "-1009", True, False, True),
    ],
    ids=["member", "admin", "owner", "anonymous-admin", "posting-as-channel", "linked-channel"],
)
def test_author_flags(
    message: TgMessage, user_id: str, admin: bool, owner: bool, anonymous: bool
) -> None:
    translated = to_message(message, BINDING, STATUSES)

    assert translated is not None
    author = translated.author
    assert (author.user_id, author.is_platform_admin, author.is_owner) == (user_id, admin, owner)
    assert author.is_anonymous_admin is anonymous


def _seen(*users: dict[str, Any]) -> SeenUsers:
    from telegram import User

    seen = SeenUsers()
    for data in users:
        seen.remember(User.de_json(data, None))
    return seen


REPLIED = {
    "message_id": 9,
    "date": int(WHEN.timestamp()),
    "chat": CHAT,
    "from": MARIE,
    "text": "you are all idiots",
}


@pytest.mark.parametrize(
    ("message", "name", "target", "options"),
    [
        (command("/ban", reply_to_message=REPLIED), "ban", "502", {}),
        (
            command("/ban 7d spamming", reply_to_message=REPLIED),
            "ban",
            "502",
            {
                "duration": "7d",
                "reason": "spamming",
            },
        ),
        (
            command("/ban@pasici_test_bot 1h", reply_to_message=REPLIED),
            "ban",
            "502",
            {"duration": "1h"},
        ),
        (
            command("/mute @marie_l 10m insults"),
            "mute",
            "502",
            {
                "duration": "10m",
                "reason": "insults",
            },
        ),
        (command("/mute 502 rude"), "mute", "502", {"reason": "rude"}),
        (command("/pasici", reply_to_message=REPLIED), "notice", "502", {}),
        (
            command("/report spam bot", reply_to_message=REPLIED),
            "report",
            "502",
            {"reason": "spam bot"},
        ),
        (
            command("/pardon @marie_l 2 apologised"),
            "pardon",
            "502",
            {
                "points": "2",
                "reason": "apologised",
            },
        ),
        (
            command("/case #12 wrong category"),
            "case",
            None,
            {
                "case": "12",
                "reason": "wrong category",
            },
        ),
        (command("/config check"), "config", None, {"action": "check"}),
        (
            command("/note @marie_l called back, calm now"),
            "note",
            "502",
            {"text": "called back, calm now"},
        ),
        (command("/status"), "status", None, {}),
    ],
    ids=[
        "ban-reply",
        "ban-reply-duration-reason",
        "ban-addressed",
        "mute-username",
        "mute-user-id",
        "pasici-is-notice",
        "report",
        "pardon-points",
        "case-number",
        "config-choice",
        "note-text",
        "status",
    ],
)
def test_commands_parse_into_command_calls(
    message: TgMessage, name: str, target: str | None, options: dict[str, str]
) -> None:
    parsed = parse(message, _seen(MARIE))

    assert isinstance(parsed, CommandCall)
    assert parsed.name == name
    assert (parsed.target_user.user_id if parsed.target_user else None) == target
    assert dict(parsed.options) == options
    assert parsed.invoker.user_id == "501"
    assert parsed.issued_at == WHEN


def test_reply_target_carries_the_message() -> None:
    parsed = parse(command("/pasici", reply_to_message=REPLIED))

    assert isinstance(parsed, CommandCall)
    assert parsed.target_message_id == "9"
    assert parsed.target_message_text == "you are all idiots"
    assert parsed.target_user is not None
    assert parsed.target_user.display_name == "Marie (@marie_l)"


def test_text_mention_targets_users_without_username() -> None:
    nameless = user(777, "Nameless")
    text = "/warn Nameless"
    mention = {"type": "text_mention", "offset": 6, "length": 8, "user": nameless}

    parsed = parse(command(text, entities=[mention]))

    assert isinstance(parsed, CommandCall)
    assert parsed.target_user is not None
    assert parsed.target_user.user_id == "777"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (command("/ban @stranger"), "I have not seen @stranger"),
        (command("/ban"), "Usage: /ban (reply to them, or @username, or user id)"),
        (command("/report"), "Usage: /report (as a reply to the message)"),
        (command("/case"), "Missing case"),
        (command("/config explode"), "Missing action"),
        (command("/tempban @marie_l"), "Missing duration"),
        (command("/config check now"), "I did not understand 'now'"),
    ],
    ids=[
        "unknown-username",
        "no-target",
        "report-needs-reply",
        "case-missing",
        "bad-choice",
        "tempban-needs-duration",
        "config-extra-words",
    ],
)
def test_bad_commands_get_a_clear_answer(message: TgMessage, expected: str) -> None:
    parsed = parse(message, _seen(MARIE))

    assert isinstance(parsed, CommandError)
    assert expected in parsed.text


@pytest.mark.parametrize(
    "message",
    [
        command("/ban@OtherBot", reply_to_message=REPLIED),
        command("/start"),
        tg("/ban not an entity"),
        tg("ban me", entities=[{"type": "bot_command", "offset": 4, "length": 2}]),
    ],
    ids=["other-bot", "unknown-command", "no-entity", "entity-not-at-start"],
)
def test_not_our_commands_are_not_parsed(message: TgMessage) -> None:
    assert parse(message) is None


def test_reply_to_a_forum_topic_root_is_not_a_target() -> None:
    topic_root = {**REPLIED, "forum_topic_created": {"name": "Delays", "icon_color": 1}}

    parsed = parse(command("/warn", reply_to_message=topic_root))

    assert isinstance(parsed, CommandError)


@pytest.mark.parametrize(
    ("verb", "case", "community", "expected"),
    [
        ("undo", 12, "sncb", "pasici:undo:12:sncb"),
        ("confirm", 3, "x" * 80, "pasici:confirm:3"),
    ],
    ids=["with-community", "community-too-long"],
)
def test_callback_data_fits_telegram_limit(
    verb: str, case: int, community: str, expected: str
) -> None:
    data = callback_data(verb, case, community)

    assert data == expected
    assert len(data.encode()) <= 64
    parsed = parse_callback_data(data)
    assert parsed == CallbackAction(verb, case, community if len(community) < 20 else None)


@pytest.mark.parametrize("data", ["", "other:undo:1", "pasici:delete:1", "pasici:undo:x"])
def test_foreign_callback_data_is_rejected(data: str) -> None:
    assert parse_callback_data(data) is None


def test_callback_becomes_a_command_with_the_case() -> None:
    mod_log = group(-1001000000099, "Mods")
    query = CallbackQuery.de_json(
        {
            "id": "q1",
            "from": user(601, "Sofie"),
            "chat_instance": "c",
            "data": "pasici:undo:12:sncb",
            "message": {"message_id": 77, "date": 0, "chat": mod_log, "text": "Case #12"},
        },
        None,
    )
    action = parse_callback_data(query.data or "")
    assert action is not None

    call = callback_to_command(query, "sncb", STATUSES, action, WHEN)

    assert call.name == "undo"
    assert dict(call.options) == {"case": "12"}
    assert call.chat.channel_id == "-1001000000099"
    assert call.invoker.is_platform_admin
