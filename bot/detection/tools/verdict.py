"""Turning a ``Classification`` into the CLI's verdict (flag decision with thresholds)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.detection.engine import SEVERITY, DetectionEngine, Thresholds, decide, threshold_of
from bot.settings.detection_models import ModelOnlySettings
from bot.verdicts import Category, CategoryScore, Classification, CustomTerms, Language

__all__ = ["PolicyError", "Verdict", "engine_and_thresholds", "verdict_of"]


class PolicyError(ValueError):
    """The --config file could not be loaded (the message lists the problems)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    flagged: bool
    category: str | None
    score: float
    lang: str
    reasons: tuple[str, ...]

    def as_json(self, item_id: object) -> dict[str, object]:
        return {
            "id": item_id,
            "flagged": self.flagged,
            "category": self.category,
            "score": self.score,
            "lang": self.lang,
            "reasons": list(self.reasons),
        }


def verdict_of(
    classification: Classification,
    thresholds: Thresholds,
    gate: ModelOnlySettings | None = None,
) -> Verdict:
    """Flag as the bot would: over its threshold, and (with ``gate``) allowed to act on it.

    A verdict over its threshold that the gate holds back (no rule evidence) is not flagged:
    the bot sends it to moderators for review, and the reasons say so. The review names the
    case the bot opens: the held-back category with the highest score (then the most serious).
    """
    over = decide(classification, thresholds)
    flagged = over
    review: tuple[str, ...] = ()
    if over is not None and gate is not None and not gate.allows(over):
        allowed = replace(
            classification,
            scores=tuple(item for item in classification.scores if gate.allows(item)),
        )
        flagged = decide(allowed, thresholds)
        if flagged is None:
            over = _review_case(classification, thresholds)
            review = (f"review:model-only {over.category.value}",)
    shown = flagged or over or classification.top()
    if shown is None:
        return Verdict(False, None, 0.0, classification.lang.value, ())
    # once each, in first-seen order: a wall of one insult repeats the same rule's reason
    reasons = tuple(
        dict.fromkeys((*(r for r in shown.reasons if not r.startswith("stage:")), *review))
    )
    return Verdict(
        flagged=flagged is not None,
        category=flagged.category.value if flagged else None,
        score=round(shown.score, 4),
        lang=classification.lang.value,
        reasons=reasons,
    )


def _review_case(classification: Classification, thresholds: Thresholds) -> CategoryScore:
    """Among the categories over their threshold, the one a moderator is asked to review (as
    ``bot.pipeline.policy`` picks it: highest score, then the most serious)."""
    over = [
        item
        for item in classification.scores
        if item.score >= threshold_of(thresholds, item.category, classification.lang)
    ]
    return max(over, key=lambda item: (item.score, SEVERITY[item.category]))


def engine_and_thresholds(
    models_dir: Path | None, config: Path | None
) -> tuple[DetectionEngine, Thresholds, ModelOnlySettings]:
    """The engine (with the community's custom terms), the thresholds to flag with and the
    model-only gate, as the bot applies them.

    Without ``config``: the engine's defaults and the default gate. With it: the community's
    thresholds (per language when it sets them) and gate, loaded with ``bot.settings``.
    """
    if config is None:
        engine = DetectionEngine.load(models_dir)
        return engine, engine.default_thresholds(), ModelOnlySettings()
    from bot.settings import ConfigError, load_community_policy

    try:
        policy = load_community_policy(config)
    except ConfigError as error:
        raise PolicyError(str(error)) from error
    detection = policy.detection
    custom: CustomTerms = detection.custom_terms.to_custom_terms()
    engine = DetectionEngine.load(models_dir, custom)
    thresholds = {
        (category, lang): detection.thresholds_for(lang.value).of(category)
        for category in Category
        for lang in Language
    }
    return engine, thresholds, detection.model_only
