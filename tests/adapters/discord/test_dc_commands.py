"""Slash commands, context menus and mod-log buttons -> CommandCall -> rendered reply."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from adapters.discord.commands import build_command_payloads
from bot.commands.specs import COMMAND_SPECS
from bot.events import CommandCall, CommandReply
from tests.adapters.discord.fake_discord.payloads import (
    APPLICATION_ID,
    BOT_ID,
    GUILD_ID,
    HELPER_ROLE_ID,
    MOD_LOG_ID,
    MOD_ROLE_ID,
    OWNER_ID,
    TEXT_CHANNEL_ID,
    message_payload,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import RecordingSink

MOD_ID = 610000000000000001
ALICE_ID = 610000000000000002
EPHEMERAL = 64
FOLLOWUP = r"/webhooks/\d+/[^/]+"
CALLBACK = r"/interactions/\d+/[^/]+/callback"


def slash(name: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "1",
        "name": "pasici",
        "type": 1,
        "options": [{"name": name, "type": 1, "options": list(options)}],
    }


@pytest.fixture
def people(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    return {
        "mod": fake.guild.add_member(MOD_ID, "mia", (MOD_ROLE_ID,)),
        "alice": fake.guild.add_member(ALICE_ID, "alice"),
        "helper": fake.guild.add_member(610000000000000003, "hugo", (HELPER_ROLE_ID,)),
    }


async def test_commands_are_synced_per_guild(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    request = fake.requests_to("PUT", f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands")[
        0
    ]
    assert request.json == build_command_payloads()
    group, pas_ici, report = request.json
    assert [sub["name"] for sub in group["options"]] == [spec.name for spec in COMMAND_SPECS]
    assert (pas_ici["name"], pas_ici["type"]) == ("Pas ici", 3)
    assert (report["name"], report["default_member_permissions"]) == ("Report to moderators", None)
    assert group["default_member_permissions"] == str(1 << 13)  # manage messages: helpers and up
    assert adapter.command_sync_failures == {}


def test_required_options_come_first() -> None:
    for sub in build_command_payloads()[0]["options"]:
        required = [option["required"] for option in sub["options"]]
        assert required == sorted(required, reverse=True), sub["name"]


async def test_command_sync_failure_is_recorded(fake: FakeDiscord, sink: RecordingSink) -> None:
    from tests.adapters.discord.conftest import make_config

    fake.inject(
        "PUT", r"/applications/\d+/guilds/\d+/commands", 403, code=50001, message="Missing Access"
    )
    adapter = DiscordAdapter(make_config(fake))
    await adapter.start(sink)
    await adapter.stop()
    assert "403" in adapter.command_sync_failures[GUILD_ID]


async def test_slash_mute_by_a_moderator(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    sink.reply = CommandReply(ok=True, text="Muted alice for 10m (case #3)", case_number=3)
    await fake.interact(
        people["mod"],
        slash(
            "mute",
            {"name": "member", "type": 6, "value": str(ALICE_ID)},
            {"name": "duration", "type": 3, "value": "10m"},
            {"name": "reason", "type": 3, "value": "spam"},
        ),
    )
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    callback = fake.requests_to("POST", CALLBACK)[0]
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}  # deferred, ephemeral
    assert followup.json["content"] == "Muted alice for 10m (case #3)"
    assert followup.json["flags"] == EPHEMERAL
    call: CommandCall = sink.commands[0]
    assert call.name == "mute"
    assert dict(call.options) == {"duration": "10m", "reason": "spam"}
    assert call.invoker.user_id == str(MOD_ID)
    assert call.invoker.roles == (str(MOD_ROLE_ID),)
    assert call.invoker.top_role_position == 2
    assert call.invoker.is_platform_admin is True
    assert call.target_user is not None
    assert call.target_user.user_id == str(ALICE_ID)
    assert call.target_user.top_role_position == 0
    assert call.chat.community == "acme"
    assert call.chat.channel_id == str(TEXT_CHANNEL_ID)


async def test_member_invoker_is_passed_for_the_core_to_refuse(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    sink.reply = CommandReply(ok=False, text="You need the moderator level for this.")
    await fake.interact(
        people["alice"], slash("ban", {"name": "member", "type": 6, "value": str(MOD_ID)})
    )
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    assert followup.json["content"] == "You need the moderator level for this."
    call = sink.commands[0]
    assert call.invoker.is_platform_admin is False
    assert call.invoker.top_role_position == 0
    assert call.target_user is not None
    assert call.target_user.top_role_position == 2  # the core's hierarchy check needs this


async def test_owner_target_is_flagged(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    await fake.interact(
        people["mod"], slash("kick", {"name": "member", "type": 6, "value": str(OWNER_ID)})
    )
    await fake.wait_for_request("POST", FOLLOWUP)
    assert sink.commands[0].target_user is not None
    assert sink.commands[0].target_user.is_owner is True


async def test_acting_on_the_bot_is_refused_in_the_adapter(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    await fake.interact(
        people["mod"], slash("ban", {"name": "member", "type": 6, "value": str(BOT_ID)})
    )
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    assert followup.json["content"] == "I can't act on myself."
    assert sink.commands == []


async def test_context_menu_pas_ici(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    target = message_payload(author=people["alice"], content="t'es nul")
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
    call = sink.commands[0]
    assert call.name == "notice"
    assert call.target_message_id == target["id"]
    assert call.target_message_text == "t'es nul"
    assert call.target_user is not None
    assert call.target_user.user_id == str(ALICE_ID)
    assert call.invoker.roles == (str(HELPER_ROLE_ID),)


async def test_context_menu_report_by_a_member(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    target = message_payload(author=people["mod"], content="hmm")
    await fake.interact(
        people["alice"],
        {
            "id": "3",
            "name": "Report to moderators",
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        },
    )
    await fake.wait_for_request("POST", FOLLOWUP)
    assert sink.commands[0].name == "report"
    assert sink.commands[0].target_user is not None
    assert sink.commands[0].target_user.user_id == str(MOD_ID)


async def test_slash_notice_with_a_message_link_fetches_the_message(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    posted = await fake.post_message(people["alice"], "rude words")
    link = f"https://discord.com/channels/{GUILD_ID}/{TEXT_CHANNEL_ID}/{posted['id']}"
    await fake.interact(
        people["helper"], slash("notice", {"name": "message", "type": 3, "value": link})
    )
    await fake.wait_for_request("POST", FOLLOWUP)
    call = sink.commands[0]
    assert call.target_message_id == posted["id"]
    assert call.target_message_text == "rude words"
    assert call.target_user is not None
    assert call.target_user.user_id == str(ALICE_ID)


@pytest.mark.parametrize(
    ("value", "reply"),
    [
        ("not a link", "Give a message link or a message id."),
        ("123456", "Message not found (deleted, or no access)."),
    ],
)
async def test_slash_notice_with_a_bad_message(
    fake: FakeDiscord,
    adapter: DiscordAdapter,
    sink: RecordingSink,
    people: dict[str, Any],
    value: str,
    reply: str,
) -> None:
    await fake.interact(
        people["helper"], slash("notice", {"name": "message", "type": 3, "value": value})
    )
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    assert followup.json["content"] == reply
    assert sink.commands == []


async def test_mod_log_undo_button(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    sink.reply = CommandReply(ok=True, text="Case #12 undone", case_number=12)
    log_entry = message_payload(author=people["mod"], content="", channel_id=MOD_LOG_ID)
    await fake.interact(
        people["mod"],
        {"custom_id": "pasici:undo:12", "component_type": 2},
        kind=3,
        channel_id=MOD_LOG_ID,
        message=log_entry,
    )
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    call = sink.commands[0]
    assert (call.name, dict(call.options)) == ("undo", {"case": "12"})
    assert call.chat.channel_id == str(MOD_LOG_ID)
    assert followup.json["content"] == "Case #12 undone"


async def test_unknown_interactions_are_left_alone(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    await fake.interact(people["mod"], {"custom_id": "someone-else:1", "component_type": 2}, kind=3)
    await fake.interact(people["mod"], {"id": "9", "name": "other-bot-command", "type": 1})
    await fake.interact(people["mod"], slash("status"))
    await fake.wait_for_request("POST", FOLLOWUP)
    assert len(fake.requests_to("POST", CALLBACK)) == 1
    assert [c.name for c in sink.commands] == ["status"]


async def test_public_reply_with_an_attachment(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    sink.reply = CommandReply(
        ok=True,
        text="Evidence for case #5",
        private=False,
        attachment_name="case-5.zip",
        attachment_bytes=b"PK\x03\x04zip",
    )
    await fake.interact(people["mod"], slash("evidence", {"name": "case", "type": 4, "value": 5}))
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    assert followup.files == (("case-5.zip", b"PK\x03\x04zip"),)
    assert followup.json["content"] == "Evidence for case #5"
    assert not (followup.json.get("flags") or 0) & EPHEMERAL
    assert sink.commands[0].options["case"] == "5"


async def test_a_failing_core_gets_an_error_reply(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink, people: dict[str, Any]
) -> None:
    async def explode(call: CommandCall) -> CommandReply:
        raise RuntimeError("core bug")

    sink.on_command = explode  # type: ignore[method-assign]
    await fake.interact(people["mod"], slash("status"))
    followup = await fake.wait_for_request("POST", FOLLOWUP)
    assert followup.json["content"] == "Internal error: the command failed."
