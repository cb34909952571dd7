"""translate.py: discord.py objects (built from wire payloads, no network) -> core events."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord.adapter import build_intents
from adapters.discord.config import DiscordAdapterConfig, GuildConfig
from adapters.discord.translate import (
    InteractionRequest,
    message_from_discord,
    parse_button_custom_id,
    parse_interaction_data,
    parse_message_reference,
    skip_reason,
)
from bot.events import AttachmentKind
from tests.adapters.discord.fake_discord.payloads import (
    EXEMPT_CHANNEL_ID,
    FORUM_ID,
    FORUM_POST_ID,
    GUILD_ID,
    HELPER_ROLE_ID,
    MOD_ROLE_ID,
    OWNER_ID,
    TEXT_CHANNEL_ID,
    THREAD_ID,
    FakeGuild,
    attachment_payload,
    member_payload,
    message_payload,
)

CONFIG = DiscordAdapterConfig(
    "token",
    guilds={GUILD_ID: GuildConfig("acme")},
    exempt_channel_ids=frozenset({EXEMPT_CHANNEL_ID}),
)
ALICE = member_payload(111111111111111111, "alice")
MOD = member_payload(222222222222222222, "mia", (MOD_ROLE_ID, HELPER_ROLE_ID))
OWNER = member_payload(OWNER_ID, "owner")
BOT = member_payload(333333333333333333, "otherbot", bot=True)


@pytest.fixture(scope="module")
def state() -> Any:
    client = discord.Client(intents=build_intents(CONFIG))
    state = client._connection
    state._add_guild(discord.Guild(data=FakeGuild().create_payload(), state=state))
    return state


def build(state: Any, payload: dict[str, Any]) -> discord.Message:
    guild = state._get_guild(int(payload["guild_id"])) if "guild_id" in payload else None
    channel_id = int(payload["channel_id"])
    channel = guild.get_channel_or_thread(channel_id) if guild else None
    if channel is None:
        guild_id = guild.id if guild else None
        channel = discord.PartialMessageable(state=state, id=channel_id, guild_id=guild_id)
    return discord.Message(state=state, channel=channel, data=payload)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (message_payload(author=ALICE, content="hi"), None),
        (message_payload(author=ALICE, content="hi", guild_id=None), "direct message"),
        (message_payload(author=BOT, content="beep"), "bot author"),
        (message_payload(author=ALICE, content="x", webhook_id=42), "webhook message"),
        (
            message_payload(author=ALICE, content="x", channel_id=EXEMPT_CHANNEL_ID),
            "exempt channel",
        ),
        (message_payload(author=ALICE, content="x", kind=7), "system message (new_member)"),
    ],
)
def test_skip_reason(state: Any, payload: dict[str, Any], reason: str | None) -> None:
    message = build(state, payload)
    assert skip_reason(message, CONFIG) == reason
    assert (message_from_discord(message, CONFIG) is None) is (reason is not None)


def test_uncached_channel_is_still_watched(state: Any) -> None:
    unknown_channel = 810_000_000_000_000_099
    payload = message_payload(author=ALICE, content="hi", channel_id=unknown_channel)
    message = message_from_discord(build(state, payload), CONFIG)
    assert message is not None
    assert (message.chat.channel_id, message.chat.thread_id) == (str(unknown_channel), None)


def test_exempt_roles_are_skipped(state: Any) -> None:
    config = DiscordAdapterConfig(
        "token", guilds={GUILD_ID: GuildConfig("acme")}, exempt_role_ids=frozenset({MOD_ROLE_ID})
    )
    assert skip_reason(build(state, message_payload(author=MOD, content="x")), config) == (
        "exempt role"
    )
    assert skip_reason(build(state, message_payload(author=ALICE, content="x")), config) is None


def test_unconfigured_guild_is_skipped(state: Any) -> None:
    other = DiscordAdapterConfig("token", guilds={GUILD_ID + 1: GuildConfig("other")})
    message = build(state, message_payload(author=ALICE, content="x"))
    assert skip_reason(message, other) == f"guild {GUILD_ID} is not configured"


def test_bots_and_webhooks_are_kept_when_configured(state: Any) -> None:
    config = DiscordAdapterConfig(
        "token", guilds={GUILD_ID: GuildConfig("acme")}, ignore_bots=False, ignore_webhooks=False
    )
    assert message_from_discord(build(state, message_payload(author=BOT, content="b")), config)
    hook = message_payload(author=ALICE, content="w", webhook_id=42)
    assert message_from_discord(build(state, hook), config) is not None


@pytest.mark.parametrize(
    ("channel_id", "expected_channel", "expected_thread"),
    [
        (TEXT_CHANNEL_ID, str(TEXT_CHANNEL_ID), None),
        (THREAD_ID, str(TEXT_CHANNEL_ID), str(THREAD_ID)),
        (FORUM_POST_ID, str(FORUM_ID), str(FORUM_POST_ID)),
    ],
)
def test_channels_threads_and_forum_posts(
    state: Any, channel_id: int, expected_channel: str, expected_thread: str | None
) -> None:
    payload = message_payload(author=ALICE, content="hello", channel_id=channel_id)
    message = message_from_discord(build(state, payload), CONFIG)
    assert message is not None
    assert message.chat.channel_id == expected_channel
    assert message.chat.thread_id == expected_thread
    assert message.chat.community == "acme"
    assert message.chat.platform_community_id == str(GUILD_ID)
    assert message.link.endswith(f"/{GUILD_ID}/{channel_id}/{payload['id']}")


@pytest.mark.parametrize(
    ("member", "roles", "position", "owner", "admin"),
    [
        (ALICE, (), 0, False, False),
        (MOD, (str(MOD_ROLE_ID), str(HELPER_ROLE_ID)), 2, False, True),
        (OWNER, (), 0, True, True),
    ],
)
def test_author_fields(
    state: Any,
    member: dict[str, Any],
    roles: tuple[str, ...],
    position: int,
    owner: bool,
    admin: bool,
) -> None:
    message = message_from_discord(
        build(state, message_payload(author=member, content="x")), CONFIG
    )
    assert message is not None
    author = message.author
    assert author.user_id == member["user"]["id"]
    assert set(author.roles) == set(roles)
    assert author.top_role_position == position
    assert author.is_owner is owner
    assert author.is_platform_admin is admin
    assert author.is_bot is False


def test_attachments_reply_and_edit(state: Any) -> None:
    payload = message_payload(
        author=ALICE,
        content="look",
        attachments=[
            attachment_payload("cat.png", "image/png", 2048),
            attachment_payload("clip.mp4", "video/mp4"),
            attachment_payload("notes.txt", "text/plain"),
        ],
        reply_to=123,
    )
    message = message_from_discord(build(state, payload), CONFIG, edited=True)
    assert message is not None
    assert [a.kind for a in message.attachments] == [
        AttachmentKind.IMAGE,
        AttachmentKind.VIDEO,
        AttachmentKind.FILE,
    ]
    assert message.attachments[0].filename == "cat.png"
    assert message.attachments[0].size_bytes == 2048
    assert message.reply_to_message_id == "123"
    assert message.edited is True
    assert message.dedup_key.startswith(f"discord:{TEXT_CHANNEL_ID}:{payload['id']}@edit:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123", (None, 123)),
        (" 456 ", (None, 456)),
        ("https://discord.com/channels/1/22/333", (22, 333)),
        ("https://discord.com/channels/1/22/333/", (22, 333)),
        ("not a link", None),
        ("", None),
    ],
)
def test_parse_message_reference(text: str, expected: tuple[int | None, int] | None) -> None:
    assert parse_message_reference(text) == expected


def _sub(name: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "pasici",
        "type": 1,
        "options": [{"name": name, "type": 1, "options": list(options)}],
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_sub("status"), InteractionRequest("status")),
        (
            _sub(
                "mute",
                {"name": "member", "type": 6, "value": "42"},
                {"name": "duration", "type": 3, "value": "10m"},
                {"name": "reason", "type": 3, "value": "spam"},
            ),
            InteractionRequest("mute", {"duration": "10m", "reason": "spam"}, target_user_id=42),
        ),
        (
            _sub("case", {"name": "case", "type": 4, "value": 7}),
            InteractionRequest("case", {"case": "7"}),
        ),
        (
            _sub(
                "notice",
                {"name": "message", "type": 3, "value": "https://discord.com/channels/1/2/3"},
            ),
            InteractionRequest("notice", target_channel_id=2, target_message_id=3),
        ),
        (
            _sub("report", {"name": "message", "type": 3, "value": "garbage"}),
            InteractionRequest("report", {"message": "garbage"}),
        ),
        (
            {
                "name": "Pas ici",
                "type": 3,
                "target_id": "55",
                "resolved": {
                    "messages": {
                        "55": {"channel_id": "9", "content": "you idiot", "author": {"id": "77"}}
                    }
                },
            },
            InteractionRequest(
                "notice",
                target_message_id=55,
                target_channel_id=9,
                target_message_text="you idiot",
                target_author_id=77,
            ),
        ),
        (
            {"name": "Report to moderators", "type": 3, "target_id": "5"},
            InteractionRequest("report", target_message_id=5),
        ),
        ({"name": "othercommand", "type": 1}, None),
        ({"name": "pasici", "type": 1, "options": []}, None),
    ],
)
def test_parse_interaction_data(data: dict[str, Any], expected: InteractionRequest | None) -> None:
    assert parse_interaction_data(data, "pasici") == expected


@pytest.mark.parametrize(
    ("custom_id", "expected"),
    [
        ("pasici:undo:12", ("undo", 12)),
        ("pasici:confirm:1", ("confirm", 1)),
        ("pasici:escalate:99", ("escalate", 99)),
        ("pasici:ban:12", None),
        ("pasici:undo:x", None),
        ("other:undo:12", None),
        ("pasici:undo", None),
    ],
)
def test_parse_button_custom_id(custom_id: str, expected: tuple[str, int] | None) -> None:
    assert parse_button_custom_id(custom_id) == expected
