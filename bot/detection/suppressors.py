"""Why a rule hit does not count: negation, quotation, counter-speech, idioms, questions, ..."""

from __future__ import annotations

import re

from bot.detection.analysis import Suppressor, Target
from bot.detection.context import Candidate, RuleContext, words_between
from bot.verdicts import Category

__all__ = ["suppressors_for"]

_NEGATION_WINDOW_WORDS = 8
_SELF_WORDS = 3  # "ich bin (so ein) Idiot", "i am (such a complete) idiot"
_HATE_NEGATION_WORDS = 3
_ATTITUDE_NEGATION_AFTER = 2  # "ik haat jullie personeel niet", "ich hasse die Fahrer nicht"
# insults from a word aimed at someone, not phrases ("fuck you", "hou je bek") or slurs
_MILD_RULES = frozenset(["insult.addressed", "insult.vocative", "insult.term"])
_CONJUNCTIONS = frozenset(["and", "en", "et", "und", "but", "maar", "mais", "aber"])
_COMPLEMENTISERS = frozenset(["that", "dat", "dass", "que", "qu'", "of", "ob", "si"])
# A condition or time clause AFTER a threat ("... als mijn pakje niet komt", "... si mon colis
# n'arrive pas", "... if you don't pay") ends the threat: a negation in it is not the threat's.
_CONDITION_AFTER = re.compile(
    r"\b(?:if|unless|when|until|als|indien|tenzij|wanneer|zodra|si|s'il|s'ils|quand|lorsque"
    r"|sauf|wenn|falls|sobald|ausser)\b"
)


def _negated(ctx: RuleContext, candidate: Candidate) -> bool:
    if candidate.rule == "threat.violence":
        # Only a negation inside the threat counts ("I will not hurt you", "ik sla je niet"),
        # not one in a condition before or after it ("if the tech doesn't show up I'll ...",
        # "ik steek je auto in brand als mijn pakje niet komt").
        end = ctx.layout.clause_end(candidate.term_end)
        condition = _CONDITION_AFTER.search(ctx.text, candidate.term_end, end)
        if condition is not None:
            end = condition.start()
        return bool(ctx.index("grammar.negators").within(candidate.start, end))
    floor = ctx.layout.clause_start(candidate.start)
    first = words_between(ctx.text, floor, candidate.start)[:1]
    if first and first[0] in _COMPLEMENTISERS and floor > 0:
        # "I'm not saying, that you ..." / "Ich sag nicht, dass du ...": the negation is one
        # clause back.
        floor = ctx.layout.clause_start(floor - 1)
    exceptions = ctx.index("grammar.not_negation")
    for negator in ctx.index("grammar.negators").before(candidate.term_start, floor, limit=8):
        if negator.end > candidate.term_start:
            continue
        if exceptions.covering(negator.start, negator.end):
            continue
        # Hate: only "X are not vermin" negates, not "who can't read ..., like monkeys".
        hate = candidate.category is Category.HATE
        window = _HATE_NEGATION_WORDS if hate else _NEGATION_WINDOW_WORDS
        if len(words_between(ctx.text, negator.end, candidate.term_start)) <= window:
            return True
    return False


def _attitude_negated(ctx: RuleContext, candidate: Candidate) -> bool:
    """A negator before the feeling in its clause ("I don't hate ...", "rien contre ...") or at
    most ``_ATTITUDE_NEGATION_AFTER`` words after it ("je ne déteste pas ...", "ik haat jullie
    personeel niet"); not one inside the feeling itself ("can't stand", "supporte pas") nor a
    later one ("I hate you and I never want to see you again")."""
    if candidate.term.startswith(("have nothing", "heb ni", "rien", "nichts")):
        return True
    layout = ctx.layout
    start, end = layout.clause_start(candidate.term_start), layout.clause_end(candidate.term_end)
    exceptions = ctx.index("grammar.not_negation")
    for negator in ctx.index("grammar.negators").within(start, end):
        if negator.start < candidate.term_end and negator.end > candidate.term_start:
            continue  # part of the feeling: "cannot stand"
        if exceptions.covering(negator.start, negator.end):
            continue
        if negator.end <= candidate.term_start:
            return True
        gap = words_between(ctx.text, candidate.term_end, negator.start)
        if len(gap) <= _ATTITUDE_NEGATION_AFTER and _CONJUNCTIONS.isdisjoint(gap):
            return True
    return False


def _reports(ctx: RuleContext) -> bool:
    """The message reports what was said: a reporting verb, counter-speech, or "I reported it"
    ("Jemand hat 'dreckiger Kanake' zu meinem Bruder gesagt. Ich habe es gemeldet.")."""
    return any(
        ctx.matches(role)
        for role in ("grammar.reporting", "grammar.counter_speech", "grammar.report_outcome")
    )


def _reported(ctx: RuleContext, candidate: Candidate) -> bool:
    floor = ctx.layout.clause_start(candidate.start)
    return bool(ctx.index("grammar.reporting").before(candidate.start, floor, limit=1))


def _in_sentence(ctx: RuleContext, role: str, candidate: Candidate) -> bool:
    start = ctx.layout.sentence_start(candidate.start)
    end = ctx.layout.sentence_end(candidate.end)
    return bool(ctx.index(role).within(start, end + 1))


def _about_oneself(ctx: RuleContext, candidate: Candidate) -> bool:
    """ "I'm such an idiot", "ben ik nu de idioot?", "ich bin so ein Idiot": a first-person
    copula at most ``_SELF_WORDS`` words before an insult not addressed to the reader."""
    if candidate.target is Target.SECOND_PERSON:
        return False
    floor = ctx.layout.clause_start(candidate.term_start)
    for cue in ctx.index("grammar.self_copulas").before(candidate.term_start, floor, limit=1):
        if len(words_between(ctx.text, cue.end, candidate.term_start)) <= _SELF_WORDS:
            return True
    return False


def _idiom(ctx: RuleContext, candidate: Candidate) -> bool:
    return bool(ctx.index("allow.idioms").covering(candidate.term_start, candidate.term_end))


def suppressors_for(
    ctx: RuleContext, candidate: Candidate, allowed_spans: list[tuple[int, int]]
) -> tuple[Suppressor, ...]:
    """Every suppressor that applies to ``candidate`` (empty: the hit counts)."""
    if candidate.rule == "insult.neutral_role":
        return (Suppressor.NEUTRAL_ROLE,)  # the rules found no insult there (rules.py)
    allowed = candidate.suppressible
    found: list[Suppressor] = []
    if candidate.target is Target.PRODUCT:
        found.append(Suppressor.PRODUCT)
    if "idiom" in allowed and _idiom(ctx, candidate):
        found.append(Suppressor.IDIOM)
    if candidate.rule == "insult.attitude":
        if _attitude_negated(ctx, candidate):
            found.append(Suppressor.NEGATION)
    elif "negation" in allowed and _negated(ctx, candidate):
        found.append(Suppressor.NEGATION)
    if "quote" in allowed and (
        ctx.layout.is_quoted(candidate.term_start, candidate.term_end)
        or _reported(ctx, candidate)
        or (_reports(ctx) and ctx.layout.in_short_quote(candidate.term_start, candidate.term_end))
    ):
        found.append(Suppressor.QUOTE)
    if (
        "counter_speech" in allowed
        and candidate.category is not Category.THREAT
        and _in_sentence(ctx, "grammar.counter_speech", candidate)
    ):
        found.append(Suppressor.COUNTER_SPEECH)
    if candidate.category is Category.INSULT and _about_oneself(ctx, candidate):
        found.append(Suppressor.SELF)
    if (
        candidate.category is Category.INSULT
        and candidate.rule in _MILD_RULES
        and ctx.matches("grammar.laughter")
        and ctx.matches("grammar.warmth")
    ):
        # "@Julie mdr t'es bête toi, c'était un poisson d'avril 😂 bisou": banter; a person
        # decides (the model alone does not act on discounted words)
        found.append(Suppressor.BANTER)
    if (
        "question" in allowed
        and candidate.target is not Target.SECOND_PERSON
        and candidate.category in (Category.HATE, Category.INSULT)
        and _in_sentence(ctx, "grammar.meta_questions", candidate)
    ):
        found.append(Suppressor.QUESTION)
    if "reclaimed" in allowed and candidate.rule == "hate.slur" and ctx.matches("grammar.in_group"):
        found.append(Suppressor.RECLAIMED)
    if any(
        start <= candidate.term_start and candidate.term_end <= end for start, end in allowed_spans
    ):
        found.append(Suppressor.ALLOWED)
    return tuple(found)
