"""decide: thresholds, the points ladder, categories, evidence, review band, dry run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.actions import AlertModerators, Ban, Capability, DeleteMessage, Mute, SendNotice, Warn
from bot.decisions import Decision, MemberHistory
from bot.pipeline.policy import decide
from tests.unit.policy.helpers import ALL, NOW, classified, kinds, make_message, make_policy

POLICY = make_policy()


@pytest.mark.parametrize(
    "scores",
    [
        {},  # nothing at all
        {"insult": 0.0, "hate": 0.0, "sexual": 0.0, "threat": 0.0, "trolling": 0.0},
        {"insult": 0.45},  # "this service is a joke": criticism, below the review band
        {"insult": 0.59, "trolling": 0.85},  # angry but not aimed at a person
        {"trolling": 0.89},  # trolling has no review band by default
        {"sexual": 0.79},
    ],
)
def test_criticism_level_scores_pass(scores: dict[str, float]) -> None:
    decision = decide(make_message(), classified(**scores), MemberHistory(), POLICY, ALL, NOW)
    assert decision == Decision.allow()


@pytest.mark.parametrize(
    ("active_points", "expected_kinds", "top_action"),
    [
        (0, ["notice"], "notice"),
        (1, ["notice", "delete", "warn"], "warn"),
        (2, ["notice", "delete", "mute"], "mute"),
        (3, ["notice", "delete", "mute"], "mute"),
        (4, ["notice", "delete", "ban"], "ban"),
        (9, ["notice", "delete", "ban"], "ban"),
    ],
)
def test_each_ladder_step_by_points(
    active_points: int, expected_kinds: list[str], top_action: str
) -> None:
    history = MemberHistory(active_points=active_points)
    decision = decide(make_message(), classified(insult=0.9), history, POLICY, ALL, NOW)
    assert kinds(decision) == expected_kinds
    assert decision.top_action == top_action
    assert decision.open_case
    assert decision.points == 1
    assert decision.points_expire_at == NOW + timedelta(days=30)
    assert f"points {active_points} + 1 = {active_points + 1}" in decision.reason


def test_mute_durations_and_ban_follow_the_steps() -> None:
    def first(points: int, kind: type) -> object:
        decision = decide(
            make_message(), classified(insult=0.9), MemberHistory(points), POLICY, ALL, NOW
        )
        return next(action for action in decision.actions if isinstance(action, kind))

    mute_10m, mute_1d, ban = first(2, Mute), first(3, Mute), first(4, Ban)
    assert isinstance(mute_10m, Mute)
    assert mute_10m.until == NOW + timedelta(minutes=10)
    assert isinstance(mute_1d, Mute)
    assert mute_1d.until == NOW + timedelta(days=1)
    assert isinstance(ban, Ban)
    assert ban.until is None
    assert "dossier #{case}" in ban.farewell  # nl, filled in once the case exists


def test_temporary_ban_step_sets_until() -> None:
    policy = make_policy(ladder=[{"at_points": 1, "action": "ban", "duration": "7d"}])
    decision = decide(make_message(), classified(insult=0.9), MemberHistory(), policy, ALL, NOW)
    ban = decision.actions[-1]
    assert isinstance(ban, Ban)
    assert ban.until == NOW + timedelta(days=7)
    assert "voor 1 week" in ban.farewell


@pytest.mark.parametrize(
    ("category", "points", "top_action", "evidence"),
    [
        ("insult", 1, "notice", False),
        ("trolling", 1, "notice", False),
        ("sexual", 2, "warn", False),
        ("hate", 2, "warn", False),
        ("threat", 5, "ban", True),
    ],
)
def test_points_of_each_category(
    category: str, points: int, top_action: str, evidence: bool
) -> None:
    decision = decide(
        make_message(), classified(**{category: 0.99}), MemberHistory(), POLICY, ALL, NOW
    )
    assert (decision.category, decision.points) == (category, points)
    assert decision.top_action == top_action
    assert decision.evidence is evidence


def test_threat_opens_an_evidence_case_and_alerts_moderators() -> None:
    decision = decide(make_message(), classified(threat=0.8), MemberHistory(), POLICY, ALL, NOW)
    alerts = [action for action in decision.actions if isinstance(action, AlertModerators)]
    assert len(alerts) == 1
    assert alerts[0].review is False
    assert alerts[0].message is not None
    assert alerts[0].message.message_id == "m1"
    assert "Evidence case: possible threat (0.80) by Jan" in alerts[0].text
    assert decision.evidence


def test_evidence_categories_are_configurable() -> None:
    policy = make_policy(evidence_categories=["hate", "threat"])
    decision = decide(make_message(), classified(hate=0.9), MemberHistory(), policy, ALL, NOW)
    assert decision.evidence
    assert kinds(decision)[-1] == "alert"


def test_worst_category_is_the_one_with_most_points() -> None:
    scores = classified(insult=0.99, threat=0.71, trolling=0.95)
    decision = decide(make_message(), scores, MemberHistory(), POLICY, ALL, NOW)
    assert decision.category == "threat"
    assert decision.score == pytest.approx(0.71)


def test_equal_points_prefer_the_higher_score() -> None:
    scores = classified(hate=0.8, sexual=0.95)
    decision = decide(make_message(), scores, MemberHistory(), POLICY, ALL, NOW)
    assert decision.category == "sexual"


def test_category_below_the_first_step_gets_the_notice() -> None:
    policy = make_policy(points={"trolling": 0})
    decision = decide(make_message(), classified(trolling=0.95), MemberHistory(), policy, ALL, NOW)
    assert kinds(decision) == ["notice"]
    assert decision.points == 0
    assert decision.points_expire_at is None
    assert "below the first step" in decision.reason


@pytest.mark.parametrize(("score", "review"), [(0.60, True), (0.79, True), (0.59, False)])
def test_review_band_alerts_moderators_instead_of_acting(score: float, review: bool) -> None:
    decision = decide(make_message(), classified(insult=score), MemberHistory(3), POLICY, ALL, NOW)
    if not review:
        assert decision == Decision.allow()
        return
    assert decision.open_case
    assert decision.review
    assert decision.points == 0
    assert decision.top_action == "review"
    assert len(decision.actions) == 1
    alert = decision.actions[0]
    assert isinstance(alert, AlertModerators)
    assert alert.review
    assert "Please review: possible insult" in alert.text


def test_review_without_alert_capability_is_recorded_only() -> None:
    capabilities = ALL - {Capability.ALERT}
    decision = decide(
        make_message(), classified(hate=0.6), MemberHistory(), POLICY, capabilities, NOW
    )
    assert decision.review
    assert decision.actions == ()
    assert "no alert capability" in decision.reason


def test_dry_run_decides_the_same_but_shadowed() -> None:
    live = decide(make_message(), classified(insult=0.9), MemberHistory(2), POLICY, ALL, NOW)
    shadow_policy = make_policy(dry_run=True)
    shadow = decide(
        make_message(), classified(insult=0.9), MemberHistory(2), shadow_policy, ALL, NOW
    )
    assert shadow.shadow
    assert not live.shadow
    assert kinds(shadow) == kinds(live)
    assert shadow.points == live.points
    assert "dry run" in shadow.reason


def test_dry_run_applies_to_review_too() -> None:
    decision = decide(
        make_message(), classified(insult=0.65), MemberHistory(), make_policy(dry_run=True),
        ALL, NOW,
    )  # fmt: skip
    assert decision.review
    assert decision.shadow


def test_notice_replies_to_the_message_and_warn_reaches_the_member() -> None:
    message = make_message(thread="t9")
    decision = decide(message, classified(insult=0.9), MemberHistory(1), POLICY, ALL, NOW)
    notice, delete, warn = decision.actions
    assert isinstance(notice, SendNotice)
    assert isinstance(delete, DeleteMessage)
    assert isinstance(warn, Warn)
    assert notice.message.message_id == "m1"
    assert notice.message.thread_id == "t9"
    assert notice.charter_url == "https://pasici.be"
    assert warn.member.user_id == "u1"
    assert warn.channel_id == "t9"
    assert warn.text.startswith("Jan, dit is een waarschuwing")


@pytest.mark.parametrize(
    ("category", "score", "acts"),
    [
        ("insult", 0.95, True),  # confident model-only insult: the community lets it act
        ("insult", 0.85, True),
        ("insult", 0.81, True),
        ("hate", 0.79, False),  # over the 0.75 threshold but under act_at 0.8: review
        ("trolling", 0.99, False),  # trolling never acts on the model alone
        ("sexual", 0.95, False),
    ],
)
def test_model_only_verdicts_act_only_when_allowed(category, score, acts):
    decision = decide(
        make_message(),
        classified(evidence=False, **{category: score}),
        MemberHistory(),
        make_policy(),
        ALL,
        NOW,
    )
    assert decision.open_case
    assert decision.review is not acts
    if not acts:
        assert "model-only verdict" in decision.reason
        assert kinds(decision) == ["alert"]


@pytest.mark.parametrize("suppressed", [("counter_speech",), ("negation",), ("quote", "idiom")])
def test_a_model_score_on_words_the_rules_discounted_never_acts(suppressed):
    """Counter-speech ("stop calling refugees cockroaches"): the rules found "cockroaches"
    and discounted it; the model, reacting to the word, says hate 1.00. A moderator decides."""
    from bot.verdicts import Category, CategoryScore, Classification, Language

    classification = Classification(
        Language.EN, (CategoryScore(Category.HATE, 0.99, suppressed=suppressed),)
    )
    decision = decide(make_message(), classification, MemberHistory(), make_policy(), ALL, NOW)
    assert decision.review
    assert kinds(decision) == ["alert"]
    assert f"its words were found but judged not abusive ({', '.join(suppressed)})" in (
        decision.reason
    )
    assert decision.points == 0
