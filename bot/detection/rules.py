"""Target-aware rules over lexicon matches: who is insulted, and is it a person or a product?

Each rule yields a ``Candidate``; ``suppressors.py`` then decides whether negation, quotation,
counter-speech, idioms, questions, reclaimed use or allow terms cancel it. The other categories
live in ``rules_harm.py``. Scores: 0.95 strong targeted match, 0.85-0.9 named third person or
standalone phrase, 0.8 weaker targeting (vocative), 0.65 a guess at the target ("c'est un ..."),
0.55 an insult word aimed at nobody in particular, 0.35 a lone provocation word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.detection.analysis import Target
from bot.detection.context import Candidate, RuleContext, words_between
from bot.detection.lexicon import RawMatch
from bot.verdicts import Category

__all__ = [
    "LONE_PROVOCATION",
    "PHRASE",
    "STRONG",
    "THIRD_PERSON",
    "UNSURE_TARGET",
    "UNTARGETED",
    "WEAK_TARGET",
    "candidate",
    "find_candidates",
]

STRONG = 0.95
PHRASE = 0.9
THIRD_PERSON = 0.85
WEAK_TARGET = 0.8
LIKELY_PERSON = 0.75
UNSURE_TARGET = 0.58
UNTARGETED = 0.55
LONE_PROVOCATION = 0.35
_ATTITUDE_WORDS = 3  # "hate (all of) your staff", "haat (die) chauffeurs"
_CONTRASTS = frozenset(["but", "maar", "mais", "aber", "however", "toch", "pourtant", "trotzdem"])
# people a feeling can be about, besides the person roles ("you", not "your (app)")
_PEOPLE_WORDS = frozenset(
    [
        *("you", "him", "her", "them", "people", "jou", "jullie", "hem", "haar", "hen", "mensen"),
        *("toi", "vous", "gens", "dich", "euch", "ihn", "leute", "menschen"),
    ]
)
_ARTICLES = frozenset(
    [
        "a",
        "an",
        "the",
        "un",
        "une",
        "le",
        "la",
        "een",
        "ein",
        "eine",
        "einen",
        "der",
        "die",
        "das",
        "de",
        "het",
        "ne",
        "nen",
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
# Cues that name no subject themselves: who is meant must come from the words before them.
_BARE_COPULA_CUES = frozenset(
    [*("is a", "is an", "is een", "est un", "est une", "ist ein", "ist eine", "are", "zijn"), "="]
)
_PLURAL_COPULAS = frozenset(["are", "zijn", "sind", "sont des"])
# roles ``_neutral_roles`` does not take: pronouns in the person-role list
_NOT_ROLES = frozenset(
    [
        *("hij", "zij", "ze", "wie", "degene", "il", "elle", "ils", "elles", "celui", "celle"),
        *("he", "she", "him", "her", "they", "whoever", "er", "sie", "wer", "derjenige"),
    ]
)
# lexicon roles of abusive words (not the context roles beside them: groups, objects...)
_ABUSE_ROLES = frozenset(
    [
        *("insult.addressed_only", "insult.adjectives", "insult.nouns", "insult.phrases"),
        *("insult.profanity", "hate.slurs", "hate.ambiguous_slurs", "hate.dehumanising"),
        *("hate.phrases", "hate.derogation_phrases", "sexual.addressed_terms", "sexual.body"),
        *("sexual.phrases", "threat.phrases", "threat.death_wishes", "trolling.phrases"),
        "trolling.words",
    ]
)
_CURSE_STEM = re.compile("kanker|kut|scheis|fuck|shit|merde|putain|hoer|klote|bitch|dreck|kack")
_HELL = frozenset(["hell", "hel", "enfer", "holle", "hoelle"])
# Address cues that speak to a group: said to a company, a verdict on its service.
_PLURAL_ADDRESS = frozenset(
    [
        *("you guys are", "you all are", "you are all", "you're all", "y'all are", "jullie zijn"),
        *("jullie zijn echt", "jullie zijn allemaal", "jullie", "vous etes", "vous etes des"),
        *("vous etes une", "vous etes un", "vous etes vraiment des", "vous n'etes que des"),
        *("ihr seid", "ihr seid alle", "ihr seid echt", "ihr seid so", "ihr"),
    ]
)
# Verdicts that name people ("clowns", "amateurs"): a company's only when it is named.
_NAMES_FOR_PEOPLE = frozenset(
    [
        *("clowns", "des clowns", "amateurs", "des amateurs", "amateure", "prutsers", "knoeiers"),
        *("beunhazen", "incompetenten", "incapables", "des incapables", "branquignols"),
        *("bunglers", "incompetents", "stümper", "stumper", "pfuscher", "dilettanten"),
    ]
)
# Demonstratives ("c'est un ...", "dit is een ...") point at a thing as often as at a person.
_DEMONSTRATIVE_CUES = frozenset(
    [*("c'est un", "c'est une", "dat is een", "das ist ein", "das ist eine", "this is a"), "it's a"]
)


def candidate(
    category: Category,
    rule: str,
    score: float,
    match: RawMatch,
    target: Target,
    start: int | None = None,
    suppressible: frozenset[str] | None = None,
) -> Candidate:
    """A candidate whose decisive term is ``match`` (evidence may start earlier, at ``start``)."""
    found = Candidate(
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
        found.suppressible = suppressible
    return found


def _is_specific_product(cue: RawMatch) -> bool:
    return any(word not in _GENERIC_SUBJECT_WORDS for word in cue.term.split())


def _is_vocative(ctx: RuleContext, match: RawMatch) -> bool:
    """The insult stands alone in its clause ("Idiot!", "stupid moron, open the doors")."""
    layout = ctx.layout
    start, end = layout.clause_start(match.start), layout.clause_end(match.end)
    around = words_between(ctx.text, start, match.start) + words_between(ctx.text, match.end, end)
    allowed = ctx.skippable | ctx.person_subjects
    mentions = ctx.text[start : match.start].count("@") + ctx.text[match.end : end].count("@")
    return all(word in allowed or word.isdigit() for word in around) or (
        # "@Timo Hurensohn": a handle and the insult, nothing else
        mentions == 1 and len(around) == 1
    )


def _qualifies_a_thing(ctx: RuleContext, match: RawMatch) -> bool:
    """ "is a vile generalisation": the adjective describes the next noun, not the person."""
    following = words_between(ctx.text, match.end, ctx.layout.clause_end(match.end))[:1]
    return bool(following) and not (
        ctx.is_filler(following[0])
        or following[0] in ctx.closed_class
        or ctx.is_person_word(following[0])
    )


def _insulting_vocative(ctx: RuleContext, match: RawMatch) -> bool:
    """ "stupid cow!", "stomme zak": an insult adjective right before, nothing else around."""
    before = words_between(ctx.text, ctx.layout.clause_start(match.start), match.start)
    return bool(before) and before[-1] in ctx.insult_adjectives and _is_vocative(ctx, match)


def _third_person(ctx: RuleContext, match: RawMatch, cue: RawMatch) -> Candidate:
    subject = ctx.subject_before(cue)
    if subject == "product":
        return candidate(Category.INSULT, "insult.about_product", UNTARGETED, match, Target.PRODUCT)
    if subject is None and cue.term in _PLURAL_COPULAS:
        return candidate(Category.INSULT, "insult.term", UNTARGETED, match, Target.NONE)
    if subject is None and cue.term in _DEMONSTRATIVE_CUES | _BARE_COPULA_CUES:
        return candidate(
            Category.INSULT,
            "insult.third_person",
            UNSURE_TARGET if cue.term in _DEMONSTRATIVE_CUES else LIKELY_PERSON,
            match,
            Target.THIRD_PERSON,
            cue.start,
        )
    return candidate(
        Category.INSULT, "insult.third_person", THIRD_PERSON, match, Target.THIRD_PERSON, cue.start
    )


def _insult_nouns(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("insult.nouns"):
        address = ctx.cue_before("grammar.address_noun", match, allow_free=True) or ctx.cue_before(
            "grammar.address_adjective", match, allow_free=True
        )
        product = _product_subject(ctx, match)
        third = ctx.cue_before("grammar.third_person", match, allow_free=True)
        if (
            ctx.followed_by_product(match)
            or (product is not None and _is_specific_product(product))
            or _aimed_at_organisation(ctx, match, address)
        ):
            yield candidate(
                Category.INSULT, "insult.about_product", UNTARGETED, match, Target.PRODUCT
            )
        elif address is not None and (third is None or address.end >= third.end):
            yield candidate(
                Category.INSULT,
                "insult.addressed",
                STRONG,
                match,
                Target.SECOND_PERSON,
                address.start,
            )
        elif third is not None and _qualifies_a_thing(ctx, match):
            # "what an idiot move by the ref": the word describes the move.
            yield candidate(Category.INSULT, "insult.term", UNTARGETED, match, Target.NONE)
        elif third is not None:
            yield _third_person(ctx, match, third)
        elif (
            product is not None
            and set(words_between(ctx.text, product.end, match.start)) & _ARTICLES
        ):
            yield candidate(
                Category.INSULT,
                "insult.this_is",
                UNSURE_TARGET,
                match,
                Target.THIRD_PERSON,
                product.start,
            )
        elif _is_vocative(ctx, match):
            yield candidate(
                Category.INSULT, "insult.vocative", WEAK_TARGET, match, Target.SECOND_PERSON
            )
        else:
            yield candidate(Category.INSULT, "insult.term", UNTARGETED, match, Target.NONE)


def _product_subject(ctx: RuleContext, match: RawMatch) -> RawMatch | None:
    """The "<product> is" cue before ``match``, unless it says where a person works ("Sarah
    from customer service is a ...")."""
    product = ctx.cue_before("grammar.product_subjects", match, allow_free=True)
    if product is not None and ctx.after_from_the(product.start):
        return None
    return product


def _aimed_at_organisation(ctx: RuleContext, match: RawMatch, address: RawMatch | None) -> bool:
    """ "You guys are a joke", "Proximus, jullie zijn een schande", "vous êtes des clowns chez
    VOO": a verdict on a service said to the company is criticism, not an insult at a person.

    Said to the company: a plural address ("jullie zijn een schande"), or the company named in
    the verdict's clause ("prutsers bij Orange") or called first in its sentence ("Proximus,
    you are a disgrace"); not "jij bent een schande, ik bel morgen naar Proximus". Verdicts that
    name people ("clowns", "prutsers") need more than a plural address: the company named, or a
    message about a product ("You guys are clowns. Four hours on hold to restart my modem").
    """
    verdicts = [
        v
        for v in ctx.index("grammar.org_verdicts").within(match.start, match.end)
        if v.start >= match.start and v.end <= match.end
    ]
    if not verdicts:
        return False
    said_to_many = address is not None and address.term in _PLURAL_ADDRESS
    if said_to_many and any(v.term not in _NAMES_FOR_PEOPLE for v in verdicts):
        return True
    layout = ctx.layout
    organisations = ctx.index("grammar.organisations")
    if organisations.within(layout.clause_start(match.start), layout.clause_end(match.end)):
        return True
    sentence = layout.sentence_start(match.start)
    called = organisations.within(sentence, layout.clause_end(sentence))
    if called and not words_between(ctx.text, sentence, called[0].start):
        return True  # "Proximus, you are a disgrace"
    return said_to_many and bool(ctx.matches("grammar.product_nouns"))


def _insult_addressed_words(ctx: RuleContext) -> Iterable[Candidate]:
    """Words that insult only when aimed at a person: "you're garbage", "t'es con"."""
    for role, address_role in (
        ("insult.addressed_only", "grammar.address_noun"),
        ("insult.adjectives", "grammar.address_adjective"),
    ):
        for match in ctx.matches(role):
            product = _product_subject(ctx, match)
            address = ctx.cue_before(address_role, match, allow_free=True)
            third = ctx.cue_before("grammar.third_person", match, allow_free=True)
            if (
                ctx.followed_by_product(match)
                or (product is not None and (address is None or product.end >= address.end))
                or _aimed_at_organisation(ctx, match, address)
            ):
                yield candidate(
                    Category.INSULT, "insult.about_product", UNTARGETED, match, Target.PRODUCT
                )
            elif address is not None:
                yield candidate(
                    Category.INSULT,
                    "insult.addressed",
                    STRONG,
                    match,
                    Target.SECOND_PERSON,
                    address.start,
                )
            elif (
                third is not None
                and ctx.subject_before(third) == "person"
                and not _qualifies_a_thing(ctx, match)
            ):
                yield candidate(
                    Category.INSULT,
                    "insult.third_person",
                    WEAK_TARGET,
                    match,
                    Target.THIRD_PERSON,
                    third.start,
                )
            elif role == "insult.addressed_only" and _insulting_vocative(ctx, match):
                yield candidate(
                    Category.INSULT, "insult.vocative", WEAK_TARGET, match, Target.SECOND_PERSON
                )


def _insulting_words(ctx: RuleContext, words: list[str]) -> bool:
    adjectives = ctx.insult_adjectives | ctx.weak_adjectives
    return any(word in adjectives for word in words)


def _insult_roles(ctx: RuleContext) -> Iterable[Candidate]:
    """An insult adjective on a person's role: "you useless doctor", "t'es le facteur le plus
    débile", "what a moronic guard"."""
    adjectives = ctx.index("insult.adjectives")
    for role in ctx.matches("grammar.person_subjects"):
        cue = ctx.cue_before("grammar.address_noun", role, allow_free=True) or ctx.cue_before(
            "grammar.address_adjective", role, allow_free=True
        )
        third = None if cue else ctx.cue_before("grammar.third_person", role, allow_free=True)
        anchor = cue or third
        if anchor is None or ctx.layout.is_quoted(anchor.start, anchor.end):
            continue
        before = words_between(ctx.text, anchor.end, role.start)
        after = [
            a
            for a in adjectives.within(role.end, ctx.layout.clause_end(role.end))
            if ctx.gap_is_skippable(role.end, a.start)
        ]
        if not (_insulting_words(ctx, before) or after):
            continue
        found = candidate(
            Category.INSULT,
            "insult.addressed_role" if cue else "insult.third_person_role",
            PHRASE if cue else WEAK_TARGET,
            after[0] if after else role,
            Target.SECOND_PERSON if cue else Target.THIRD_PERSON,
            anchor.start,
        )
        found.start, found.end = anchor.start, max(role.end, found.term_end)
        yield found


def _cursing(words: Iterable[str]) -> bool:
    """A curse inside a word or a "from hell" ("kankerlelijke", "scheiss", "customer from hell")."""
    return any(word in _HELL or _CURSE_STEM.search(word) for word in words)


def _matches_between(ctx: RuleContext, start: int, end: int) -> Iterable[RawMatch]:
    for matches in ctx.roles.values():
        for match in matches:
            if start <= match.start and match.end <= end:
                yield match


def _neutral_roles(ctx: RuleContext) -> Iterable[Candidate]:
    """ "jij bent een Anderlecht fan", "du bist ein treuer Kunde", "t'es une maman solo": an
    address frame whose complement is a neutral role (a fan, a customer, a parent, a job) with
    no insulting word in between. Not an insult; the candidate (score 0, always discounted by
    ``Suppressor.NEUTRAL_ROLE``) says the rules looked and found none, so a model score learnt
    from the frame ("du bist ein ...") goes to a moderator instead of punishing."""
    for role_name in ("grammar.neutral_roles", "grammar.person_subjects"):
        for role in ctx.matches(role_name):
            if role.term in _NOT_ROLES:
                continue  # pronouns: "du bist ein Hurenkind wie er"
            cue = ctx.cue_before("grammar.address_noun", role, allow_free=True)
            if cue is None or len(cue.term.split()) < 2 or ctx.layout.is_quoted(cue.start, cue.end):
                continue
            end = ctx.layout.clause_end(role.end)
            gap = words_between(ctx.text, cue.end, role.start)
            if _insulting_words(ctx, gap) or _cursing(gap + words_between(ctx.text, role.end, end)):
                continue  # "jij bent een stomme klant", "du bist ein scheiß Kunde"
            if any(match.role in _ABUSE_ROLES for match in _matches_between(ctx, cue.start, end)):
                continue  # an abusive word in the clause speaks for itself
            yield candidate(  # always discounted: ``suppressors_for``
                Category.INSULT, "insult.neutral_role", 0.0, role, Target.SECOND_PERSON, cue.start
            )


def _attitudes(ctx: RuleContext) -> Iterable[Candidate]:
    """ "I don't hate your staff", "ik haat jullie personeel niet", "rien contre le technicien":
    a feeling about people, with the people right after it. No insult by itself (score 0): the
    candidate is there for its suppressors, so that a negated one ("don't hate") keeps a model
    score learnt from "hate your staff" from punishing (a moderator reviews it instead)."""
    for verb in ctx.matches("grammar.attitudes"):
        rest = words_between(ctx.text, verb.end, ctx.layout.sentence_end(verb.end))
        if not _CONTRASTS.isdisjoint(rest):
            continue  # "Nichts gegen dich, aber du bist ...": the point comes after "aber"
        after = words_between(ctx.text, verb.end, ctx.layout.clause_end(verb.end))
        if any(
            word in _PEOPLE_WORDS or ctx.is_person_word(word)
            for word in after[: _ATTITUDE_WORDS + 1]
        ):
            yield candidate(Category.INSULT, "insult.attitude", 0.0, verb, Target.SECOND_PERSON)


def _insult_phrases(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("insult.phrases"):
        yield candidate(Category.INSULT, "insult.phrase", PHRASE, match, Target.SECOND_PERSON)


_Rule = tuple[Callable[[RuleContext], Iterable[Candidate]], frozenset[str] | None]
_INSULT_RULES: tuple[_Rule, ...] = (
    (_insult_nouns, frozenset(["insult.nouns"])),
    (_insult_addressed_words, frozenset(["insult.addressed_only", "insult.adjectives"])),
    (_insult_phrases, frozenset(["insult.phrases"])),
    (_insult_roles, frozenset(["grammar.person_subjects"])),
    (_neutral_roles, frozenset(["grammar.neutral_roles", "grammar.person_subjects"])),
    (_attitudes, frozenset(["grammar.attitudes"])),
)


def find_candidates(ctx: RuleContext) -> list[Candidate]:
    """Run every rule (those whose starting roles matched); candidates in text order."""
    from bot.detection.rules_harm import HARM_RULES

    roles = ctx.roles
    found: list[Candidate] = []
    for rule, needs in (*_INSULT_RULES, *HARM_RULES):
        if needs is None or not needs.isdisjoint(roles):
            found.extend(rule(ctx))
    if len(found) > 1:
        found.sort(key=_text_order)
    return found


def _text_order(found: Candidate) -> tuple[int, int, str]:
    return (found.start, found.end, found.category.value)
