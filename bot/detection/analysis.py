"""The rules layer's full answer (``RuleAnalysis``): stable, documented, used as model features.

Offsets: ``TermMatch.start``/``end`` index the NORMALISED text (``RuleAnalysis.normalised.text``);
every ``span`` is in ORIGINAL text offsets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from bot.detection.lexicon import RawMatch
from bot.detection.normalise import NormalisedText
from bot.verdicts import Category, Language, Span

__all__ = [
    "FEATURE_NAMES",
    "NO_SCORES",
    "RuleAnalysis",
    "RuleHit",
    "Suppressor",
    "Target",
    "TermMatch",
    "suppressed_only",
]


class Target(StrEnum):
    """Who or what a rule hit is aimed at."""

    SECOND_PERSON = "second_person"  # "you are a...", "t'es un...", "du Idiot"
    THIRD_PERSON = "third_person"  # "he is a...", "@anna is a...", "the community manager is..."
    GROUP = "group"  # a protected group ("immigrants are vermin")
    PRODUCT = "product"  # the app, the train, the service: criticism, never abuse
    NONE = "none"  # no target found


class Suppressor(StrEnum):
    """Why a rule hit does not count."""

    NEGATION = "negation"  # "I don't think you're an idiot"
    QUOTE = "quote"  # inside quotation marks or reported speech ("he called me X")
    COUNTER_SPEECH = "counter_speech"  # "stop calling people X", "saying X is racist"
    IDIOM = "idiom"  # "killing it", "mort de rire", "dat is de max"
    RECLAIMED = "reclaimed"  # in-group use ("as a queer woman, ...")
    QUESTION = "question"  # a genuine question about a term or group
    PRODUCT = "product"  # aimed at a product/service ("this app is garbage")
    ALLOWED = "allowed"  # a community allow term
    SELF = "self"  # the speaker about themselves ("ik ben echt een idioot, ticket vergeten")
    NEUTRAL_ROLE = "neutral_role"  # addressed by a neutral role ("du bist ein Bayern-Fan")
    BANTER = "banter"  # friends teasing ("lol you absolute muppet 😂 see you tonight")


class TermMatch(NamedTuple):
    """One lexicon term found on word boundaries of the normalised text.

    ``role`` is "<file>.<list>" from the lexicon ("insult.nouns", "hate.groups",
    "grammar.negators", ...) or "custom.<category>" / "custom_pattern.<category>".
    """

    term: str
    role: str
    lang: Language
    start: int
    end: int
    span: Span


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired: category, the rule name, its score before suppression, and context.

    ``score`` is 0.95 for a strong targeted match, ~0.85 for a named third person, ~0.6 for weaker
    evidence. ``effective_score`` is 0 when any suppressor applies.
    """

    category: Category
    rule: str
    score: float
    term: str
    lang: Language
    span: Span
    target: Target
    suppressed_by: tuple[Suppressor, ...] = ()

    @property
    def effective_score(self) -> float:
        return 0.0 if self.suppressed_by else self.score

    @property
    def reason(self) -> str:
        base = f"rule:{self.rule}(term='{self.term}', lang={self.lang.value})"
        if self.suppressed_by:
            return base + " " + " ".join(f"suppressed:{s.value}" for s in self.suppressed_by)
        return base


def suppressed_only(hits: Sequence[RuleHit]) -> tuple[str, ...]:
    """Why ``hits`` (one category's) were all discounted, each reason once in order; () when
    any of them counts or there are none. A hit scored 0 (``insult.neutral_role``,
    ``insult.attitude``: the rules looked and found no insult) does not count either way."""
    if not any(hit.suppressed_by or hit.score > 0 for hit in hits):
        return ()
    if any(not hit.suppressed_by and hit.score > 0 for hit in hits):
        return ()
    return tuple(dict.fromkeys(s.value for hit in hits for s in hit.suppressed_by))


_CATEGORIES = tuple(Category)
_FEATURE_TARGETS = (Target.SECOND_PERSON, Target.THIRD_PERSON, Target.GROUP, Target.PRODUCT)
_FEATURE_SUPPRESSORS = (
    Suppressor.NEGATION,
    Suppressor.QUOTE,
    Suppressor.COUNTER_SPEECH,
    Suppressor.IDIOM,
    Suppressor.RECLAIMED,
    Suppressor.QUESTION,
    Suppressor.PRODUCT,
)
# The scores of a text no rule fired on (shared, read-only), and its first features.
NO_SCORES: Mapping[Category, float] = MappingProxyType(dict.fromkeys(_CATEGORIES, 0.0))
_NO_HIT_FEATURES = (0.0,) * (
    2 * len(_CATEGORIES) + len(_FEATURE_TARGETS) + len(_FEATURE_SUPPRESSORS)
)


def term_matches(normalised: NormalisedText, raw: Sequence[RawMatch]) -> tuple[TermMatch, ...]:
    """Each match with its span in the original (a term listed in several languages: one span)."""
    starts, ends, original = normalised.starts, normalised.ends, normalised.original
    spans: dict[tuple[int, int], Span] = {}
    matches = []
    for match in raw:
        key = (match.start, match.end)
        span = spans.get(key)
        if span is None:  # ``normalised.span`` for a non-empty range, inlined
            begin, finish = starts[match.start], ends[match.end - 1]
            span = spans[key] = Span(start=begin, end=finish, text=original[begin:finish])
        matches.append(TermMatch(match.term, match.role, match.lang, match.start, match.end, span))
    return tuple(matches)


# Names of ``RuleAnalysis.feature_vector()`` entries, in order. Append only; never reorder.
FEATURE_NAMES: tuple[str, ...] = (
    *(f"rule_score.{category.value}" for category in Category),
    *(f"raw_score.{category.value}" for category in Category),
    "target.second_person",
    "target.third_person",
    "target.group",
    "target.product",
    "suppressed.negation",
    "suppressed.quote",
    "suppressed.counter_speech",
    "suppressed.idiom",
    "suppressed.reclaimed",
    "suppressed.question",
    "suppressed.product",
    "flag.question",
    "flag.negation",
    "flag.quote",
    "flag.counter_speech",
    "flag.profanity",
    "flag.group_mention",
    "flag.second_person",
    "count.matches",
    *(f"lang.{lang.value}" for lang in (Language.NL, Language.FR, Language.EN, Language.DE)),
    "suppressed.neutral_role",
)


@dataclass(frozen=True, slots=True)
class RuleAnalysis:
    """Everything the rules layer found in one text.

    - ``normalised``: the folded text and its offset map;
    - ``lang`` / ``language_shares``: primary language and each language's share (sums to ~1);
    - ``matches``: every lexicon match, including grammar roles (negators, address patterns),
      built from ``raw_matches`` on first use (the engine only needs their number);
    - ``hits``: every rule that fired, suppressed or not (each carries its suppressors);
    - ``category_scores``: final rule score per category, 0..1 (max effective hit score);
    - ``raw_scores``: the same before suppression (what the rules would say without suppressors);
    - ``targets``: targets seen in non-suppressed and suppressed hits;
    - ``suppressors``: suppressors that applied to at least one hit;
    - flags: ``is_question`` (ends with or starts as a question), ``has_negation`` (a negator
      anywhere), ``has_quote`` (quotation marks or reported speech), ``has_counter_speech``,
      ``has_profanity`` (profanity not aimed at anyone), ``mentions_group`` (a protected group
      named), ``addresses_reader`` (second-person words present);
    - ``truncated``: the input was longer than the analysed window (see ``normalise``).
    """

    normalised: NormalisedText
    lang: Language
    language_shares: tuple[tuple[Language, float], ...]
    raw_matches: tuple[RawMatch, ...]
    hits: tuple[RuleHit, ...]
    category_scores: Mapping[Category, float]
    raw_scores: Mapping[Category, float]
    targets: frozenset[Target]
    suppressors: frozenset[Suppressor]
    is_question: bool
    has_negation: bool
    has_quote: bool
    has_counter_speech: bool
    has_profanity: bool
    mentions_group: bool
    addresses_reader: bool
    truncated: bool
    _matches: tuple[TermMatch, ...] | None = field(default=None, repr=False, compare=False)

    @property
    def matches(self) -> tuple[TermMatch, ...]:
        """Every lexicon match with its span in the original text."""
        found = self._matches
        if found is None:
            found = term_matches(self.normalised, self.raw_matches)
            object.__setattr__(self, "_matches", found)
        return found

    def hits_for(self, category: Category) -> tuple[RuleHit, ...]:
        return tuple(hit for hit in self.hits if hit.category is category)

    def feature_vector(self) -> tuple[float, ...]:
        """Numeric features in ``FEATURE_NAMES`` order (for the learned layer)."""
        scores, raw, targets, suppressors = (
            self.category_scores,
            self.raw_scores,
            self.targets,
            self.suppressors,
        )
        if scores is NO_SCORES and raw is NO_SCORES and not targets and not suppressors:
            values = list(_NO_HIT_FEATURES)  # no rule fired (most texts)
        else:
            values = [scores.get(category, 0.0) for category in _CATEGORIES]
            values += [raw.get(category, 0.0) for category in _CATEGORIES]
            values += [1.0 if target in targets else 0.0 for target in _FEATURE_TARGETS]
            values += [1.0 if s in suppressors else 0.0 for s in _FEATURE_SUPPRESSORS]
        get_share = dict(self.language_shares).get
        values += (
            float(self.is_question),
            float(self.has_negation),
            float(self.has_quote),
            float(self.has_counter_speech),
            float(self.has_profanity),
            float(self.mentions_group),
            float(self.addresses_reader),
            float(min(len(self.raw_matches), 20)) / 20.0,
            get_share(Language.NL, 0.0),
            get_share(Language.FR, 0.0),
            get_share(Language.EN, 0.0),
            get_share(Language.DE, 0.0),
            1.0 if Suppressor.NEUTRAL_ROLE in suppressors else 0.0,
        )
        return tuple(values)

    def features(self) -> dict[str, float]:
        """``feature_vector()`` as a name -> value mapping."""
        return dict(zip(FEATURE_NAMES, self.feature_vector(), strict=True))
