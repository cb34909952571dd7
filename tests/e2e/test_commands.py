"""Moderator and admin commands through the console: permissions on every call, effects."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.actions import Ban, Mute, SendNotice, Unban, Unmute, Warn
from bot.records import CaseStatus


@pytest.mark.parametrize(
    ("user", "line", "refusal"),
    [
        ("anna", "/ban @kevin", "needs the moderator level"),
        ("anna", "/mute @kevin 10m", "needs the moderator level"),
        ("helper", "/ban @kevin", "needs the moderator level"),
        ("anna", "/strikes @kevin", "needs the helper level"),
        ("cm", "/config reload", "needs the admin level"),
        ("cm", "/ban @cm", "yourself"),
        ("cm", "/ban @admin", "owner"),
        ("cm", "/mute @helper", "top role is equal to or above"),
    ],
)
async def test_refusals(open_channel, user, line, refusal):
    channel = await open_channel()
    if user == "cm" and line.endswith("@helper"):
        # a moderator whose top role is below the helper's (platform hierarchy)
        from adapters.console import ConsoleUser

        channel.console._users["cm"] = ConsoleUser("cm", roles=("moderator",), top_role_position=2)
    reply = await channel.console.command(user, line)
    assert not reply.ok
    assert refusal in reply.text
    assert channel.console.pop_actions() == []
    audit = await channel.app.store.list_audit("demo")
    assert any(entry.detail.startswith("refused") for entry in audit)


async def test_notice_command_is_the_community_managers_gesture(open_channel):
    channel = await open_channel()
    message = await channel.console.post(
        "kevin", "Het is de derde keer deze week dat de bus niet komt, echt"
    )
    assert channel.console.pop_actions() == []  # criticism: the bot leaves it
    reply = await channel.console.command("helper", f"/notice #{message.message_id}")
    assert reply.ok
    (notice,) = channel.console.pop_actions()
    assert isinstance(notice, SendNotice)
    assert notice.lang == "nl"
    assert notice.message.message_id == message.message_id
    assert await channel.app.store.active_points("demo", "kevin", channel.clock.now()) == 1


async def test_mute_unmute_ban_tempban_unban(open_channel):
    channel = await open_channel()
    console, clock = channel.console, channel.clock
    assert (await console.command("cm", "/mute @kevin 2h spam")).ok
    (mute,) = console.pop_actions()
    assert isinstance(mute, Mute)
    assert mute.until == clock.now() + timedelta(hours=2)
    assert (await console.command("cm", "/unmute @kevin")).ok
    assert isinstance(console.pop_actions()[0], Unmute)
    assert (await console.command("cm", "/tempban @kevin 7d raid")).ok
    (ban,) = console.pop_actions()
    assert isinstance(ban, Ban)
    assert ban.until == clock.now() + timedelta(days=7)
    assert (await console.command("cm", "/unban @kevin")).ok
    assert isinstance(console.pop_actions()[0], Unban)
    reply = await console.command("cm", "/mute @kevin forever")
    assert not reply.ok
    assert "/ban" in reply.text


async def test_warn_pardon_strikes_note_case(open_channel):
    channel = await open_channel()
    console = channel.console
    await console.command("cm", "/warn @kevin rude")
    assert isinstance(console.pop_actions()[0], Warn)
    await console.command("cm", "/note @kevin has been rude before on Facebook")
    strikes = await console.command("helper", "/strikes @kevin")
    assert "1 active point" in strikes.text
    assert "has been rude before" in strikes.text
    pardon = await console.command("cm", "/pardon @kevin")
    assert "Removed 1 point" in pardon.text
    shown = await console.command("helper", "/case 1")
    assert "Case #1 - warn" in shown.text
    refused = await console.command("helper", "/case 1 new reason")
    assert not refused.ok
    edited = await console.command("cm", "/case 1 insulted the driver")
    assert edited.ok
    assert (await channel.app.store.get_case("demo", 1)).reason == "insulted the driver"
    missing = await console.command("helper", "/case 99")
    assert "no case #99" in missing.text


async def test_undo_lifts_the_sanction_and_marks_a_false_positive(open_channel):
    channel = await open_channel()
    console, store, clock = channel.console, channel.app.store, channel.clock
    for text in ("You are a useless idiot", "Shut up you stupid moron", "You're a pathetic clown"):
        clock.advance(timedelta(minutes=1))
        await console.post("kevin", text)
    assert console.can_post("kevin") is not None  # muted at the third step
    console.pop_actions()
    reply = await console.command("cm", "/undo 3")
    assert reply.ok
    assert any(isinstance(a, Unmute) for a in console.pop_actions())
    case = await store.get_case("demo", 3)
    assert case.status is CaseStatus.UNDONE
    assert await store.active_points("demo", "kevin", clock.now()) == 2  # only case 3's point
    assert console.can_post("kevin") is None
    again = await console.command("cm", "/undo 3")
    assert not again.ok


async def test_escalate_and_confirm(open_channel):
    channel = await open_channel()
    await channel.console.post("kevin", "You are a useless idiot")
    channel.console.pop_actions()
    assert (await channel.console.command("cm", "/confirm 1")).ok
    assert (await channel.app.store.get_case("demo", 1)).status is CaseStatus.CONFIRMED
    reply = await channel.console.command("cm", "/escalate 1")
    assert reply.ok
    assert any(isinstance(a, Warn) for a in channel.console.pop_actions())


async def test_evidence_bundle_puts_the_case_under_legal_hold(open_channel):
    channel = await open_channel()
    await channel.console.post("stranger", "I know where you live. I will burn your office down.")
    reply = await channel.console.command("cm", "/evidence 1")
    assert reply.ok
    bundle = json.loads(reply.attachment_bytes)
    assert bundle["content"]["case"]["category"] == "threat"
    assert bundle["content"]["case"]["message_text"].startswith("I know where you live")
    assert len(bundle["sha256_of_content"]) == 64
    assert (await channel.app.store.get_case("demo", 1)).legal_hold


async def test_member_report_reaches_the_moderators(open_channel):
    channel = await open_channel()
    message = await channel.console.post("kevin", "some borderline remark")
    reply = await channel.console.command("anna", f"/report #{message.message_id}")
    assert reply.ok
    (alert,) = channel.console.pop_actions()
    assert alert.review
    assert "Reported by anna" in alert.text


async def test_status(open_channel):
    channel = await open_channel()
    await channel.console.post("anna", "hello")
    reply = await channel.console.command("helper", "/status")
    assert "Messages judged since start: 1" in reply.text
