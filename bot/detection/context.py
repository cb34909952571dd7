"""Positional context over normalised text: clauses, sentences, quotes and role lookups."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.detection.analysis import Target
from bot.detection.lexicon import RawMatch
from bot.verdicts import Category, Language

__all__ = [
    "NO_MATCHES",
    "Candidate",
    "MatchIndex",
    "RuleContext",
    "TextLayout",
    "all_words",
    "words_between",
]

_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_CLAUSE_BREAK = re.compile(r"[.!?\n,;:()]")
_DOUBLE_QUOTE = re.compile('"')
_MAX_TERM_CHARS = 120
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\W_]+'")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")  # ``_WORD`` on ASCII text (faster)


def _positions(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    return tuple(map(re.Match.start, pattern.finditer(text)))


def all_words(text: str) -> list[str]:
    """``words_between(text, 0, len(text))``."""
    return (_ASCII_WORD if text.isascii() else _WORD).findall(text)


def words_between(text: str, start: int, end: int) -> list[str]:
    """The words of ``text[start:end]`` (apostrophes kept inside words, "t'" kept)."""
    if end <= start:
        return []
    return _WORD.findall(text, start, end)


class TextLayout:
    """Sentence and clause boundaries and quotation state of one normalised text.

    The boundaries are found on first use (many texts never ask: no rule fires on them).
    """

    __slots__ = ("_clause_breaks", "_double_quotes", "_sentence_breaks", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._sentence_breaks: tuple[int, ...] | None = None
        self._clause_breaks: tuple[int, ...] | None = None
        self._double_quotes: tuple[int, ...] | None = None

    @classmethod
    def of(cls, text: str) -> TextLayout:
        return cls(text)

    @property
    def sentence_breaks(self) -> tuple[int, ...]:
        found = self._sentence_breaks
        if found is None:
            found = self._sentence_breaks = _positions(_SENTENCE_BREAK, self.text)
        return found

    @property
    def clause_breaks(self) -> tuple[int, ...]:
        found = self._clause_breaks
        if found is None:
            found = self._clause_breaks = _positions(_CLAUSE_BREAK, self.text)
        return found

    @property
    def double_quotes(self) -> tuple[int, ...]:
        found = self._double_quotes
        if found is None:
            found = self._double_quotes = _positions(_DOUBLE_QUOTE, self.text)
        return found

    @staticmethod
    def _start(breaks: Sequence[int], position: int) -> int:
        index = bisect.bisect_left(breaks, position)
        return breaks[index - 1] + 1 if index else 0

    @staticmethod
    def _end(breaks: Sequence[int], position: int, length: int) -> int:
        index = bisect.bisect_left(breaks, position)
        return breaks[index] if index < len(breaks) else length

    def clause_start(self, position: int) -> int:
        return self._start(self.clause_breaks, position)

    def sentence_start(self, position: int) -> int:
        return self._start(self.sentence_breaks, position)

    def sentence_end(self, position: int) -> int:
        return self._end(self.sentence_breaks, position, len(self.text))

    def clause_end(self, position: int) -> int:
        return self._end(self.clause_breaks, position, len(self.text))

    def is_quoted(self, start: int, end: int) -> bool:
        """Inside "double quotes", the whole term wrapped in 'single quotes', or on a line that
        starts with ">" (a chat reply quoting another message: "> ik weet waar je woont")."""
        text = self.text
        line = text.rfind("\n", 0, start) + 1
        if text.startswith(">", line) or text[line:start].lstrip().startswith(">"):
            return True
        before = bisect.bisect_left(self.double_quotes, start)
        if before % 2 == 1 and bisect.bisect_left(self.double_quotes, end) < len(
            self.double_quotes
        ):
            return True
        opens = (
            start > 0 and text[start - 1] == "'" and (start < 2 or not text[start - 2].isalnum())
        )
        closes = end < len(text) and text[end] == "'"
        return opens and closes

    def in_short_quote(self, start: int, end: int) -> bool:
        """Inside a 'short quotation' of a few words in one sentence ("iemand zei 'sale
        bougnoule' tegen mijn broer"): an opening quote at a word's start, a closing one at a
        word's end. Not an elision ("'t", "'k", "'s", "'cause", "'ne", "'em") — and, apostrophes
        being what they are, a quotation only where the message reports something
        (``suppressors``)."""
        text = self.text
        floor, ceiling = self.sentence_start(start), self.sentence_end(end)
        opening = text.rfind("'", floor, start)
        if opening < 0 or (opening > 0 and text[opening - 1].isalnum()):
            return False
        if _ELISION.match(text, opening):
            return False
        closing = text.find("'", end, ceiling)
        if closing < 0 or (closing + 1 < len(text) and text[closing + 1].isalnum()):
            return False
        inner = text[opening + 1 : closing]
        return inner[:1].isalnum() and len(inner.split()) <= _MAX_QUOTED_WORDS

    def sentence_is_question(self, position: int) -> bool:
        end = self.sentence_end(position)
        return end < len(self.text) and self.text[end] == "?"


# "<insult> from the <service>": someone who works there ("van de/het" in ``_from_the``: "van
# een" qualifies a thing, "joke of a company").
_FROM_THE = frozenset(["from", "at", "bij", "du", "au", "vom", "beim", "bei"])


def _from_the(words: Sequence[str], index: int) -> bool:
    """``words[index]`` starts "from the" / "at" / "van de" / "du" / "vom"..."""
    word = words[index]
    if word == "van":
        return words[index + 1 : index + 2] in (["de"], ["het"])
    return word in _FROM_THE


_ELISION = re.compile(r"'(?:[tksn]|ne|em|cause|cos|til|bout|round)\b", re.IGNORECASE)
_MAX_QUOTED_WORDS = 6


class MatchIndex:
    """Matches of some roles, sorted by end, for "the nearest cue before position" lookups."""

    def __init__(self, matches: Iterable[RawMatch]) -> None:
        # Same end: the longest cue last, so "nearest first" lookups see it first
        # ("c'est un" before its tail "est un").
        self.matches = sorted(matches, key=lambda m: (m.end, -m.start))
        self._ends = [m.end for m in self.matches]

    def __bool__(self) -> bool:
        return bool(self.matches)

    def before(self, position: int, floor: int, limit: int = 4) -> list[RawMatch]:
        """Up to ``limit`` matches ending in [floor, position], nearest first."""
        index = bisect.bisect_right(self._ends, position)
        found: list[RawMatch] = []
        while index > 0 and len(found) < limit:
            index -= 1
            match = self.matches[index]
            if match.end < floor:
                break
            if match.start >= floor:
                found.append(match)
        return found

    def within(self, start: int, end: int) -> list[RawMatch]:
        """Matches lying entirely inside [start, end)."""
        index = bisect.bisect_left(self._ends, start)
        result = []
        while index < len(self.matches) and self.matches[index].end <= end:
            if self.matches[index].start >= start:
                result.append(self.matches[index])
            index += 1
        return result

    def covering(self, start: int, end: int) -> list[RawMatch]:
        """Matches whose span contains [start, end) (terms are short: bounded scan)."""
        index = bisect.bisect_left(self._ends, end)
        result = []
        while index < len(self.matches) and self.matches[index].end <= end + _MAX_TERM_CHARS:
            match = self.matches[index]
            if match.start <= start:
                result.append(match)
            index += 1
        return result


NO_MATCHES = MatchIndex(())

_DEFAULT_SUPPRESSIBLE = frozenset({"negation", "quote", "counter_speech", "idiom", "question"})
_MAX_GAP_WORDS = 5  # words allowed between a cue ("you are a") and its insult ("idiot")
_MAX_FREE_WORDS = 2
_PLURALS = ("s", "es", "en", "n", "x", "in", "innen")  # and German feminine forms
_PLURAL_COPULAS = frozenset(["are", "zijn", "sont", "sind"])
_PLURAL_PRONOUNS = frozenset(["they", "ze", "zij", "ils", "elles", "jullie", "vous", "ihr"])
_MIN_COMPOUND = 8
_MIN_COMPOUND_HEAD = 5
_INFLECTIONS = (
    "e",
    "er",
    "es",
    "en",
    "em",
    "s",
)  # unlisted adjectives allowed after a full cue ("you are a rude fat pig")


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
    suppressible: frozenset[str] = field(default=_DEFAULT_SUPPRESSIBLE)


class RuleContext:
    """Everything a rule needs: text layout, matches per role, and word sets.

    ``index(role)`` is built on first use, for the roles in ``index_roles`` (others: none).
    """

    __slots__ = (
        "_index_roles",
        "_indexes",
        "_words",
        "closed_class",
        "insult_adjectives",
        "layout",
        "person_subjects",
        "product_nouns",
        "roles",
        "skippable",
        "text",
        "weak_adjectives",
    )

    def __init__(
        self,
        *,
        text: str,
        layout: TextLayout,
        roles: dict[str, list[RawMatch]],
        index_roles: frozenset[str],
        skippable: frozenset[str],
        closed_class: frozenset[str],  # function words, cues: never a "free" adjective
        insult_adjectives: frozenset[str],
        weak_adjectives: frozenset[str],
        person_subjects: frozenset[str],
        product_nouns: frozenset[str],
        words: tuple[str, ...] | None = None,
    ) -> None:
        self.text = text
        self.layout = layout
        self.roles = roles
        self._index_roles = index_roles
        self._indexes: dict[str, MatchIndex] = {}
        self.skippable = skippable
        self.closed_class = closed_class
        self.insult_adjectives = insult_adjectives
        self.weak_adjectives = weak_adjectives
        self.person_subjects = person_subjects
        self.product_nouns = product_nouns
        self._words = words

    @property
    def words(self) -> tuple[str, ...]:
        """Every word of the text (``words_between`` over all of it)."""
        found = self._words
        if found is None:
            found = self._words = tuple(all_words(self.text))
        return found

    def matches(self, role: str) -> list[RawMatch]:
        return self.roles.get(role, [])

    def index(self, role: str) -> MatchIndex:
        found = self._indexes.get(role)
        if found is None:
            matches = self.roles.get(role)
            if not matches or role not in self._index_roles:
                return NO_MATCHES
            found = self._indexes[role] = MatchIndex(matches)
        return found

    def gap_is_skippable(self, start: int, end: int, free: int = 0) -> bool:
        """Only filler between ``start`` and ``end``: intensifiers, listed adjectives, digits,
        and up to ``free`` other content words (not function words)."""
        words = [w for w in words_between(self.text, start, end) if not w.isdigit()]
        if len(words) > _MAX_GAP_WORDS:
            return False
        others = [w for w in words if not self.is_filler(w)]
        return len(others) <= free and not any(w in self.closed_class for w in others)

    def is_filler(self, word: str) -> bool:
        """An intensifier or insult adjective, also inflected ("dummer", "blöde", "stomme")."""
        if word in self.skippable:
            return True
        for ending in _INFLECTIONS:
            if word.endswith(ending) and word[: -len(ending)] in self.skippable:
                return True
        return False

    def cue_before(self, role: str, match: RawMatch, allow_free: bool = False) -> RawMatch | None:
        """The nearest ``role`` match in the same clause with only filler words in between.

        ``allow_free``: a cue of two or more words ("you are a", "t'es un") may be followed by a
        couple of unlisted adjectives, a bare pronoun one ("du nutzloser Trottel").
        """
        floor = self.layout.clause_start(match.start)
        for cue in self.index(role).before(match.start, floor):
            free = (_MAX_FREE_WORDS if len(cue.term.split()) >= 2 else 1) if allow_free else 0
            if cue.end <= match.start and self.gap_is_skippable(cue.end, match.start, free):
                return cue
        return None

    def subject_before(self, cue: RawMatch) -> str | None:
        """ "person", "product" or None: what the clause names before a third-person cue."""
        cue_words = cue.term.split()
        if set(cue_words) & self.person_subjects:
            return "person"
        if set(cue_words) & self.product_nouns:
            return "product"
        start = self.layout.clause_start(cue.start)
        words = words_between(self.text, start, cue.start)
        if cue_words[0] in _PLURAL_COPULAS:
            # "X are ...": only a plural word right before is the subject ("the chants about
            # our goalkeeper are disgusting" is not about the goalkeeper).
            last = words[-1] if words else ""
            if last in _PLURAL_PRONOUNS:
                return "person"
            if last in self.product_nouns or self._organisation_before(cue.start):
                # "de regels van Ryanair zijn ...", "the prices at Proximus are ...": something
                # of the company's; "the staff at Proximus are ..." are people
                return "person" if any(map(self.is_person_word, words)) else "product"
            plural = last not in self.person_subjects and last not in self.product_nouns
            words = [last] if plural else []
        # The head noun comes first: "le technicien de Proximus est un ..." is about a person.
        for index, word in enumerate(words):
            if self._is_kind(word, self.product_nouns):
                following = words[index + 1 : index + 2]
                if following and self.is_person_word(following[0]):
                    return "person"  # "the ticket inspector", "the train driver"
                return "product"
            if self.is_person_word(word):
                return "person"
            if index == 1 and words[0] not in self.closed_class and _from_the(words, 1):
                # "Sarah from customer service is ...", "Nadia du service client est ...": a
                # name, then where she works; not "the chaos at the station is ..." (an article)
                return "person"
        return "person" if self._mention_before(cue.start) else None

    def _organisation_before(self, position: int) -> bool:
        """A company named right before ``position`` ("... van Ryanair | zijn")."""
        return any(
            match.end <= position and not self.text[match.end : position].strip()
            for match in self.matches("grammar.organisations")
        )

    def is_person_word(self, word: str) -> bool:
        """A person role, also plural or inside a compound ("callcentermedewerkster")."""
        return self._is_kind(word, self.person_subjects)

    @staticmethod
    def _is_kind(word: str, kinds: frozenset[str]) -> bool:
        if word in kinds:
            return True
        if any(word.endswith(end) and word[: -len(end)] in kinds for end in _PLURALS):
            return True
        return len(word) > _MIN_COMPOUND and any(
            word.endswith(kind) for kind in kinds if len(kind) >= _MIN_COMPOUND_HEAD
        )

    def _mention_before(self, position: int) -> bool:
        start = self.layout.clause_start(position)
        return "@" in self.text[start:position]

    def after_from_the(self, position: int) -> bool:
        """ "Sarah from customer service is ...", "Nadia du service client est ...": what starts
        at ``position`` says where the person before it works."""
        before = words_between(self.text, self.layout.clause_start(position), position)[-2:]
        return any(_from_the(before, index) for index in range(len(before)))

    def followed_by_product(self, match: RawMatch) -> bool:
        """ "dumbass website", "joke of a company": the word qualifies a thing."""
        after = words_between(self.text, match.end, self.layout.clause_end(match.end))[:4]
        for index, word in enumerate(after):
            if word in self.product_nouns:
                return True
            if _from_the(after, index):
                # "die kankerhoer van de klantendienst", "the bitch from customer service":
                # a person from the service, not the service
                return False
            if word not in self.skippable and word not in self.closed_class:
                return False
        return False
