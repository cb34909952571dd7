"""execute.py through the real discord.py client: each action's REST request and outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.discord import DiscordAdapter
from bot.actions import (
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
from bot.clock import FrozenClock
from bot.records import CaseRecord, CaseStatus
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.fake_discord.payloads import (
    GUILD_ID,
    MOD_LOG_ID,
    MUTE_ROLE_ID,
    TEXT_CHANNEL_ID,
    THREAD_ID,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import RecordingSink

USER = 444444444444444444
MEMBER = MemberRef("acme", str(USER), "alice")
CHANNEL = f"/channels/{TEXT_CHANNEL_ID}/messages"
MEMBER_PATH = f"/guilds/{GUILD_ID}/members/{USER}"


@pytest.fixture(autouse=True)
def _alice(fake: FakeDiscord) -> None:
    fake.guild.add_member(USER, "alice")


def ref(message_id: int = 5555, thread: int | None = None) -> MessageRef:
    return MessageRef(
        "acme", str(TEXT_CHANNEL_ID), str(message_id), str(USER), str(thread) if thread else None
    )


@pytest.mark.parametrize(
    ("lang", "title", "label"),
    [
        ("nl", "Niet hier", "Lees het charter"),
        ("fr", "Pas ici", "Lire la charte"),
        ("en", "Not here", "Read the charter"),
        ("de", "Nicht hier", "Charta lesen"),
        ("fr-BE", "Pas ici", "Lire la charte"),
        ("xx", "Not here", "Read the charter"),
    ],
)
async def test_notice_is_an_embed_reply_with_charter_button(
    fake: FakeDiscord, adapter: DiscordAdapter, lang: str, title: str, label: str
) -> None:
    action = SendNotice(ref(), lang, "Pas ici: be kind.", "https://pasici.be/fr", case_number=3)
    outcome = await adapter.execute(action)
    assert outcome.ok, outcome.detail
    request = fake.requests_to("POST", CHANNEL)[-1]
    embed = request.json["embeds"][0]
    assert embed["title"] == title
    assert embed["description"] == "Pas ici: be kind."
    assert embed["footer"]["text"].endswith("#3")
    assert request.json["message_reference"]["message_id"] == 5555
    assert request.json["message_reference"]["fail_if_not_exists"] is False
    button = request.json["components"][0]["components"][0]
    assert (button["style"], button["label"], button["url"]) == (5, label, "https://pasici.be/fr")


async def test_notice_in_thread_goes_to_the_thread(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    outcome = await adapter.execute(
        SendNotice(ref(thread=THREAD_ID), "en", "t", "https://pasici.be")
    )
    assert outcome.ok
    assert fake.requests_to("POST", f"/channels/{THREAD_ID}/messages")


async def test_delete_and_already_deleted(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    author = fake.guild.members[USER]
    posted = await fake.post_message(author, "bad words")
    message_id = int(posted["id"])
    first = await adapter.execute(DeleteMessage(ref(message_id), reason="insult"))
    second = await adapter.execute(DeleteMessage(ref(message_id)))
    assert first.ok
    assert (
        fake.requests_to("DELETE", f"{CHANNEL}/{message_id}")[0].headers["X-Audit-Log-Reason"]
        == "insult"
    )
    assert not second.ok
    assert not second.retryable
    assert "message already deleted" in second.detail


async def test_warn_posts_in_channel_and_tries_a_dm(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    outcome = await adapter.execute(Warn(MEMBER, str(TEXT_CHANNEL_ID), "nl", "Waarschuwing"))
    assert outcome.ok
    assert fake.requests_to("POST", CHANNEL)[-1].json["content"] == f"<@{USER}> Waarschuwing"
    assert fake.requests_to("POST", "/users/@me/channels")[0].json == {"recipient_id": USER}
    assert "DM sent" in outcome.detail


async def test_warn_with_closed_dms_still_succeeds(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.inject(
        "POST", "/users/@me/channels", 403, code=50007, message="Cannot send messages to this user"
    )
    outcome = await adapter.execute(Warn(MEMBER, str(TEXT_CHANNEL_ID), "en", "Warned"))
    assert outcome.ok
    assert "DM not delivered" in outcome.detail


async def test_mute_is_a_timeout(
    fake: FakeDiscord, adapter: DiscordAdapter, clock: FrozenClock
) -> None:
    until = clock.now() + timedelta(hours=1)
    outcome = await adapter.execute(Mute(MEMBER, until, reason="repeat"))
    assert outcome.ok
    body = fake.requests_to("PATCH", MEMBER_PATH)[0].json
    assert body == {"communication_disabled_until": until.isoformat()}
    assert "timed out until" in outcome.detail


async def test_mute_longer_than_28_days_is_capped(
    fake: FakeDiscord, adapter: DiscordAdapter, clock: FrozenClock
) -> None:
    until = clock.now() + timedelta(days=40)
    outcome = await adapter.execute(Mute(MEMBER, until))
    assert outcome.ok
    sent = fake.requests_to("PATCH", MEMBER_PATH)[0].json["communication_disabled_until"]
    assert sent < (clock.now() + timedelta(days=28)).isoformat()
    assert sent > (clock.now() + timedelta(days=27, hours=23)).isoformat()
    assert "scheduler re-applies" in outcome.detail
    assert outcome.applied_until is not None
    assert outcome.applied_until.isoformat() == sent  # the core renews from this end


async def test_mute_within_28_days_reports_no_cap(
    fake: FakeDiscord, adapter: DiscordAdapter, clock: FrozenClock
) -> None:
    outcome = await adapter.execute(Mute(MEMBER, clock.now() + timedelta(days=3)))
    assert outcome.ok
    assert outcome.applied_until is None


async def test_mute_in_the_past_is_refused(adapter: DiscordAdapter, clock: FrozenClock) -> None:
    outcome = await adapter.execute(Mute(MEMBER, clock.now() - timedelta(minutes=1)))
    assert not outcome.ok
    assert "in the past" in outcome.detail


async def test_mute_role_when_configured(
    fake: FakeDiscord, sink: RecordingSink, clock: FrozenClock
) -> None:
    from adapters.discord import GuildConfig

    config = make_config(
        fake, guilds={GUILD_ID: GuildConfig("acme", MOD_LOG_ID, mute_role_id=MUTE_ROLE_ID)}
    )
    adapter = DiscordAdapter(config, clock=clock)
    await adapter.start(sink)
    try:
        muted = await adapter.execute(Mute(MEMBER, clock.now() + timedelta(days=60)))
        unmuted = await adapter.execute(Unmute(MEMBER))
    finally:
        await adapter.stop()
    role_path = f"{MEMBER_PATH}/roles/{MUTE_ROLE_ID}"
    assert muted.ok
    assert "mute role" in muted.detail
    assert len(fake.requests_to("PUT", role_path)) == 1
    assert unmuted.ok
    assert len(fake.requests_to("DELETE", role_path)) == 1


async def test_unmute_clears_the_timeout(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    outcome = await adapter.execute(Unmute(MEMBER, reason="appeal"))
    assert outcome.ok
    assert fake.requests_to("PATCH", MEMBER_PATH)[0].json == {"communication_disabled_until": None}


async def test_kick(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    outcome = await adapter.execute(Kick(MEMBER, reason="spam"))
    assert outcome.ok
    assert fake.requests_to("DELETE", MEMBER_PATH)[0].headers["X-Audit-Log-Reason"] == "spam"


async def test_ban_sends_the_farewell_dm_first(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    outcome = await adapter.execute(
        Ban(MEMBER, None, reason="threat", purge_seconds=3600, farewell="Case #4: appeal at ...")
    )
    assert outcome.ok
    paths = [(r.method, r.path) for r in fake.requests]
    dm_index = paths.index(("POST", "/users/@me/channels"))
    ban_index = paths.index(("PUT", f"/guilds/{GUILD_ID}/bans/{USER}"))
    assert dm_index < ban_index
    assert paths[dm_index + 1][0] == "POST"  # the DM message itself, still before the ban
    assert dm_index + 1 < ban_index
    assert fake.requests[ban_index].query == {"delete_message_seconds": "3600"}
    assert "for good" in outcome.detail
    assert "DM sent" in outcome.detail


async def test_temp_ban_and_purge_cap(
    fake: FakeDiscord, adapter: DiscordAdapter, clock: FrozenClock
) -> None:
    until = clock.now() + timedelta(days=3)
    outcome = await adapter.execute(Ban(MEMBER, until, purge_seconds=30 * 24 * 3600))
    assert outcome.ok
    ban = fake.requests_to("PUT", f"/guilds/{GUILD_ID}/bans/{USER}")[0]
    assert ban.query == {"delete_message_seconds": str(7 * 24 * 3600)}
    assert "scheduler lifts it" in outcome.detail
    assert "capped" in outcome.detail
    assert not fake.requests_to("POST", "/users/@me/channels")  # no farewell given, no DM


async def test_unban_and_unban_when_not_banned(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    fake.bans.add(USER)
    first = await adapter.execute(Unban(MEMBER))
    second = await adapter.execute(Unban(MEMBER))
    assert first.ok
    assert "unbanned" in first.detail
    assert second.ok
    assert "was not banned" in second.detail


def _case() -> CaseRecord:
    from datetime import UTC, datetime

    return CaseRecord(
        id=1,
        community="acme",
        number=12,
        platform="discord",
        user_id=str(USER),
        user_name="alice",
        action="mute",
        actor="bot",
        reason="insult at a person",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
        status=CaseStatus.OPEN,
        category="insult",
        score=0.93,
        lang="fr",
        message_text="t'es un idiot",
        message_link="https://discord.com/channels/1/2/3",
        spans=((8, 13, "insult"),),
    )


async def test_alert_posts_embed_with_buttons(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    outcome = await adapter.execute(
        AlertModerators("acme", "Muted alice for 1h", case_number=12, case=_case())
    )
    assert outcome.ok
    request = fake.requests_to("POST", f"/channels/{MOD_LOG_ID}/messages")[0]
    embed = request.json["embeds"][0]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert embed["title"] == "Moderation case #12"
    assert fields["Who"] == f"<@{USER}> (alice)"
    assert fields["What"] == "t'es un idiot"
    assert fields["Why"] == "insult at a person"
    assert fields["Matched"] == '"idiot" (insult)'
    assert fields["Score"] == "0.93"
    assert fields["Language"] == "fr"
    assert fields["Message"] == "https://discord.com/channels/1/2/3"
    buttons = request.json["components"][0]["components"]
    assert [b["custom_id"] for b in buttons] == [
        "pasici:confirm:12",
        "pasici:undo:12",
        "pasici:escalate:12",
    ]


async def test_review_alert_without_case_has_no_buttons(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    outcome = await adapter.execute(
        AlertModerators("acme", "Please look", review=True, message=ref())
    )
    assert outcome.ok
    request = fake.requests_to("POST", f"/channels/{MOD_LOG_ID}/messages")[0]
    assert request.json["embeds"][0]["title"] == "Review needed"
    assert not request.json.get("components")


@pytest.mark.parametrize(
    ("action", "detail"),
    [
        (AlertModerators("other", "x"), "community 'other' has no Discord guild"),
        (Kick(MemberRef("acme", "not-a-number")), "invalid Discord user id 'not-a-number'"),
        (DeleteMessage(MessageRef("acme", "abc", "1", "2")), "invalid Discord channel id 'abc'"),
    ],
)
async def test_bad_targets_are_refused_clearly(
    adapter: DiscordAdapter, action: object, detail: str
) -> None:
    outcome = await adapter.execute(action)  # type: ignore[arg-type]
    assert not outcome.ok
    assert not outcome.retryable
    assert detail in outcome.detail


async def test_alert_without_mod_log_channel(fake: FakeDiscord, sink: RecordingSink) -> None:
    from adapters.discord import GuildConfig

    adapter = DiscordAdapter(make_config(fake, guilds={GUILD_ID: GuildConfig("acme")}))
    await adapter.start(sink)
    try:
        outcome = await adapter.execute(AlertModerators("acme", "x"))
    finally:
        await adapter.stop()
    assert not outcome.ok
    assert "no mod-log channel configured" in outcome.detail
