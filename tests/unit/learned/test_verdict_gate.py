"""The CLI flags as the bot acts: model-only verdicts held back by the gate are not flagged."""

from __future__ import annotations

from bot.detection.tools.verdict import verdict_of
from bot.settings.detection_models import ModelOnlySettings
from bot.verdicts import Category, CategoryScore, Classification, Language, Span

THRESHOLDS = {(category, Language.UNKNOWN): 0.5 for category in Category}
SPAN = (Span(0, 5, "idiot"),)


def _classified(*scores: CategoryScore) -> Classification:
    return Classification(Language.NL, scores)


def test_model_only_trolling_is_sent_to_review_not_flagged():
    verdict = verdict_of(
        _classified(CategoryScore(Category.TROLLING, 0.93)), THRESHOLDS, ModelOnlySettings()
    )
    assert not verdict.flagged
    assert "review:model-only trolling" in verdict.reasons
    assert verdict_of(_classified(CategoryScore(Category.TROLLING, 0.93)), THRESHOLDS).flagged


def test_rule_backed_or_confident_allowed_categories_are_flagged():
    gate = ModelOnlySettings()
    backed = _classified(CategoryScore(Category.TROLLING, 0.6, spans=SPAN))
    assert verdict_of(backed, THRESHOLDS, gate).category == "trolling"
    confident = _classified(CategoryScore(Category.INSULT, 0.85))
    assert verdict_of(confident, THRESHOLDS, gate).category == "insult"


def test_gate_falls_back_to_an_allowed_category():
    both = _classified(
        CategoryScore(Category.SEXUAL, 0.9), CategoryScore(Category.INSULT, 0.7, spans=SPAN)
    )
    verdict = verdict_of(both, THRESHOLDS, ModelOnlySettings())
    assert verdict.category == "insult"


def test_discounted_rule_words_keep_a_confident_model_score_from_flagging():
    gate = ModelOnlySettings()
    discounted = CategoryScore(Category.INSULT, 0.95, suppressed=("negation",))
    verdict = verdict_of(_classified(discounted), THRESHOLDS, gate)
    assert not verdict.flagged
    assert "review:model-only insult" in verdict.reasons
    # a rule hit that still counts (a span) acts, whatever else was discounted
    backed = CategoryScore(Category.INSULT, 0.95, spans=SPAN, suppressed=())
    assert verdict_of(_classified(backed), THRESHOLDS, gate).flagged


def test_review_names_the_case_the_bot_opens_highest_score_first():
    # a model-only sexual 0.97 and a model-only threat 0.62: nothing acts; the bot opens a
    # review case for the highest score (bot.pipeline.policy), so the CLI names that one
    both = _classified(CategoryScore(Category.SEXUAL, 0.97), CategoryScore(Category.THREAT, 0.62))
    verdict = verdict_of(both, THRESHOLDS, ModelOnlySettings())
    assert not verdict.flagged
    assert "review:model-only sexual" in verdict.reasons
    assert "review:model-only threat" not in verdict.reasons
    assert verdict.score == 0.97
