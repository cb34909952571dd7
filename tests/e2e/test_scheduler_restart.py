"""Timed unmute/unban survive restarts, catch up, fire once, and never undo a later ban."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import Unban, Unmute
from bot.clock import FrozenClock


async def test_unmute_due_while_down_fires_once_on_restart(open_channel):
    clock = FrozenClock()
    first = await open_channel(clock=clock)
    assert (await first.console.command("cm", "/mute @kevin 1h")).ok
    await first.app.stop()  # the bot goes down with the mute pending

    clock.advance(timedelta(hours=3))  # the mute fell due while the bot was down
    second = await open_channel(database=first.database, clock=clock)
    unmutes = [a for a in second.console.pop_actions() if isinstance(a, Unmute)]
    assert len(unmutes) == 1  # caught up during start
    assert await second.app.scheduler.run_due() == 0  # and never again
    assert second.console.pop_actions() == []


async def test_restart_before_due_then_fires_at_due_time(open_channel):
    clock = FrozenClock()
    first = await open_channel(clock=clock)
    await first.console.command("cm", "/tempban @kevin 2d")
    await first.app.stop()
    clock.advance(timedelta(days=1))
    second = await open_channel(database=first.database, clock=clock)
    assert not any(isinstance(a, Unban) for a in second.console.pop_actions())
    clock.advance(timedelta(days=1, minutes=1))
    assert await second.app.scheduler.run_due() == 1
    assert [type(a) for a in second.console.pop_actions()] == [Unban]


async def test_expired_tempban_does_not_lift_a_later_permanent_ban(open_channel):
    channel = await open_channel()
    await channel.console.command("cm", "/tempban @kevin 1d")
    await channel.console.command("cm", "/ban @kevin for good now")
    channel.console.pop_actions()
    channel.clock.advance(timedelta(days=2))
    assert await channel.app.scheduler.run_due() == 0
    assert channel.console.pop_actions() == []
    sanction = await channel.app.store.get_sanction("demo", "kevin")
    assert sanction.banned_forever


async def test_shorter_mute_expiry_does_not_lift_a_longer_mute(open_channel):
    channel = await open_channel()
    await channel.console.command("cm", "/mute @kevin 10m")
    channel.clock.advance(timedelta(minutes=1))
    await channel.console.command("cm", "/mute @kevin 1d")
    channel.console.pop_actions()
    channel.clock.advance(timedelta(minutes=15))
    assert await channel.app.scheduler.run_due() == 0
    assert channel.console.can_post("kevin") is not None
    channel.clock.advance(timedelta(days=1))
    assert await channel.app.scheduler.run_due() == 1
    assert channel.console.can_post("kevin") is None


async def test_mute_longer_than_the_platform_cap_is_renewed_until_it_ends(open_channel):
    from bot.actions import Mute

    channel = await open_channel(console_options={"max_mute": timedelta(days=28)})
    console, clock = channel.console, channel.clock
    start = clock.now()
    assert (await console.command("cm", "/mute @kevin 60d long story")).ok
    console.pop_actions()
    renewals = []
    for _ in range(70):  # day by day until the 60 days are over
        clock.advance(timedelta(days=1))
        await channel.app.scheduler.run_due()
        renewals += [a for a in console.pop_actions() if isinstance(a, Mute)]
        if console.can_post("kevin") is None:
            break
    assert len(renewals) == 2  # at ~day 27 and ~day 54
    assert all(a.until == start + timedelta(days=60) for a in renewals)
    assert clock.now() - start == timedelta(days=60)  # free exactly when the mute ends
