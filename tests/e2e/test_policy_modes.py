"""Dry run, exemptions and the review band, end to end."""

from __future__ import annotations

from adapters.console import ConsoleUser
from bot.records import CaseStatus


async def test_dry_run_records_what_it_would_do_and_does_nothing(open_channel):
    channel = await open_channel(dry_run=True)
    await channel.console.post("offender", "You are a useless idiot")
    assert channel.console.pop_actions() == []
    (case,) = await channel.app.store.list_cases("demo", "offender")
    assert case.shadow
    assert case.action == "notice"
    assert case.category == "insult"


async def test_exempt_channel_and_role_are_never_acted_on(open_channel):
    channel = await open_channel(exemptions={"channels": ["general"], "min_level": 2})
    await channel.console.post("offender", "You are a useless idiot")
    assert channel.console.pop_actions() == []
    assert await channel.app.store.list_cases("demo") == []


async def test_exempt_role(open_channel):
    channel = await open_channel(exemptions={"roles": ["press"], "min_level": 2})
    channel.console._users["journalist"] = ConsoleUser("journalist", roles=("press",))
    await channel.console.post("journalist", "You are a useless idiot")
    assert channel.console.pop_actions() == []
    await channel.console.post("someone", "You are a useless idiot")
    assert channel.console.pop_actions() != []


async def test_moderators_are_exempt_by_level(open_channel):
    channel = await open_channel()
    await channel.console.post("cm", "You are a useless idiot")  # cm has the moderator role
    assert channel.console.pop_actions() == []


async def test_uncertain_verdict_goes_to_review_not_to_action(open_channel):
    # thresholds raised so a clear insult (score 0.98) lands in the review band only
    channel = await open_channel(
        detection={
            "thresholds": {
                "insult": 1.0,
                "hate": 1.0,
                "sexual": 1.0,
                "threat": 1.0,
                "trolling": 1.0,
            },
            "review_low": {"insult": 0.5},
        }
    )
    await channel.console.post("someone", "Vuile idioot, jij")
    actions = channel.console.pop_actions()
    assert [type(a).__name__ for a in actions] == ["AlertModerators"]
    assert actions[0].review
    (case,) = await channel.app.store.list_cases("demo", "someone")
    assert case.status is CaseStatus.REVIEW
    assert case.points == 0
