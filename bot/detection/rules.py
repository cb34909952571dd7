"""Target-aware rules over lexicon matches: who is insulted, threatened, degraded or propositioned.

Each rule produces a candidate ``RuleHit``; ``suppressors.py`` then decides whether negation,
quotation, counter-speech, idioms, questions, reclaimed use or allow terms cancel it.
Scores: 0.95 strong targeted match, 0.85-0.9 named third person or standalone phrase,
0.8 weaker targeting (vocative, generic "c'est un ..."), 0.55 an insult word aimed at nobody in
particular, 0.35 a lone provocation word inside a longer message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.detection.analysis import Target
from bot.detection.context import MatchIndex, TextLayout, words_between
from bot.detection.lexicon import RawMatch
from bot.verdicts import Category, Language

__all__ = ["Candidate", "RuleContext", "find_candidates"]

STRONG = 0.95
PHRASE = 0.9
THIRD_PERSON = 0.85
WEAK_TARGET = 0.8
UNTARGETED = 0.55
LONE_PROVOCATION = 0.35
_MAX_GAP_WORDS = 4  # words allowed between a cue ("you are") and its insult ("idiot")
_MAX_LINK_WORDS = 3  # between a group and a dehumanising word ("X are (all) vermin")
_MAX_DEROGATION_WORDS = 12
_SHORT_MESSAGE_WORDS = 4
_LINK_BREAKERS = frozenset(
    [
        "of",
        "by",
        "from",
        "for",
        "with",
        "against",
        "van",
        "door",
        "voor",
        "met",
        "tegen",
        "par",
        "pour",
        "avec",
        "contre",
        "de",
        "des",
        "von",
        "durch",
        "vor",
        "für",
        "mit",
        "gegen",
        "about",
        "over",
        "sur",
        "uber",
    ]
)
# Words that make a "<subject> is" cue generic ("this is", "c'est") rather than a named product.
_GENERIC_SUBJECT_WORDS = frozenset(
    [
        "this",
        "that",
        "it",
        "it's",
        "its",
        "is",
        "was",
        "just",
        "whole",
        "thing",
        "c'est",
        "ca",
        "c'etait",
        "vraiment",
        "completement",
        "trop",
        "tellement",
        "dit",
        "dat",
        "het",
        "da's",
        "das",
        "is",
        "was",
        "es",
        "ist",
        "war",
        "dies",
        "ganze",
        "sache",
    ]
)


@dataclass(slots=True)
class Candidate:
    """A rule firing before suppression; offsets in normalised text."""

    category: Category
    rule: str
    score: float
    term: str
    lang: Language
    start: int  # span of the whole evidence (e.g. group .. dehumanising word)
    end: int
    term_start: int  # the decisive term
    term_end: int
    target: Target
    suppressible: frozenset[str] = frozenset(
        {"negation", "quote", "counter_speech", "idiom", "question", "allowed"}
    )


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule needs: text layout, matches per role, and word sets."""

    text: str
    layout: TextLayout
    roles: dict[str, list[RawMatch]]
    indexes: dict[str, MatchIndex]
    skippable: frozenset[str]
    person_subjects: frozenset[str]
    word_count: int

    def matches(self, role: str) -> list[RawMatch]:
        return self.roles.get(role, [])

    def index(self, role: str) -> MatchIndex:
        return self.indexes.get(role) or MatchIndex(())

    def gap_is_skippable(self, start: int, end: int) -> bool:
        words = words_between(self.text, start, end)
        return len(words) <= _MAX_GAP_WORDS and all(w in self.skippable for w in words)

    def cue_before(self, role: str, match: RawMatch) -> RawMatch | None:
        """The nearest ``role`` match in the same clause with only filler words in between."""
        floor = self.layout.clause_start(match.start)
        for cue in self.index(role).before(match.start, floor):
            if cue.end <= match.start and self.gap_is_skippable(cue.end, match.start):
                return cue
        return None

    def subject_is_person(self, cue: RawMatch) -> bool:
        """Whether a third-person cue ("is a") has a person as subject ("@anna", "the driver")."""
        cue_words = set(cue.term.split())
        if cue_words & self.person_subjects:
            return True
        before = words_between(self.text, self.layout.clause_start(cue.start), cue.start)
        if before and before[-1] in self.person_subjects:
            return True
        start = cue.start - 1
        while start >= 0 and self.text[start] == " ":
            start -= 1
        word_start = start
        while word_start >= 0 and (
            self.text[word_start].isalnum() or self.text[word_start] in "_@"
        ):
            word_start -= 1
        return start >= 0 and self.text[word_start + 1 : start + 1].startswith("@")


def _candidate(
    category: Category,
    rule: str,
    score: float,
    match: RawMatch,
    target: Target,
    start: int | None = None,
    suppressible: frozenset[str] | None = None,
) -> Candidate:
    candidate = Candidate(
        category=category,
        rule=rule,
        score=score,
        term=match.term,
        lang=match.lang,
        start=match.start if start is None else min(start, match.start),
        end=match.end,
        term_start=match.start,
        term_end=match.end,
        target=target,
    )
    if suppressible is not None:
        candidate.suppressible = suppressible
    return candidate


def _is_specific_product(cue: RawMatch) -> bool:
    return any(word not in _GENERIC_SUBJECT_WORDS for word in cue.term.split())


def _is_vocative(ctx: RuleContext, match: RawMatch) -> bool:
    layout = ctx.layout
    start, end = layout.clause_start(match.start), layout.clause_end(match.end)
    around = words_between(ctx.text, start, match.start) + words_between(ctx.text, match.end, end)
    return all(word in ctx.skippable for word in around)


def _insult_nouns(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("insult.nouns"):
        address = ctx.cue_before("grammar.address_noun", match)
        product = ctx.cue_before("grammar.product_subjects", match)
        third = ctx.cue_before("grammar.third_person", match)
        if product is not None and _is_specific_product(product):
            yield _candidate(
                Category.INSULT, "insult.about_product", UNTARGETED, match, Target.PRODUCT
            )
        elif address is not None and (third is None or address.end >= third.end):
            yield _candidate(
                Category.INSULT,
                "insult.addressed",
                STRONG,
                match,
                Target.SECOND_PERSON,
                address.start,
            )
        elif third is not None:
            yield _candidate(
                Category.INSULT,
                "insult.third_person",
                THIRD_PERSON,
                match,
                Target.THIRD_PERSON,
                third.start,
            )
        elif product is not None:
            yield _candidate(
                Category.INSULT,
                "insult.this_is",
                WEAK_TARGET,
                match,
                Target.THIRD_PERSON,
                product.start,
            )
        elif _is_vocative(ctx, match):
            yield _candidate(
                Category.INSULT, "insult.vocative", WEAK_TARGET, match, Target.SECOND_PERSON
            )
        else:
            yield _candidate(Category.INSULT, "insult.term", UNTARGETED, match, Target.NONE)


def _insult_addressed_words(ctx: RuleContext) -> Iterable[Candidate]:
    """Words that insult only when aimed at a person: "you're garbage", "t'es con"."""
    for role, address_role in (
        ("insult.addressed_only", "grammar.address_noun"),
        ("insult.adjectives", "grammar.address_adjective"),
    ):
        for match in ctx.matches(role):
            product = ctx.cue_before("grammar.product_subjects", match)
            address = ctx.cue_before(address_role, match)
            third = ctx.cue_before("grammar.third_person", match)
            if product is not None and (address is None or product.end >= address.end):
                yield _candidate(
                    Category.INSULT, "insult.about_product", UNTARGETED, match, Target.PRODUCT
                )
            elif address is not None:
                yield _candidate(
                    Category.INSULT,
                    "insult.addressed",
                    STRONG,
                    match,
                    Target.SECOND_PERSON,
                    address.start,
                )
            elif third is not None and ctx.subject_is_person(third):
                yield _candidate(
                    Category.INSULT,
                    "insult.third_person",
                    WEAK_TARGET,
                    match,
                    Target.THIRD_PERSON,
                    third.start,
                )


def _insult_phrases(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("insult.phrases"):
        yield _candidate(Category.INSULT, "insult.phrase", PHRASE, match, Target.SECOND_PERSON)


def _words_link(ctx: RuleContext, left: RawMatch, right: RawMatch, limit: int) -> bool:
    words = words_between(ctx.text, left.end, right.start)
    return len(words) <= limit and not any(word in _LINK_BREAKERS for word in words)


def _hate(ctx: RuleContext) -> Iterable[Candidate]:
    layout = ctx.layout
    no_negation = frozenset(
        {"quote", "counter_speech", "idiom", "question", "reclaimed", "allowed"}
    )
    for match in ctx.matches("hate.slurs"):
        yield _candidate(
            Category.HATE, "hate.slur", PHRASE, match, Target.GROUP, suppressible=no_negation
        )
    for match in ctx.matches("hate.phrases"):
        yield _candidate(Category.HATE, "hate.phrase", PHRASE, match, Target.GROUP)
    groups = ctx.index("hate.groups")
    for role, limit, rule in (
        ("hate.dehumanising", _MAX_LINK_WORDS, "hate.dehumanising"),
        ("hate.derogation_phrases", _MAX_DEROGATION_WORDS, "hate.derogation"),
    ):
        for match in ctx.matches(role):
            floor = (
                layout.sentence_start(match.start)
                if rule == "hate.derogation"
                else layout.clause_start(match.start)
            )
            for group in groups.before(match.start, floor):
                if group.end <= match.start and _words_link(ctx, group, match, limit):
                    yield _candidate(Category.HATE, rule, STRONG, match, Target.GROUP, group.start)
                    break
    modifiers = ctx.index("hate.modifiers")
    for group in ctx.matches("hate.groups"):
        for modifier in modifiers.before(group.start, layout.clause_start(group.start), limit=1):
            if not words_between(ctx.text, modifier.end, group.start):
                candidate = _candidate(
                    Category.HATE,
                    "hate.derogatory_modifier",
                    PHRASE,
                    group,
                    Target.GROUP,
                    modifier.start,
                )
                candidate.term = f"{modifier.term} {group.term}"
                yield candidate


def _threats(ctx: RuleContext) -> Iterable[Candidate]:
    layout = ctx.layout
    for match in ctx.matches("threat.phrases"):
        rule = (
            "threat.doxxing"
            if any(
                w in match.term
                for w in ("where", "waar", "ou ", "wo ", "adres", "address", "adresse")
            )
            else "threat.phrase"
        )
        yield _candidate(Category.THREAT, rule, STRONG, match, Target.SECOND_PERSON)
    for match in ctx.matches("threat.death_wishes"):
        yield _candidate(Category.THREAT, "threat.death_wish", PHRASE, match, Target.SECOND_PERSON)
    first = ctx.index("grammar.first_person")
    seconds = [ctx.index("grammar.second_person"), ctx.index("threat.objects")]
    for verb in ctx.matches("threat.verbs"):
        start, end = layout.clause_start(verb.start), layout.clause_end(verb.end)
        subjects = [f for f in first.before(verb.start, start) if f.end <= verb.start]
        if not subjects:
            continue
        subject_end = min(f.end for f in subjects)
        objects = [
            o for index in seconds for o in index.within(subject_end, end) if o.start >= subject_end
        ]
        if objects:
            yield _candidate(
                Category.THREAT,
                "threat.violence",
                THIRD_PERSON,
                verb,
                Target.SECOND_PERSON,
                min(f.start for f in subjects),
            )


def _sexual(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("sexual.phrases"):
        yield _candidate(Category.SEXUAL, "sexual.phrase", STRONG, match, Target.SECOND_PERSON)
    for match in ctx.matches("sexual.addressed_terms"):
        address = ctx.cue_before("grammar.address_adjective", match) or ctx.cue_before(
            "grammar.address_noun", match
        )
        if address is not None:
            yield _candidate(
                Category.SEXUAL,
                "sexual.addressed",
                THIRD_PERSON,
                match,
                Target.SECOND_PERSON,
                address.start,
            )


def _trolling(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("trolling.phrases"):
        yield _candidate(
            Category.TROLLING, "trolling.phrase", THIRD_PERSON, match, Target.SECOND_PERSON
        )
    for match in ctx.matches("trolling.words"):
        taunting = ctx.word_count <= _SHORT_MESSAGE_WORDS or ctx.layout.sentence_is_question(
            match.start
        )
        score = WEAK_TARGET if taunting else LONE_PROVOCATION
        yield _candidate(Category.TROLLING, "trolling.word", score, match, Target.SECOND_PERSON)


RULES: tuple[Callable[[RuleContext], Iterable[Candidate]], ...] = (
    _insult_nouns,
    _insult_addressed_words,
    _insult_phrases,
    _hate,
    _threats,
    _sexual,
    _trolling,
)


def find_candidates(ctx: RuleContext) -> list[Candidate]:
    """Run every rule; candidates in text order."""
    found = [candidate for rule in RULES for candidate in rule(ctx)]
    return sorted(found, key=lambda c: (c.start, c.end, c.category.value))
