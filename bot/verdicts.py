"""What the classifier says about a text: per-category scores with their explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "HARMFUL_CATEGORIES",
    "Category",
    "CategoryScore",
    "Classification",
    "CustomTerms",
    "Language",
    "Span",
]


class Category(StrEnum):
    INSULT = "insult"
    HATE = "hate"
    SEXUAL = "sexual"
    THREAT = "threat"
    TROLLING = "trolling"


HARMFUL_CATEGORIES: tuple[Category, ...] = tuple(Category)


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"
    DE = "de"
    UNKNOWN = "und"


@dataclass(frozen=True, slots=True)
class Span:
    """A matched region, as offsets into the ORIGINAL (not normalised) text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """Calibrated probability (0..1) that the text belongs to ``category``, with reasons.

    ``reasons`` are short human-readable strings ("rule:insult.addressed_you term='idiot'",
    "model:insult=0.91", "suppressed:negation"). ``suppressed`` names why the rules discounted
    every rule hit of this category ("negation", "quote", "counter_speech", ...): the words were
    found and judged not to be abuse, so a high model score alone must not act on them.
    """

    category: Category
    score: float
    spans: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's full answer for one text: language plus a score per category."""

    lang: Language
    scores: tuple[CategoryScore, ...]
    language_shares: tuple[tuple[Language, float], ...] = ()

    def score_of(self, category: Category) -> CategoryScore:
        for item in self.scores:
            if item.category is category:
                return item
        return CategoryScore(category=category, score=0.0)

    def top(self) -> CategoryScore | None:
        """The highest-scoring category, or None when there are no scores."""
        if not self.scores:
            return None
        return max(self.scores, key=lambda item: item.score)


def _empty_category_terms() -> Mapping[Category, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CustomTerms:
    """A community's own additions to detection, from its config.

    ``deny`` terms and ``deny_patterns`` (RE2 syntax) flag their category; ``allow`` terms are
    never flagged on their own (e.g. a brand name that looks like a slur).
    """

    deny: Mapping[Category, tuple[str, ...]] = field(default_factory=_empty_category_terms)
    deny_patterns: Mapping[Category, tuple[str, ...]] = field(default_factory=_empty_category_terms)
    allow: tuple[str, ...] = ()
