"""``RulesClassifier``: the fast, explainable half of the classifier (implements ``Classifier``).

Shared data (lexicon, language model, homoglyph table) is loaded lazily once per process, so a
``RulesClassifier`` per community (each with its own ``CustomTerms``) is cheap to construct.
Call ``check_rules_data()`` at start-up to fail early with a clear message if a data file is
missing or corrupt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from bot.detection.analysis import (
    NO_SCORES,
    RuleAnalysis,
    RuleHit,
    Suppressor,
    Target,
    suppressed_only,
)
from bot.detection.charfold import homoglyph_table
from bot.detection.context import Candidate, RuleContext, TextLayout, all_words, words_between
from bot.detection.custom import CompiledCustomTerms, compile_custom_terms
from bot.detection.langid import LanguageGuess, LanguageIdentifier, default_identifier
from bot.detection.lexicon import Lexicon, RawMatch, default_lexicon
from bot.detection.normalise import NormalisedText, normalise
from bot.detection.rules import PHRASE, find_candidates
from bot.detection.suppressors import suppressors_for
from bot.verdicts import Category, CategoryScore, Classification, CustomTerms, Language

__all__ = ["RulesClassifier", "check_rules_data"]

MAX_MATCHES = 3000  # per text; a 7,500-character window cannot hold more real ones
MAX_MATCHES_PER_ROLE = 64
_EXTRA_HIT_BONUS = 0.03
_MIN_WORDS_FOR_LANGUAGE_GATE = 4
_CUE_ROLES = (
    "grammar.address_noun",
    "grammar.address_adjective",
    "grammar.third_person",
    "grammar.product_subjects",
    "grammar.first_person",
    "grammar.self_copulas",
    "grammar.second_person",
    "grammar.negators",
    "grammar.not_negation",
    "grammar.reporting",
    "grammar.counter_speech",
    "grammar.meta_questions",
    "grammar.copulas",
    "grammar.exclusion_verbs",
    "grammar.female_refs",
    "hate.groups",
    "hate.modifiers",
    "threat.objects",
    "threat.doxx_verbs",
    "threat.doxx_presentatives",
    "grammar.attitudes",
    "grammar.org_verdicts",
    "grammar.organisations",
    "grammar.report_outcome",
    "threat.lives_verbs",
    "threat.hope_cues",
    "grammar.laughter",
    "grammar.warmth",
    "sexual.appraisal",
    "insult.adjectives",
    "allow.idioms",
)
_CLOSED_CLASS_ROLES = (
    "function_words.words",
    "grammar.second_person",
    "grammar.first_person",
    "grammar.negators",
    "grammar.copulas",
)
_CUE_ROLE_SET = frozenset(_CUE_ROLES)
_CATEGORIES = tuple(Category)
_NO_TARGETS: frozenset[Target] = frozenset()
_NO_SUPPRESSORS: frozenset[Suppressor] = frozenset()
_LANGUAGE_GATE_CHARS = 200
_SKIPPABLE_ROLES = ("grammar.intensifiers", "insult.adjectives", "insult.weak_adjectives")


def _gated(match: RawMatch) -> bool:
    """Single words are false friends across languages ("retard", "je"); group names, slurs,
    strong insult nouns and multi-word phrases mean the same in a code-switched message."""
    return (
        " " not in match.term
        and not match.role.startswith("hate.")
        and match.role != "insult.nouns"  # strong insults; "iiidiooot" folds to "idiot" in nl too
    )


_FALSE_FRIENDS = "allow.false_friends"


def _without_false_friends(found: list[RawMatch], lang: Language) -> list[RawMatch]:
    """Drop the other languages' matches of an ordinary word of the message's language
    (``lang``): "retards" is a slur in English and "delays" in French."""
    ordinary = {(m.start, m.end) for m in found if m.role == _FALSE_FRIENDS and m.lang is lang}
    if not ordinary:
        return found
    return [m for m in found if m.lang is lang or (m.start, m.end) not in ordinary]


def check_rules_data() -> None:
    """Load every shipped data file now.

    Raises ``RulesDataError`` (``LexiconError``, ``LanguageModelError``, ``HomoglyphDataError``)
    naming the missing/corrupt file and the command that rebuilds it.
    """
    homoglyph_table()
    default_lexicon()
    default_identifier()


def _combine(scores: list[float]) -> float:
    if not scores:
        return 0.0
    ordered = sorted(scores, reverse=True)
    bonus = _EXTRA_HIT_BONUS * sum(1 for s in ordered[1:] if s > 0)
    return round(min(1.0, ordered[0] + bonus), 4)


def _deduplicate(
    candidates: list[Candidate], shares: tuple[tuple[Language, float], ...]
) -> list[Candidate]:
    """One candidate per category and span: the best score, in the most likely language.

    A word listed in several languages ("idiot") fires once. An untargeted insult word counts only
    in a language the message is written in ("retard" is an English insult but French for "delay").
    """
    share = dict(shares)
    best: dict[tuple[Category, int, int], Candidate] = {}
    for candidate in candidates:
        if candidate.rule == "insult.term" and share and share.get(candidate.lang, 0.0) == 0.0:
            continue
        key = (candidate.category, candidate.term_start, candidate.term_end)
        current = best.get(key)
        rank = (candidate.score, share.get(candidate.lang, 0.0))
        if current is None or rank > (current.score, share.get(current.lang, 0.0)):
            best[key] = candidate
    return sorted(best.values(), key=lambda c: (c.start, c.end, c.category.value))


class RulesClassifier:
    """Rules-only classifier: ``classify`` for verdicts, ``analyse`` for the full analysis."""

    def __init__(
        self,
        custom: CustomTerms | None = None,
        *,
        lexicon: Lexicon | None = None,
        identifier: LanguageIdentifier | None = None,
    ) -> None:
        self._lexicon = lexicon or default_lexicon()
        self._identifier = identifier or default_identifier()
        self._custom: CompiledCustomTerms | None = (
            compile_custom_terms(custom) if custom is not None else None
        )
        lexicon_ = self._lexicon
        self._vocabulary = lexicon_.vocabulary | (
            self._custom.vocabulary if self._custom else frozenset()
        )
        self._skippable = frozenset().union(
            *(lexicon_.terms_with_role(r) for r in _SKIPPABLE_ROLES)
        )
        self._person_subjects = lexicon_.terms_with_role("grammar.person_subjects")
        self._product_nouns = lexicon_.terms_with_role("grammar.product_nouns")
        self._insult_adjectives = lexicon_.terms_with_role("insult.adjectives")
        self._weak_adjectives = lexicon_.terms_with_role("insult.weak_adjectives")
        self._closed_class = (
            frozenset().union(*(lexicon_.terms_with_role(r) for r in _CLOSED_CLASS_ROLES))
            - self._skippable
        )

    def classify(self, text: str) -> Classification:
        """Per-category rule scores with spans (original offsets) and reasons; never raises."""
        analysis = self.analyse(text)
        scores = []
        for category in _CATEGORIES:
            hits = analysis.hits_for(category)
            live = [hit for hit in hits if hit.effective_score > 0]
            scores.append(
                CategoryScore(
                    category=category,
                    score=analysis.category_scores.get(category, 0.0),
                    spans=tuple(hit.span for hit in live),
                    reasons=tuple(hit.reason for hit in hits),
                    suppressed=suppressed_only(hits),
                )
            )
        return Classification(
            lang=analysis.lang, scores=tuple(scores), language_shares=analysis.language_shares
        )

    def analyse(self, text: str) -> RuleAnalysis:
        """Everything the rules found in ``text`` (see ``RuleAnalysis``)."""
        normalised = normalise(text, self._vocabulary, self._lexicon.function_words)
        return self._analyse(normalised, self._identifier.identify(normalised.language_text))

    def analyse_many(self, texts: Sequence[str]) -> list[RuleAnalysis]:
        """``[analyse(text) for text in texts]``, with the batch's new words scored together
        for language identification (``LanguageIdentifier.prime``)."""
        vocabulary, function_words = self._vocabulary, self._lexicon.function_words
        identifier = self._identifier
        normalised = [normalise(text, vocabulary, function_words) for text in texts]
        words = [identifier.words(item.language_text) for item in normalised]
        identifier.prime(words)
        return [
            self._analyse(item, identifier.identify_words(item_words))
            for item, item_words in zip(normalised, words, strict=True)
        ]

    def _analyse(self, normalised: NormalisedText, guess: LanguageGuess) -> RuleAnalysis:
        folded = normalised.text
        # Every word, when short enough to be had for the language gate's price.
        words = tuple(all_words(folded)) if len(folded) <= _LANGUAGE_GATE_CHARS else None
        raw = self._lexicon_matches(folded, guess.shares, words, guess.lang)
        allowed_spans: list[tuple[int, int]] = []
        custom_candidates: list[Candidate] = []
        if self._custom is not None:
            for found in self._custom.find(folded):
                match = RawMatch(found.start, found.end, found.term, "custom", Language.UNKNOWN)
                if found.category is None:
                    allowed_spans.append((found.start, found.end))
                    raw.append(
                        RawMatch(
                            found.start, found.end, found.term, "custom.allow", Language.UNKNOWN
                        )
                    )
                    continue
                kind = "custom_pattern" if found.is_pattern else "custom"
                raw.append(
                    RawMatch(
                        found.start,
                        found.end,
                        found.term,
                        f"{kind}.{found.category.value}",
                        Language.UNKNOWN,
                    )
                )
                custom_candidates.append(
                    Candidate(
                        found.category,
                        f"{kind}.deny",
                        PHRASE,
                        found.term,
                        Language.UNKNOWN,
                        match.start,
                        match.end,
                        match.start,
                        match.end,
                        Target.NONE,
                    )
                )
        for term in self._custom.allow if self._custom else ():
            allowed_spans.extend((m.start, m.end) for m in raw if m.term == term)
        ctx = self._context(folded, raw, words)
        candidates = _deduplicate([*find_candidates(ctx), *custom_candidates], guess.shares)
        hits = []
        for candidate in candidates:
            suppressed = suppressors_for(ctx, candidate, allowed_spans)
            hits.append(
                RuleHit(
                    category=candidate.category,
                    rule=candidate.rule,
                    score=candidate.score,
                    term=candidate.term,
                    lang=candidate.lang,
                    span=normalised.span(candidate.start, candidate.end),
                    target=candidate.target,
                    suppressed_by=suppressed,
                )
            )
        return self._analysis(normalised, guess.lang, guess.shares, raw, hits, ctx)

    def _lexicon_matches(
        self,
        folded: str,
        shares: tuple[tuple[Language, float], ...],
        words: tuple[str, ...] | None,
        lang: Language,
    ) -> list[RawMatch]:
        """Lexicon matches in the languages the message is written in.

        All languages count when the language is unknown or the message too short to tell
        (``words``: every word of ``folded`` when it is at most 200 characters, else None).
        A false friend of the message's language (``lang``) drops the other languages' match.
        """
        if words is None:
            count = len(words_between(folded, 0, min(len(folded), _LANGUAGE_GATE_CHARS)))
        else:
            count = len(words)
        found = self._lexicon.find_all(folded)
        found = _without_false_friends(found, lang)
        if not shares or count < _MIN_WORDS_FOR_LANGUAGE_GATE:
            return found[:MAX_MATCHES] if len(found) > MAX_MATCHES else found
        present = {lang for lang, _ in shares}
        matches = [m for m in found if m.lang in present or not _gated(m)]
        return matches[:MAX_MATCHES] if len(matches) > MAX_MATCHES else matches

    def _context(
        self, folded: str, raw: list[RawMatch], words: tuple[str, ...] | None
    ) -> RuleContext:
        roles: dict[str, list[RawMatch]] = {}
        for match in raw:
            bucket = roles.get(match.role)
            if bucket is None:
                roles[match.role] = [match]
            elif len(bucket) < MAX_MATCHES_PER_ROLE:  # a wall of repeated insults says it early
                bucket.append(match)
        return RuleContext(
            text=folded,
            layout=TextLayout(folded),
            roles=roles,
            index_roles=_CUE_ROLE_SET,
            skippable=self._skippable,
            closed_class=self._closed_class,
            insult_adjectives=self._insult_adjectives,
            weak_adjectives=self._weak_adjectives,
            person_subjects=self._person_subjects,
            product_nouns=self._product_nouns,
            words=words,
        )

    def _analysis(
        self,
        normalised: NormalisedText,
        lang: Language,
        shares: tuple[tuple[Language, float], ...],
        raw: list[RawMatch],
        hits: list[RuleHit],
        ctx: RuleContext,
    ) -> RuleAnalysis:
        if hits:
            final: Mapping[Category, float] = MappingProxyType(
                {
                    c: _combine([h.effective_score for h in hits if h.category is c])
                    for c in _CATEGORIES
                }
            )
            before: Mapping[Category, float] = MappingProxyType(
                {c: _combine([h.score for h in hits if h.category is c]) for c in _CATEGORIES}
            )
            targets: frozenset[Target] = frozenset(
                hit.target for hit in hits if hit.target is not Target.NONE
            )
            suppressors = frozenset(s for hit in hits for s in hit.suppressed_by)
        else:
            final = before = NO_SCORES  # what ``_combine`` says of no scores
            targets, suppressors = _NO_TARGETS, _NO_SUPPRESSORS
        roles = ctx.roles
        return RuleAnalysis(
            normalised=normalised,
            lang=lang,
            language_shares=shares,
            raw_matches=tuple(raw),
            hits=tuple(hits),
            category_scores=final,
            raw_scores=before,
            targets=targets,
            suppressors=suppressors,
            is_question="?" in normalised.text,
            has_negation=bool(roles.get("grammar.negators")),
            has_quote='"' in normalised.text
            or bool(roles.get("grammar.reporting"))
            or any(Suppressor.QUOTE in hit.suppressed_by for hit in hits),
            has_counter_speech=bool(roles.get("grammar.counter_speech")),
            has_profanity=bool(roles.get("insult.profanity")),
            mentions_group=bool(roles.get("hate.groups")),
            addresses_reader=bool(
                roles.get("grammar.second_person") or roles.get("grammar.address_noun")
            ),
            truncated=normalised.truncated,
        )
