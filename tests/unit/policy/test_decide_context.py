"""decide: exemptions, overrides, capability fallbacks, sanctions in force, language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.actions import (
    REQUIRED_CAPABILITY,
    AlertModerators,
    Capability,
    Kick,
    Mute,
    SendNotice,
    Warn,
)
from bot.decisions import MemberHistory
from bot.events import Author
from bot.pipeline.policy import decide
from bot.records import SanctionState
from tests.unit.policy.helpers import ALL, JAN, NOW, classified, kinds, make_message, make_policy

EXEMPTING = make_policy(
    exemptions={"channels": ["staff"], "roles": ["Agent"], "users": ["u7"], "min_level": 2},
    moderators={"roles": {"Mods": "moderator", "Helpers": 1}},
)


@pytest.mark.parametrize(
    ("author", "channel", "thread", "reason"),
    [
        (JAN, "staff", None, "channel staff is exempt"),
        (JAN, "general", "staff", "channel staff is exempt"),
        (Author("u2", "An", roles=("Agent",)), "general", None, "role Agent is exempt"),
        (Author("u7", "Bo"), "general", None, "user u7 is exempt"),
        (Author("u3", "Cy", roles=("Mods",)), "general", None, "moderator level 2 is exempt"),
        (Author("u4", "Di", is_platform_admin=True), "general", None, "moderator level 2"),
        (Author("u5", "Ed", is_owner=True), "general", None, "moderator level 3"),
    ],
)
def test_exemptions_allow_with_a_reason(
    author: Author, channel: str, thread: str | None, reason: str
) -> None:
    message = make_message(author, channel, thread)
    decision = decide(message, classified(threat=0.99), MemberHistory(), EXEMPTING, ALL, NOW)
    assert not decision.open_case
    assert decision.actions == ()
    assert decision.exempt_reason.startswith(reason)


def test_helpers_below_min_level_are_not_exempt() -> None:
    helper = Author("u6", "Fa", roles=("Helpers",))
    decision = decide(
        make_message(helper), classified(insult=0.9), MemberHistory(), EXEMPTING, ALL, NOW
    )
    assert decision.open_case
    assert decision.exempt_reason == ""


def test_min_level_none_exempts_nobody_by_level() -> None:
    policy = make_policy(exemptions={"min_level": None})
    owner = Author("u5", "Ed", is_owner=True)
    decision = decide(
        make_message(owner), classified(insult=0.9), MemberHistory(), policy, ALL, NOW
    )
    assert decision.open_case


OVERRIDES = make_policy(
    overrides=[
        {"when": {"channels": ["off-topic"]}, "set": {"thresholds": {"trolling": 0.97}}},
        {"when": {"channels": ["pilot"], "not": {"roles": ["Verified"]}}, "set": {"dry_run": True}},
        {"when": {"any": [{"roles": ["Partner"]}, {"users": ["u9"]}]},
         "set": {"disabled_categories": ["trolling"]}},
        {"when": {"all": [{"channels": ["quiet"]}, {"roles": ["Bot-tester"]}]},
         "set": {"exempt": True}},
        {"when": {"min_level": 1}, "set": {"thresholds": {"insult": 0.95}}},
    ],
    moderators={"roles": {"Helpers": "helper"}},
)  # fmt: skip


@pytest.mark.parametrize(
    ("author", "channel", "scores", "expected"),
    [
        (JAN, "off-topic", {"trolling": 0.95}, "allow"),  # threshold raised there
        (JAN, "off-topic", {"trolling": 0.98}, "act"),
        (JAN, "general", {"trolling": 0.95}, "act"),
        (JAN, "pilot", {"insult": 0.9}, "shadow"),  # not verified -> dry run
        (Author("u2", "An", roles=("Verified",)), "pilot", {"insult": 0.9}, "act"),
        (Author("u2", "An", roles=("Partner",)), "general", {"trolling": 0.99}, "allow"),
        (Author("u9", "Bo"), "general", {"trolling": 0.99}, "allow"),
        (Author("u9", "Bo"), "general", {"insult": 0.99}, "act"),  # only trolling disabled
        (Author("u2", "An", roles=("Bot-tester",)), "quiet", {"insult": 0.99}, "exempt"),
        (Author("u2", "An", roles=("Bot-tester",)), "general", {"insult": 0.99}, "act"),
        (JAN, "quiet", {"insult": 0.99}, "act"),
        (Author("u3", "Cy", roles=("Helpers",)), "general", {"insult": 0.9}, "review"),
        (Author("u3", "Cy", roles=("Helpers",)), "general", {"insult": 0.96}, "act"),
        (JAN, "general", {"insult": 0.9}, "act"),
    ],
)
def test_overrides(author: Author, channel: str, scores: dict[str, float], expected: str) -> None:
    message = make_message(author, channel)
    decision = decide(message, classified(**scores), MemberHistory(), OVERRIDES, ALL, NOW)
    outcome = (
        "exempt" if decision.exempt_reason
        else "allow" if not decision.open_case
        else "shadow" if decision.shadow
        else "review" if decision.review
        else "act"
    )  # fmt: skip
    assert outcome == expected, decision


def test_override_can_end_a_dry_run_and_later_overrides_win() -> None:
    policy = make_policy(
        dry_run=True,
        overrides=[
            {"when": {"channels": ["live"]}, "set": {"dry_run": False}},
            {"when": {"users": ["u1"]}, "set": {"dry_run": True}},
        ],
    )
    jan = decide(
        make_message(JAN, "live"), classified(insult=0.9), MemberHistory(), policy, ALL, NOW
    )
    other = Author("u2", "An")
    an = decide(
        make_message(other, "live"), classified(insult=0.9), MemberHistory(), policy, ALL, NOW
    )
    assert jan.shadow
    assert not an.shadow


def _without(*names: str) -> frozenset[Capability]:
    return ALL - {Capability(name) for name in names}


@pytest.mark.parametrize(
    ("points", "missing", "expected_kinds", "note"),
    [
        (2, ["mute"], ["notice", "delete", "warn"], "no mute capability: delete + warn instead"),
        (4, ["ban"], ["notice", "delete", "kick"], "no ban capability: kick instead"),
        (4, ["ban", "kick"], ["notice", "delete", "warn", "alert"], "no ban or kick capability"),
        (0, ["notice"], ["warn"], "no notice capability: the notice is sent as a warning"),
        (0, ["notice", "warn"], ["alert"], "no notice or warn capability"),
        (1, ["warn"], ["notice", "delete"], "no warn capability: the warning is added"),
        (1, ["delete"], ["notice", "warn", "alert"], "no delete capability"),
        (4, ["ban", "kick", "alert"], ["notice", "delete", "warn"], "no alert capability"),
    ],
)
def test_capability_fallbacks_are_explicit(
    points: int, missing: list[str], expected_kinds: list[str], note: str
) -> None:
    decision = decide(
        make_message(), classified(insult=0.9), MemberHistory(points), make_policy(),
        _without(*missing), NOW,
    )  # fmt: skip
    assert kinds(decision) == expected_kinds
    assert note in decision.reason
    used = {REQUIRED_CAPABILITY[type(action)] for action in decision.actions}
    assert used.isdisjoint(Capability(name) for name in missing)


def test_fallback_texts() -> None:
    no_notice = decide(
        make_message(), classified(insult=0.9), MemberHistory(), make_policy(),
        _without("notice"), NOW,
    )  # fmt: skip
    warn = no_notice.actions[0]
    assert isinstance(warn, Warn)
    assert warn.text.startswith("Niet hier, Jan.")
    no_warn = decide(
        make_message(), classified(insult=0.9), MemberHistory(1), make_policy(),
        _without("warn"), NOW,
    )  # fmt: skip
    notice = no_warn.actions[0]
    assert isinstance(notice, SendNotice)
    assert "Niet hier, Jan." in notice.text
    assert "dit is een waarschuwing" in notice.text
    no_ban = decide(
        make_message(), classified(insult=0.9), MemberHistory(4), make_policy(),
        _without("ban"), NOW,
    )  # fmt: skip
    kicked = no_ban.actions[0]
    assert isinstance(kicked, SendNotice)
    assert "Je bent uit C verwijderd" in kicked.text
    assert isinstance(no_ban.actions[-1], Kick)
    no_delete = decide(
        make_message(), classified(insult=0.9), MemberHistory(1), make_policy(),
        _without("delete"), NOW,
    )  # fmt: skip
    alert = no_delete.actions[-1]
    assert isinstance(alert, AlertModerators)
    assert "please delete it" in alert.text


@pytest.mark.parametrize(
    ("sanction", "capabilities", "expected"),
    [
        (SanctionState(banned_forever=True), ALL, ["delete"]),
        (SanctionState(banned_until=NOW + timedelta(days=1)), ALL, ["delete"]),
        (SanctionState(banned_forever=True), _without("delete"), ["alert"]),
        (SanctionState(banned_forever=True), _without("delete", "alert"), []),
    ],
)
def test_already_banned_only_deletes(
    sanction: SanctionState, capabilities: frozenset[Capability], expected: list[str]
) -> None:
    history = MemberHistory(active_points=9, sanction=sanction)
    decision = decide(make_message(), classified(threat=0.99), history, make_policy(),
                      capabilities, NOW)  # fmt: skip
    assert kinds(decision) == expected
    assert decision.points == 0
    assert "already banned" in decision.reason


def test_expired_ban_does_not_count_as_banned() -> None:
    history = MemberHistory(sanction=SanctionState(banned_until=NOW - timedelta(seconds=1)))
    decision = decide(make_message(), classified(insult=0.9), history, make_policy(), ALL, NOW)
    assert kinds(decision) == ["notice"]


@pytest.mark.parametrize(
    ("muted_until", "mute_emitted"),
    [
        (NOW + timedelta(days=3), False),  # longer than the 10 minute step: kept
        (NOW + timedelta(minutes=10), False),  # equal: nothing to change
        (NOW + timedelta(minutes=5), True),  # shorter: extended
        (NOW - timedelta(minutes=5), True),  # expired
    ],
)
def test_a_longer_mute_is_never_shortened(muted_until: Any, mute_emitted: bool) -> None:
    history = MemberHistory(active_points=2, sanction=SanctionState(muted_until=muted_until))
    decision = decide(make_message(), classified(insult=0.9), history, make_policy(), ALL, NOW)
    mutes = [action for action in decision.actions if isinstance(action, Mute)]
    assert bool(mutes) is mute_emitted
    if not mute_emitted:
        assert "longer mute kept" in decision.reason
        assert kinds(decision) == ["notice", "delete"]
        notice = decision.actions[0]
        assert isinstance(notice, SendNotice)
        assert notice.text.startswith("Niet hier, Jan. Kritiek")


@pytest.mark.parametrize(
    ("lang", "opening"),
    [
        ("nl", "Niet hier"),
        ("fr", "Pas ici"),
        ("en", "Not here"),
        ("de", "Nicht hier"),
        ("und", "Pas ici"),  # unknown -> community default (fr here)
    ],
)
def test_notice_language_follows_the_message(lang: str, opening: str) -> None:
    policy = make_policy(default_language="fr")
    decision = decide(make_message(), classified(lang, insult=0.9), MemberHistory(), policy,
                      ALL, NOW)  # fmt: skip
    notice = decision.actions[0]
    assert isinstance(notice, SendNotice)
    assert notice.text.startswith(opening)
    assert notice.lang == (lang if lang != "und" else "fr")


def test_per_language_threshold_override() -> None:
    policy = make_policy(detection={"language_thresholds": {"fr": {"insult": 0.9}}})
    fr = decide(make_message(), classified("fr", insult=0.85), MemberHistory(), policy, ALL, NOW)
    nl = decide(make_message(), classified("nl", insult=0.85), MemberHistory(), policy, ALL, NOW)
    assert fr.review
    assert not fr.points
    assert nl.top_action == "notice"
