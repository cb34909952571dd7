"""Notice rate limit per channel, capability fallbacks, and the retention purge job."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import Capability, DeleteMessage, Mute, SendNotice, Warn


async def test_notices_are_rate_limited_per_channel(open_channel):
    channel = await open_channel()  # default: 3 notices per minute per channel
    for index in range(5):
        await channel.console.post(f"user{index}", "You are a useless idiot")
    notices = [a for a in channel.console.pop_actions() if isinstance(a, SendNotice)]
    assert len(notices) == 3
    assert len(await channel.app.store.list_cases("demo")) == 5  # every case still recorded
    channel.clock.advance(timedelta(minutes=1, seconds=1))
    await channel.console.post("user9", "You are a useless idiot")
    assert any(isinstance(a, SendNotice) for a in channel.console.pop_actions())


async def test_adapter_without_mute_falls_back_to_delete_and_warn(open_channel):
    channel = await open_channel(
        console_options={"capabilities": frozenset(Capability) - {Capability.MUTE}}
    )
    console, clock = channel.console, channel.clock
    for text in ("You are a useless idiot", "Shut up you stupid moron", "You dumb cow"):
        clock.advance(timedelta(minutes=1))
        await console.post("kevin", text)
    third = console.actions[-4:]
    assert not any(isinstance(a, Mute) for a in console.actions)
    assert any(isinstance(a, DeleteMessage) for a in third)
    assert any(isinstance(a, Warn) for a in third)
    (case,) = [c for c in await channel.app.store.list_cases("demo", "kevin") if c.number == 3]
    assert "mute" in case.reason


async def test_scheduler_purges_message_text_past_retention(open_channel):
    channel = await open_channel()
    await channel.console.post("kevin", "You are a useless idiot")
    assert (await channel.app.store.get_case("demo", 1)).message_text
    channel.clock.advance(timedelta(days=31))  # default message_text retention: 30 days
    await channel.app.scheduler.run_due()
    case = await channel.app.store.get_case("demo", 1)
    assert case.message_text is None
    assert case.category == "insult"  # the case itself stays
