"""Properties of decide over arbitrary scores, histories and capability sets."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import REQUIRED_CAPABILITY, Capability, Mute
from bot.decisions import MemberHistory
from bot.pipeline.policy import decide
from bot.records import SanctionState
from bot.verdicts import Category, CategoryScore, Classification, Language
from tests.unit.policy.helpers import NOW, make_message, make_policy

POLICIES = (make_policy(), make_policy(dry_run=True))

scores = st.lists(
    st.builds(CategoryScore, st.sampled_from(Category), st.floats(0.0, 1.0)),
    max_size=5,
    unique_by=lambda item: item.category,
)
histories = st.builds(
    MemberHistory,
    active_points=st.integers(0, 30),
    sanction=st.builds(
        SanctionState,
        muted_until=st.none() | st.integers(-3000, 3000).map(lambda m: NOW + timedelta(minutes=m)),
        banned_until=st.none() | st.integers(-3000, 3000).map(lambda m: NOW + timedelta(minutes=m)),
        banned_forever=st.booleans(),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    scores=scores,
    lang=st.sampled_from(Language),
    history=histories,
    capabilities=st.frozensets(st.sampled_from(Capability)),
    dry_run=st.booleans(),
)
def test_decide_invariants(
    scores: list[CategoryScore],
    lang: Language,
    history: MemberHistory,
    capabilities: frozenset[Capability],
    dry_run: bool,
) -> None:
    policy = POLICIES[dry_run]
    decision = decide(
        make_message(), Classification(lang, tuple(scores)), history, policy, capabilities, NOW
    )
    # Never asks the platform for something it cannot do.
    assert {REQUIRED_CAPABILITY[type(action)] for action in decision.actions} <= capabilities
    # Nothing happens without a case; a case always says why.
    assert decision.open_case or decision.actions == ()
    assert not decision.open_case or decision.reason
    assert decision.shadow is (decision.open_case and dry_run)
    # Review cases and banned members never earn points.
    if decision.review or history.sanction.is_banned(NOW):
        assert decision.points == 0
    # A mute already in force is never shortened.
    for action in decision.actions:
        if isinstance(action, Mute) and history.sanction.muted_until is not None:
            assert action.until > history.sanction.muted_until
    # Below every review floor nothing happens at all.
    if all(item.score < 0.5 for item in scores):
        assert not decision.open_case
