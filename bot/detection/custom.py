"""A community's own terms (``CustomTerms``) compiled once: Aho-Corasick terms, RE2 patterns.

Terms are folded like message text (accents, case, homoglyphs), so the term "Brol" matches "BROL",
"brol" and "Вrol" (Cyrillic В). Patterns run case-insensitively on the NORMALISED text (lowercase,
no accents, leetspeak and spacing undone), with RE2's linear-time guarantee.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick
import re2

from bot.detection.lexicon import fold_term, is_boundary
from bot.verdicts import Category, CustomTerms

__all__ = ["CompiledCustomTerms", "CustomMatch", "PatternError", "compile_custom_terms"]

_MAX_PATTERN_MEMORY = 8 << 20  # bytes of RE2 program per pattern: a huge regex is a config error


class PatternError(ValueError):
    """A community regex that RE2 cannot compile."""

    def __init__(self, pattern: str, message: str) -> None:
        super().__init__(f"invalid pattern {pattern!r}: {message}")
        self.pattern = pattern
        self.message = message


@dataclass(frozen=True, slots=True)
class CustomMatch:
    """A custom term or pattern found at [start, end) of the normalised text."""

    start: int
    end: int
    term: str
    category: Category | None  # None for an allow term
    is_pattern: bool = False


class CompiledCustomTerms:
    """Ready-to-run custom terms; build with ``compile_custom_terms``."""

    def __init__(
        self,
        deny: dict[str, set[Category]],
        allow: frozenset[str],
        patterns: tuple[tuple[Category, str, re2._Regexp], ...],
    ) -> None:
        self.deny = deny
        self.allow = allow
        self.patterns = patterns
        self._automaton = ahocorasick.Automaton()
        for term in (*deny, *allow):
            self._automaton.add_word(term, term)
        self._has_terms = bool(deny or allow)
        if self._has_terms:
            self._automaton.make_automaton()
        self.vocabulary: frozenset[str] = frozenset(
            word for term in (*deny, *allow) for word in term.split() if len(word) >= 2
        )

    def find(self, text: str) -> Iterator[CustomMatch]:
        """Deny/allow terms on word boundaries, then pattern matches, in ``text`` (normalised)."""
        if self._has_terms:
            for end_index, term in self._automaton.iter(text):
                end = end_index + 1
                start = end - len(term)
                if not is_boundary(text, start, end):
                    continue
                if term in self.allow:
                    yield CustomMatch(start, end, term, None)
                for category in sorted(self.deny.get(term, ())):
                    yield CustomMatch(start, end, term, category)
        for category, source, regex in self.patterns:
            for match in regex.finditer(text):
                if match.end() > match.start():
                    yield CustomMatch(match.start(), match.end(), source, category, is_pattern=True)


def _compile_pattern(pattern: str) -> re2._Regexp:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _MAX_PATTERN_MEMORY
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        detail = error.args[0] if error.args else "cannot compile"
        message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise PatternError(pattern, message) from None
    except (TypeError, ValueError) as error:
        raise PatternError(pattern, str(error)) from None


def compile_custom_terms(terms: CustomTerms) -> CompiledCustomTerms:
    """Compile ``terms``; raises ``PatternError`` naming the first bad regex."""
    deny: dict[str, set[Category]] = {}
    for category, words in terms.deny.items():
        for word in words:
            folded = fold_term(word)
            if folded:
                deny.setdefault(folded, set()).add(Category(category))
    allow = frozenset(folded for folded in (fold_term(word) for word in terms.allow) if folded)
    patterns = tuple(
        (Category(category), pattern, _compile_pattern(pattern))
        for category, sources in terms.deny_patterns.items()
        for pattern in sources
    )
    return CompiledCustomTerms(deny, allow, patterns)
