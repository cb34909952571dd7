"""Platform errors become ActionOutcomes: 403/404 final, 429/5xx/connection retryable."""

from __future__ import annotations

import pytest

from adapters.discord import DiscordAdapter
from bot.actions import Action, Ban, DeleteMessage, Kick, MemberRef, MessageRef, Mute, SendNotice
from bot.clock import FrozenClock
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.fake_discord.payloads import GUILD_ID, TEXT_CHANNEL_ID
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import RecordingSink

USER = 555555555555555555
MEMBER = MemberRef("acme", str(USER))
BAN_PATH = f"/guilds/{GUILD_ID}/bans/{USER}"
KICK_PATH = f"/guilds/{GUILD_ID}/members/{USER}"
NOTICE = SendNotice(
    MessageRef("acme", str(TEXT_CHANNEL_ID), "77", str(USER)), "en", "text", "https://pasici.be"
)


@pytest.mark.parametrize(
    ("action", "method", "path", "permission"),
    [
        (Ban(MEMBER, None), "PUT", BAN_PATH, "Ban Members"),
        (Kick(MEMBER), "DELETE", KICK_PATH, "Kick Members"),
        (NOTICE, "POST", f"/channels/{TEXT_CHANNEL_ID}/messages", "Send Messages + Embed Links"),
        (
            DeleteMessage(MessageRef("acme", str(TEXT_CHANNEL_ID), "77", str(USER))),
            "DELETE",
            f"/channels/{TEXT_CHANNEL_ID}/messages/77",
            "Manage Messages",
        ),
    ],
)
async def test_403_names_the_missing_permission(
    fake: FakeDiscord,
    adapter: DiscordAdapter,
    action: Action,
    method: str,
    path: str,
    permission: str,
) -> None:
    fake.inject(method, path, 403, code=50013, message="Missing Permissions")
    outcome = await adapter.execute(action)
    assert not outcome.ok
    assert not outcome.retryable
    assert f"lacks {permission}" in outcome.detail
    assert "403" in outcome.detail
    assert len(fake.requests_to(method, path)) == 1  # a final error is not retried


async def test_404_member_gone(
    fake: FakeDiscord, adapter: DiscordAdapter, clock: FrozenClock
) -> None:
    from datetime import timedelta

    outcome = await adapter.execute(Mute(MEMBER, clock.now() + timedelta(hours=1)))
    assert not outcome.ok
    assert not outcome.retryable
    assert "member not found" in outcome.detail


async def test_short_429_is_waited_out_by_discord_py(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.inject("PUT", BAN_PATH, 429, retry_after=0.05)
    outcome = await adapter.execute(Ban(MEMBER, None))
    assert outcome.ok
    assert [r.status for r in fake.requests_to("PUT", BAN_PATH)] == [429, 204]


async def test_long_429_comes_back_retryable_without_blocking(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.inject("PUT", BAN_PATH, 429, retry_after=120.0)
    outcome = await adapter.execute(Ban(MEMBER, None))
    assert not outcome.ok
    assert outcome.retryable
    assert outcome.retry_after_seconds == pytest.approx(120.0)
    assert "rate limited" in outcome.detail
    assert len(fake.requests_to("PUT", BAN_PATH)) == 1


async def test_transient_5xx_is_retried_by_our_loop(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.inject("DELETE", KICK_PATH, 503)
    outcome = await adapter.execute(Kick(MEMBER))
    assert outcome.ok
    assert [r.status for r in fake.requests_to("DELETE", KICK_PATH)] == [503, 204]


async def test_persistent_5xx_is_retryable_after_bounded_attempts(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.inject("DELETE", KICK_PATH, 503, times=10)
    outcome = await adapter.execute(Kick(MEMBER))
    assert not outcome.ok
    assert outcome.retryable
    assert "server error (503)" in outcome.detail
    assert "after 3 attempt(s)" in outcome.detail
    assert len(fake.requests_to("DELETE", KICK_PATH)) == 3


async def test_dropped_connection_is_retried(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    fake.inject("DELETE", KICK_PATH, 599)
    outcome = await adapter.execute(Kick(MEMBER))
    assert outcome.ok, outcome.detail
    assert len(fake.requests_to("DELETE", KICK_PATH)) == 2


async def test_connection_errors_become_retryable(fake: FakeDiscord, sink: RecordingSink) -> None:
    adapter = DiscordAdapter(make_config(fake, action_attempts=2))
    await adapter.start(sink)
    try:
        fake.inject("DELETE", KICK_PATH, 599, times=5)
        outcome = await adapter.execute(Kick(MEMBER))
    finally:
        await adapter.stop()
    assert not outcome.ok
    assert outcome.retryable
    assert "connection error" in outcome.detail


async def test_execute_before_start_and_after_stop_is_an_outcome(
    fake: FakeDiscord, sink: RecordingSink
) -> None:
    adapter = DiscordAdapter(make_config(fake))
    before = await adapter.execute(Kick(MEMBER))
    await adapter.start(sink)
    await adapter.stop()
    after = await adapter.execute(Kick(MEMBER))
    for outcome in (before, after):
        assert not outcome.ok
        assert outcome.retryable
        assert "not started" in outcome.detail
    assert fake.requests_to("DELETE", KICK_PATH) == []
