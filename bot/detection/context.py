"""Positional context over normalised text: clauses, sentences, quotes and role lookups."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.detection.lexicon import RawMatch

__all__ = ["MatchIndex", "TextLayout", "words_between"]

_SENTENCE_BREAKS = frozenset(".!?\n")
_CLAUSE_BREAKS = _SENTENCE_BREAKS | frozenset(",;:()")
_MAX_TERM_CHARS = 120
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\W_]+'")


def words_between(text: str, start: int, end: int) -> list[str]:
    """The words of ``text[start:end]`` (apostrophes kept inside words, "t'" kept)."""
    if end <= start:
        return []
    return _WORD.findall(text, start, end)


@dataclass(frozen=True, slots=True)
class TextLayout:
    """Sentence and clause boundaries and quotation state of one normalised text."""

    text: str
    sentence_breaks: tuple[int, ...]
    clause_breaks: tuple[int, ...]
    double_quotes: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> TextLayout:
        return cls(
            text=text,
            sentence_breaks=tuple(i for i, c in enumerate(text) if c in _SENTENCE_BREAKS),
            clause_breaks=tuple(i for i, c in enumerate(text) if c in _CLAUSE_BREAKS),
            double_quotes=tuple(i for i, c in enumerate(text) if c == '"'),
        )

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
        """Inside "double quotes", or the whole term wrapped in 'single quotes'."""
        before = bisect.bisect_left(self.double_quotes, start)
        if before % 2 == 1 and bisect.bisect_left(self.double_quotes, end) < len(
            self.double_quotes
        ):
            return True
        text = self.text
        opens = (
            start > 0 and text[start - 1] == "'" and (start < 2 or not text[start - 2].isalnum())
        )
        closes = end < len(text) and text[end] == "'"
        return opens and closes

    def sentence_is_question(self, position: int) -> bool:
        end = self.sentence_end(position)
        return end < len(self.text) and self.text[end] == "?"


class MatchIndex:
    """Matches of some roles, sorted by end, for "the nearest cue before position" lookups."""

    def __init__(self, matches: Iterable[RawMatch]) -> None:
        self.matches = sorted(matches, key=lambda m: (m.end, m.start))
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
