"""Detection settings of a community: thresholds, review band, custom terms."""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated

import re2
from pydantic import AfterValidator, Field, model_validator

from bot.settings.common import ConfigLanguage, Probability, StrictModel
from bot.verdicts import Category, CategoryScore, CustomTerms

__all__ = [
    "CategoryThresholds",
    "CustomTermsSettings",
    "DetectionSettings",
    "ModelOnlySettings",
    "ThresholdOverrides",
]


class CategoryThresholds(StrictModel):
    """Act on a category when its score is at or above its threshold.

    The detection engine rescales its scores so that 0.5 is the boundary tuned on the
    development set for every category and language; raise a threshold to act less often.
    """

    insult: Probability = 0.5
    hate: Probability = 0.5
    sexual: Probability = 0.5
    threat: Probability = 0.5
    trolling: Probability = 0.5

    def of(self, category: Category) -> float:
        value: float = getattr(self, category.value)
        return value


class ThresholdOverrides(StrictModel):
    """Some categories' thresholds replaced (per language, or by an override)."""

    insult: Probability | None = None
    hate: Probability | None = None
    sexual: Probability | None = None
    threat: Probability | None = None
    trolling: Probability | None = None

    def of(self, category: Category) -> float | None:
        value: float | None = getattr(self, category.value)
        return value

    def applied_to(self, base: CategoryThresholds) -> CategoryThresholds:
        changes = {c.value: self.of(c) for c in Category if self.of(c) is not None}
        return base.model_copy(update=changes)


def _compiles_with_re2(pattern: str) -> str:
    options = re2.Options()
    options.log_errors = False  # the error goes into the config message, not to stderr
    try:
        re2.compile(pattern, options)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise ValueError(f"invalid RE2 pattern {pattern!r}: {detail}") from None
    return pattern


Term = Annotated[str, Field(min_length=1, max_length=200)]
Pattern = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_compiles_with_re2)]


class CustomTermsSettings(StrictModel):
    """The community's own words: deny terms / RE2 patterns per category, and allowed terms."""

    deny: dict[Category, tuple[Term, ...]] = Field(default_factory=dict)
    deny_patterns: dict[Category, tuple[Pattern, ...]] = Field(default_factory=dict)
    allow: tuple[Term, ...] = ()

    def to_custom_terms(self) -> CustomTerms:
        return CustomTerms(
            deny=MappingProxyType(dict(self.deny)),
            deny_patterns=MappingProxyType(dict(self.deny_patterns)),
            allow=self.allow,
        )


class ModelOnlySettings(StrictModel):
    """When a verdict has no rule or custom-term evidence (only the learned model's score), act
    only for these categories and only from ``act_at``; other model-only verdicts over their
    threshold go to the moderators for review. The model can be confidently wrong on angry
    customers it has never seen; a person then decides, and nobody is punished for criticism.
    Never when the rules found the category's words and discounted them all (negated, quoted,
    counter-speech, an idiom, aimed at a product, an allow term...): "stop calling refugees
    cockroaches" must not be punished because the model reacts to "cockroaches".
    """

    act_at: Probability = 0.8
    categories: tuple[Category, ...] = (Category.INSULT, Category.HATE, Category.THREAT)

    def allows(self, item: CategoryScore) -> bool:
        """May an over-threshold ``item`` act? Yes with rule/custom-term evidence (a matched
        span), or for a confident model score in a category allowed to act on the model alone."""
        if item.spans:
            return True
        if item.suppressed:
            return False
        return item.category in self.categories and item.score >= self.act_at


class DetectionSettings(StrictModel):
    """``review_low``: scores in [review_low, threshold) go to moderators instead of acting."""

    thresholds: CategoryThresholds = CategoryThresholds()
    language_thresholds: dict[ConfigLanguage, ThresholdOverrides] = Field(default_factory=dict)
    review_low: ThresholdOverrides = ThresholdOverrides(insult=0.4, hate=0.4, threat=0.35)
    custom_terms: CustomTermsSettings = CustomTermsSettings()
    model_only: ModelOnlySettings = ModelOnlySettings()

    @model_validator(mode="after")
    def _review_below_threshold(self) -> DetectionSettings:
        for category in Category:
            low = self.review_low.of(category)
            if low is not None and low >= self.thresholds.of(category):
                raise ValueError(
                    f"review_low.{category.value} ({low}) must be below "
                    f"thresholds.{category.value} ({self.thresholds.of(category)})"
                )
        return self

    def thresholds_for(self, lang: str) -> CategoryThresholds:
        """Thresholds with the per-language overrides of ``lang`` applied."""
        overrides = self.language_thresholds.get(lang)  # type: ignore[call-overload]
        return overrides.applied_to(self.thresholds) if overrides else self.thresholds
