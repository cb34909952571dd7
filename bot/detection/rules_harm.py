"""Rules for hate, threats, sexual remarks and trolling (insults are in ``rules.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.detection.analysis import Target
from bot.detection.context import Candidate, RuleContext, words_between
from bot.detection.lexicon import RawMatch
from bot.detection.rules import (
    LONE_PROVOCATION,
    PHRASE,
    STRONG,
    THIRD_PERSON,
    WEAK_TARGET,
    candidate,
)
from bot.verdicts import Category, Language

__all__ = ["HARM_RULES"]

_MAX_LINK_WORDS = 3  # group .. dehumanising word ("X are (all) vermin")
# A bare "geen" / "keine" + group is exclusion ("Keine Ausländer hier!", "Lasst keine X mehr
# ...", "In onze wijk willen we geen X"), except as the object of a verb of feeling, having,
# seeing or existing ("Ich hasse keine Ausländer", "Ik heb geen moslims gezien", "Hier gibt es
# keine Ausländer"): then the negation is that verb's.
_BARE_EXCLUSION_CUES = frozenset(["geen", "keine"])
_OBJECT_VERBS = frozenset(
    [
        "hasse",
        "hasst",
        "hassen",
        "haat",
        "haten",
        "habe",
        "hab",
        "hat",
        "haben",
        "hatte",
        "heb",
        "hebben",
        "had",
        "gibt",
        "gab",
        "sehe",
        "sah",
        "gesehen",
        "zie",
        "zag",
        "gezien",
        "kenne",
        "kennt",
        "ken",
        "kent",
        "mag",
        "mogen",
        "finde",
        "vind",
        "treffe",
        "ontmoet",
        "bin",
        "ben",
    ]
)
_OBJECT_VERB_WINDOW = 3  # words before the cue
# pronouns that make the next word a name for the reader ("du Zecke"); not "je"/"your": "je pot"
# is "your jar"
_VOCATIVE_PRONOUNS = frozenset(["jij", "gij", "ge", "toi", "you", "du"])
_MAX_COPULA_LINK_WORDS = 8  # when the gap holds a copula or simile ("X in the queue are like rats")
_MAX_DEROGATION_WORDS = 12
_MAX_OBJECT_DISTANCE = 5
_MAX_PRONOUN_GAP = 2
# Object pronouns that sit before the verb ("je vais te tuer", "ik ga je slaan", "je lui pète").
_OBJECT_PRONOUNS = frozenset(
    [
        "you",
        "him",
        "her",
        "them",
        "te",
        "t'",
        "lui",
        "l'",
        "le",
        "la",
        "je",
        "jou",
        "u",
        "hem",
        "haar",
        "ze",
        "dich",
        "dir",
        "euch",
        "ihn",
        "ihm",
    ]
)  # words between a violent verb and its object
_SHORT_MESSAGE_WORDS = 4
_SHORT_SENTENCE_WORDS = 2
_SPAM_REPEATS = 3
_SPAM_MIN_WORDS = 6
_SPAM_COVERAGE = 0.7
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
        "von",
        "durch",
        "vor",
        "fur",
        "mit",
        "gegen",
        "about",
        "over",
        "sur",
        "uber",
    ]
)
_ORIGIN_WORDS = frozenset(["from", "uit", "van", "d'", "de", "du", "aus", "venus", "komen"])
# Details after these are the speaker's own or nobody's in particular: a customer with a new
# address to update is no doxxing ("my home address", "een nieuw thuisadres", "a new number").
_OWN_POSSESSIVES = frozenset(
    [
        *("my", "our", "mijn", "m'n", "mn", "ons", "onze", "mon", "ma", "mes", "notre", "nos"),
        *("mein", "meine", "meinen", "meiner", "unser", "unsere", "unseren"),
        *("a", "an", "new", "een", "nieuw", "nieuwe", "un", "une", "nouvelle", "nouveau"),
        *("ein", "eine", "einen", "neue", "neuen", "neuer"),
    ]
)
_THIRD_POSSESSIVES = frozenset(
    [
        *("his", "her", "their", "zijn", "haar", "hun", "son", "sa", "ses", "leur", "sein"),
        *("seine", "seinen", "ihre", "ihren", "ihr"),
    ]
)
_OWNER_PREPOSITIONS = frozenset(["of", "van", "du", "de", "des", "der", "vom", "von"])
# pronouns a passive violent wish can be about ("he should be hanged", "die moet ...")
_PERSON_PRONOUNS = frozenset(
    [
        *("he", "she", "they", "him", "her", "hij", "zij", "ze", "hem", "il", "elle", "ils"),
        *("elles", "lui", "er", "sie", "ihn"),
    ]
)
# Separable particles that make a violent-looking stem harmless (bring ... mit, schlage ... vor,
# steek ... toe, sla ... op), and those that keep it violent (bring ... um, steek ... neer)
_HARMLESS_PARTICLES = frozenset(
    [
        *("mit", "vor", "vorbei", "zu", "auf", "bei", "zuruck", "zurueck", "mee", "toe", "op"),
        *("af", "over", "voor", "bij", "terug", "door"),
    ]
)
_VIOLENT_PARTICLES = frozenset(
    [
        *("um", "ab", "tot", "zusammen", "nieder", "kaputt", "ein", "neer", "kapot", "dood"),
        *("elkaar", "mekaar", "brand", "fik", "plat", "fresse", "gesicht", "kopf", "nase"),
        *("smoel", "bek", "kop", "tanden", "gezicht", "hoofd", "nek", "benen", "armen"),
    ]
)
# A street and a house number: "Kerkstraat 12", "Bahnhofstr. 5", "rue de la Loi 16",
# "12 Church Street" (normalised text: lowercase, accents folded)
_STREET = re.compile(
    r"\b[a-z-]+(?:straat|str|laan|weg|plein|lei|dreef|steenweg|kaai|strasse|gasse|platz|allee)"
    r"\b\.?\s*\d{1,4}\b"
    r"|\b(?:rue|avenue|av|chaussee|boulevard|bd|place|chemin|allee)\b[^,.;!?\n]{1,40}?\b\d{1,4}\b"
    r"|\b\d{1,4}\s+[a-z]+(?:\s+[a-z]+)?\s+(?:street|st|road|rd|lane|avenue|ave|drive|close)\b"
    # "lives at 14 Kerkstraat": the number first, as English writes it
    r"|\b\d{1,4}\s+[a-z-]+(?:straat|laan|plein|lei|dreef|steenweg|kaai|strasse|gasse|platz|allee)\b"
)
_NO_NEGATION = frozenset({"quote", "counter_speech", "idiom", "question", "reclaimed"})


def _linked(ctx: RuleContext, group: RawMatch, term: RawMatch) -> bool:
    words = words_between(ctx.text, group.end, term.start)
    if any(word in _LINK_BREAKERS for word in words):
        return False
    if len(words) <= _MAX_LINK_WORDS:
        return True
    copulas = ctx.index("grammar.copulas").within(group.end, term.start)
    return bool(copulas) and len(words) <= _MAX_COPULA_LINK_WORDS


def _hate(ctx: RuleContext) -> Iterable[Candidate]:
    layout = ctx.layout
    for match in ctx.matches("hate.slurs"):
        yield candidate(
            Category.HATE, "hate.slur", PHRASE, match, Target.GROUP, suppressible=_NO_NEGATION
        )
    for match in ctx.matches("hate.ambiguous_slurs"):
        if _aimed_slur(ctx, match):
            yield candidate(
                Category.HATE, "hate.slur", PHRASE, match, Target.GROUP, suppressible=_NO_NEGATION
            )
    for match in ctx.matches("hate.phrases"):
        yield candidate(Category.HATE, "hate.phrase", PHRASE, match, Target.GROUP)
    groups = ctx.index("hate.groups")
    for match in ctx.matches("hate.dehumanising"):
        for group in groups.before(match.start, layout.sentence_start(match.start)):
            if group.end <= match.start and _linked(ctx, group, match):
                yield candidate(
                    Category.HATE, "hate.dehumanising", STRONG, match, Target.GROUP, group.start
                )
                break
    for match in ctx.matches("hate.dehumanising"):
        # "cockroaches from Africa", "kakkerlakken uit Afrika"
        for group in groups.within(match.end, layout.clause_end(match.end)):
            words = words_between(ctx.text, match.end, group.start)
            if len(words) <= _MAX_LINK_WORDS and set(words) & _ORIGIN_WORDS:
                yield candidate(Category.HATE, "hate.dehumanising", STRONG, match, Target.GROUP)
                break
    for match in ctx.matches("hate.derogation_phrases"):
        for group in groups.before(match.start, layout.sentence_start(match.start)):
            near = len(words_between(ctx.text, group.end, match.start)) <= _MAX_DEROGATION_WORDS
            if group.end <= match.start and near:
                yield candidate(
                    Category.HATE, "hate.derogation", STRONG, match, Target.GROUP, group.start
                )
                break
    for role, rule in (
        ("hate.modifiers", "hate.derogatory_modifier"),
        ("grammar.exclusion_verbs", "hate.exclusion"),
    ):
        cues = ctx.index(role)
        for group in ctx.matches("hate.groups"):
            for cue in cues.before(group.start, layout.clause_start(group.start), limit=1):
                if cue.term in _BARE_EXCLUSION_CUES and _object_of_a_verb(ctx, cue):
                    continue
                if len(words_between(ctx.text, cue.end, group.start)) <= (
                    0 if rule == "hate.derogatory_modifier" else 1
                ):
                    # "no more X" / "geen X": the cue itself holds the negation word.
                    exclusion = rule == "hate.exclusion"
                    found = candidate(
                        Category.HATE,
                        rule,
                        PHRASE,
                        group,
                        Target.GROUP,
                        cue.start,
                        suppressible=_NO_NEGATION if exclusion else None,
                    )
                    found.term = f"{cue.term} {group.term}"
                    yield found


def _aimed_slur(ctx: RuleContext, match: RawMatch) -> bool:
    """An ambiguous slur ("pot", "raton", "dyke", "Zecke") is one when a derogatory modifier
    ("vuile", "sale", "dirty", "dreckige") or an address cue ("jij bent een", "t'es un") comes at
    most one word before it, or a vocative pronoun right before it ("du Zecke", "jij pot")."""
    floor = ctx.layout.clause_start(match.start)
    for role in ("hate.modifiers", "grammar.address_noun"):
        for cue in ctx.index(role).before(match.start, floor, limit=1):
            if len(words_between(ctx.text, cue.end, match.start)) <= 1:
                return True
    before = words_between(ctx.text, floor, match.start)[-1:]
    return bool(before) and before[0] in _VOCATIVE_PRONOUNS


def _object_of_a_verb(ctx: RuleContext, cue: RawMatch) -> bool:
    lead = words_between(ctx.text, ctx.layout.clause_start(cue.start), cue.start)
    return not _OBJECT_VERBS.isdisjoint(lead[-_OBJECT_VERB_WINDOW:])


def _two_words_before(ctx: RuleContext, match: RawMatch) -> list[str]:
    return words_between(ctx.text, ctx.layout.clause_start(match.start), match.start)[-2:]


def _own_details(ctx: RuleContext, match: RawMatch) -> bool:
    """The speaker's own address or number, or nobody's ("my home address", "a new one")."""
    return not _OWN_POSSESSIVES.isdisjoint(_two_words_before(ctx, match))


def _someone_elses(ctx: RuleContext, match: RawMatch) -> bool:
    """Details that name their owner, a third person: "his/zijn/son/sein <address>" or "<address>
    of/van/du/der <someone>" ("here is the home address of the councillor"), not "the form to
    update your home address" or "sharing your address online is dangerous"."""
    owner_words = [*_two_words_before(ctx, match), *match.term.split()]
    if not _THIRD_POSSESSIVES.isdisjoint(owner_words):
        return True
    after = words_between(ctx.text, match.end, ctx.layout.clause_end(match.end))[:1]
    return bool(after) and after[0] in _OWNER_PREPOSITIONS


def _home_address(ctx: RuleContext) -> Iterable[Candidate]:
    """ "De schepen woont in de Kerkstraat 12, ga maar eens langs", "Der Schiri wohnt in der
    Bahnhofstraße 5, besucht ihn mal", "Kerkstraat 41 in Lier, daar woont @Wim toch? Ik bel eens
    aan": a third person's street and number in the sentence, and a call to go there (or a
    weapon) in the message."""
    if not (ctx.matches("threat.visit_cues") or ctx.matches("threat.weapons")):
        return
    layout = ctx.layout
    speakers = [ctx.index("grammar.first_person"), ctx.index("grammar.second_person")]
    for verb in ctx.matches("threat.lives_verbs"):
        start = layout.clause_start(verb.start)
        if any(index.within(start, verb.start) for index in speakers):
            continue  # "ik woon in de Kerkstraat 12", "you live at ..."
        # this sentence and the one before ("Hauptstraße 23 in St. Vith, da wohnt doch @X")
        begin = layout.sentence_start(max(0, layout.sentence_start(verb.start) - 2))
        address = _STREET.search(ctx.text, begin, layout.sentence_end(verb.end))
        if address is None:
            continue
        # someone's street and number with a call to go there: as strong as "I know where you
        # live" (the model alone had scored a new phrasing 0.17)
        found = candidate(
            Category.THREAT, "threat.doxxing", STRONG, verb, Target.THIRD_PERSON, start
        )
        found.start = min(found.start, address.start())
        found.end = max(found.end, address.end())
        yield found


def _hoped_deaths(ctx: RuleContext) -> Iterable[Candidate]:
    """ "I hope the CEO of Engie dies in a fire", "j'espère que le ministre crève", "ik hoop dat
    die ministers onder een trein belanden": a wish that a person dies (a person word, pronoun or
    @mention between the hope and the death), not "I hope this app dies"."""
    layout = ctx.layout
    hopes = ctx.index("threat.hope_cues")
    for verb in ctx.matches("threat.death_verbs"):
        start = layout.sentence_start(verb.start)
        for hope in hopes.before(verb.start, start):
            if hope.end > verb.start:
                continue
            between = ctx.text[hope.end : verb.start]
            if "@" in between or any(
                w in _PERSON_PRONOUNS or ctx.is_person_word(w)
                for w in words_between(ctx.text, hope.end, verb.start)
            ):
                yield candidate(
                    Category.THREAT,
                    "threat.death_wish",
                    THIRD_PERSON,
                    verb,
                    Target.THIRD_PERSON,
                    hope.start,
                )
                break


def _threats(ctx: RuleContext) -> Iterable[Candidate]:
    layout = ctx.layout
    for match in ctx.matches("threat.phrases"):
        doxxing = any(
            w in match.term for w in (" where ", " waar ", " ou ", " wo ", "adres", "address")
        )
        yield candidate(
            Category.THREAT,
            "threat.doxxing" if doxxing else "threat.phrase",
            STRONG,
            match,
            Target.SECOND_PERSON,
        )
    for match in ctx.matches("threat.death_wishes"):
        yield candidate(Category.THREAT, "threat.death_wish", PHRASE, match, Target.SECOND_PERSON)
    for match in ctx.matches("threat.person_wishes"):
        # "the mayor should be hanged", "die scheids moet opgehangen worden": about a person,
        # not "the painting should be hung" or "die Jacke gehört aufgehängt"
        start = layout.clause_start(match.start)
        before = words_between(ctx.text, start, match.start)
        if (
            any(w in _PERSON_PRONOUNS or ctx.is_person_word(w) for w in before)
            or "@" in (ctx.text[start : match.start])
        ):
            yield candidate(
                Category.THREAT, "threat.death_wish", THIRD_PERSON, match, Target.THIRD_PERSON
            )
    first = ctx.index("grammar.first_person")
    for role, rule in (("threat.weapons", "threat.weapon"), ("threat.doxx", "threat.doxxing")):
        for match in ctx.matches(role):
            start, end = layout.sentence_start(match.start), layout.sentence_end(match.end)
            if role == "threat.doxx":
                if _own_details(ctx, match):
                    continue  # "I have a new home address, where do I change it?"
                if _someone_elses(ctx, match) and ctx.index("threat.doxx_presentatives").before(
                    match.start, start, limit=1
                ):
                    # "Here's the home address of the councillor ...": published, whoever by
                    yield candidate(
                        Category.THREAT, rule, THIRD_PERSON, match, Target.THIRD_PERSON, start
                    )
                    continue
            # Doxxing needs someone holding or spreading the details ("I'll post her address").
            spread = role == "threat.weapons" or ctx.index("threat.doxx_verbs").within(
                start, end + 1
            )
            if first.within(start, end + 1) and spread:
                yield candidate(Category.THREAT, rule, THIRD_PERSON, match, Target.THIRD_PERSON)
    objects = [ctx.index("threat.objects"), ctx.index("grammar.second_person")]
    for verb in ctx.matches("threat.verbs"):
        start, end = layout.clause_start(verb.start), layout.clause_end(verb.end)
        if _harmless_particle(ctx, verb, end):
            continue  # "Ich bringe euch Kuchen mit", "Ik steek je een handje toe"
        subjects = [f for f in first.before(verb.start, start) if f.end <= verb.start]
        # Dutch/German inversion: "breek ik zijn armen", "dann schlage ich dich".
        subjects += first.within(verb.end, min(end, verb.end + 5))
        if not subjects:
            continue
        inverted = all(f.start >= verb.end for f in subjects)
        floor = start if inverted else min(f.end for f in subjects)
        # Dutch/German put the verb last: "ik ga die controleur zijn gezicht kapotslaan",
        # "ich werde den Schiri nach dem Spiel abstechen"
        aimed = not inverted and _verb_final_object(ctx, verb, floor, end)
        aimed = aimed or any(
            _object_before(ctx, o, verb, inverted) or _object_after(ctx, o, verb)
            for index in objects
            for o in index.within(floor, end)
        )
        if aimed:
            yield candidate(
                Category.THREAT,
                "threat.violence",
                THIRD_PERSON,
                verb,
                Target.SECOND_PERSON,
                min(f.start for f in subjects),
            )


def _harmless_particle(ctx: RuleContext, verb: RawMatch, end: int) -> bool:
    """A Dutch or German verb whose clause ends in a harmless separable particle ("Ich bringe
    euch morgen Kuchen mit", "Ich schlage dir vor ...", "Ik steek je een handje toe"), with no
    violent particle or body part in it ("Ich bring dich um", "ik steek je neer")."""
    if verb.lang not in (Language.NL, Language.DE):
        return False
    after = words_between(ctx.text, verb.end, end)
    if not after or after[-1] not in _HARMLESS_PARTICLES:
        return False
    return _VIOLENT_PARTICLES.isdisjoint(after)


def _verb_final_object(ctx: RuleContext, verb: RawMatch, floor: int, end: int) -> bool:
    """A Dutch or German violent verb at the end of its clause (a word may follow: "hoor",
    "morgen") with a person between the subject and it."""
    if verb.lang not in (Language.NL, Language.DE):
        return False
    if len(words_between(ctx.text, verb.end, end)) > 1:
        return False
    between = words_between(ctx.text, floor, verb.start)
    if any(ctx.is_person_word(word) or _is_pronoun(word) for word in between):
        return True
    if ctx.index("hate.groups").within(floor, verb.start):
        return True  # "ik ga die Marokkanen in elkaar slaan"
    return any(
        not _owned_product(ctx, o) for o in ctx.index("threat.objects").within(floor, verb.start)
    )


def _object_before(ctx: RuleContext, obj: RawMatch, verb: RawMatch, inverted: bool) -> bool:
    """ "je vais te tuer", "ik ga je slaan"; with inversion "den Fahrer stech ich ab"."""
    if obj.end > verb.start:
        return False
    gap = len(words_between(ctx.text, obj.end, verb.start))
    return (_is_pronoun(obj.term) and gap <= _MAX_PRONOUN_GAP) or (inverted and gap == 0)


def _object_after(ctx: RuleContext, obj: RawMatch, verb: RawMatch) -> bool:
    return (
        obj.start >= verb.end
        and len(words_between(ctx.text, verb.end, obj.start)) <= _MAX_OBJECT_DISTANCE
        and not _owned_product(ctx, obj)
    )


def _owned_product(ctx: RuleContext, owner: RawMatch) -> bool:
    """ "burn your pricing plan": a possessive on a product is not a person or a building."""
    following = words_between(ctx.text, owner.end, ctx.layout.clause_end(owner.end))[:3]
    return any(word in ctx.product_nouns for word in following)


def _is_pronoun(term: str) -> bool:
    return term in _OBJECT_PRONOUNS


def _sexual(ctx: RuleContext) -> Iterable[Candidate]:
    layout = ctx.layout
    for match in ctx.matches("sexual.phrases"):
        yield candidate(Category.SEXUAL, "sexual.phrase", STRONG, match, Target.SECOND_PERSON)
    for match in ctx.matches("sexual.addressed_terms"):
        address = ctx.cue_before("grammar.address_adjective", match) or ctx.cue_before(
            "grammar.address_noun", match
        )
        if address is not None:
            yield candidate(
                Category.SEXUAL,
                "sexual.addressed",
                THIRD_PERSON,
                match,
                Target.SECOND_PERSON,
                address.start,
            )
    appraisal = ctx.index("sexual.appraisal")
    possessive = ctx.index("grammar.second_person")
    women = ctx.index("grammar.female_refs")
    for match in ctx.matches("sexual.body"):
        floor = layout.clause_start(match.start)
        praised = [
            a
            for a in appraisal.before(match.start, floor, limit=1)
            if ctx.gap_is_skippable(a.end, match.start)
        ]
        yours = [
            p
            for p in possessive.before(match.start, floor, limit=1)
            if not words_between(ctx.text, p.end, match.start)
        ]
        sentence = women.within(
            layout.sentence_start(match.start), layout.sentence_end(match.end) + 1
        )
        if praised or yours or sentence:
            target = Target.SECOND_PERSON if yours else Target.THIRD_PERSON
            yield candidate(
                Category.SEXUAL,
                "sexual.body",
                THIRD_PERSON,
                match,
                target,
                (praised or yours or [match])[0].start,
            )


def _soft_body(ctx: RuleContext) -> Iterable[Candidate]:
    """ "nice legs on the woman in your ad": an ordinary body word, praised, about a woman or
    a staff member."""
    layout = ctx.layout
    appraisal = ctx.index("sexual.appraisal")
    women = ctx.index("grammar.female_refs")
    for match in ctx.matches("sexual.soft_body"):
        floor = layout.clause_start(match.start)
        praised = [
            a
            for a in appraisal.before(match.start, floor, limit=1)
            if not words_between(ctx.text, a.end, match.start)
        ]
        start, end = layout.sentence_start(match.start), layout.sentence_end(match.end)
        person = women.within(start, end + 1) or any(
            ctx.is_person_word(word) for word in words_between(ctx.text, start, end)
        )
        if praised and person:
            yield candidate(
                Category.SEXUAL,
                "sexual.body",
                WEAK_TARGET,
                match,
                Target.THIRD_PERSON,
                praised[0].start,
            )


def _trolling(ctx: RuleContext) -> Iterable[Candidate]:
    for match in ctx.matches("trolling.phrases"):
        yield candidate(
            Category.TROLLING, "trolling.phrase", THIRD_PERSON, match, Target.SECOND_PERSON
        )
    words = ctx.matches("trolling.words")
    several = len({m.term for m in words}) >= 2
    for match in words:
        layout = ctx.layout
        sentence = words_between(
            ctx.text, layout.sentence_start(match.start), layout.sentence_end(match.end)
        )
        taunting = (
            several
            or len(ctx.words) <= _SHORT_MESSAGE_WORDS
            or len(sentence) <= _SHORT_SENTENCE_WORDS  # "... iedereen weet het. Ratio."
            or layout.sentence_is_question(match.start)
        )
        score = WEAK_TARGET if taunting else LONE_PROVOCATION
        yield candidate(Category.TROLLING, "trolling.word", score, match, Target.SECOND_PERSON)
    spam = _repeated_unit(ctx.words)
    if spam is not None:
        term = " ".join(spam)
        anchor = RawMatch(0, len(ctx.text), term, "trolling.spam", Language.UNKNOWN)
        yield candidate(
            Category.TROLLING,
            "trolling.spam",
            WEAK_TARGET,
            anchor,
            Target.NONE,
            suppressible=frozenset(),
        )


def _repeated_unit(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """A unit of 1-8 words repeated back to back over most of the message (copy-paste spam)."""
    total = len(words)
    if total < _SPAM_MIN_WORDS or words.count(words[0]) < _SPAM_REPEATS:
        return None  # a repeated unit starts every repeat with the first word
    for size in range(1, 9):
        if size * _SPAM_REPEATS > total:
            break
        unit = words[:size]
        repeats = 0
        while words[repeats * size : (repeats + 1) * size] == unit:
            repeats += 1
        if repeats >= _SPAM_REPEATS and repeats * size >= _SPAM_COVERAGE * total:
            return unit
    return None


# Each rule with the roles it starts from: it yields nothing when none of them matched (None: the
# rule always runs; copy-paste spam needs no lexicon match).
HARM_RULES: tuple[
    tuple[Callable[[RuleContext], Iterable[Candidate]], frozenset[str] | None], ...
] = (
    (
        _hate,
        frozenset(
            [
                "hate.slurs",
                "hate.ambiguous_slurs",
                "hate.phrases",
                "hate.dehumanising",
                "hate.derogation_phrases",
                "hate.groups",
            ]
        ),
    ),
    (
        _threats,
        frozenset(
            [
                "threat.phrases",
                "threat.death_wishes",
                "threat.weapons",
                "threat.doxx",
                "threat.verbs",
                "threat.person_wishes",
            ]
        ),
    ),
    (_home_address, frozenset(["threat.lives_verbs"])),
    (_hoped_deaths, frozenset(["threat.death_verbs"])),
    (_sexual, frozenset(["sexual.phrases", "sexual.addressed_terms", "sexual.body"])),
    (_soft_body, frozenset(["sexual.soft_body"])),
    (_trolling, None),
)
