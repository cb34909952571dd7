"""Curated term lists per language and role, matched with one Aho-Corasick automaton.

Files live in ``data/lexicon/<lang>/<file>.yaml``; each top-level key is a list of terms and the
pair gives the role ("insult.nouns", "grammar.negators" ...). Terms are written naturally
(accents, capitals) and folded like message text, so "espèce de" matches "espece de" and
"ESPÈCE DE". Matches only count on word boundaries of the normalised text (Scunthorpe-safe:
"assistance" never contains "ass").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import yaml

from bot.detection.charfold import fold_char
from bot.detection.errors import LexiconError
from bot.verdicts import Language

__all__ = [
    "LEXICON_DIR",
    "LEXICON_LANGUAGES",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "RawMatch",
    "default_lexicon",
    "fold_term",
    "is_boundary",
]

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
LEXICON_LANGUAGES: tuple[Language, ...] = (Language.NL, Language.FR, Language.EN, Language.DE)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    role: str
    lang: Language


class RawMatch(NamedTuple):
    """A term found in normalised text: [start, end) in normalised offsets."""

    start: int
    end: int
    term: str
    role: str
    lang: Language


_BOUND = "\0"
_ASCII_BOUNDS = {code: _BOUND for code in range(128) if not chr(code).isalnum()}
_new_tuple = tuple.__new__  # ``RawMatch(...)`` without the Python frame of its ``__new__``


def fold_term(term: str) -> str:
    """Fold a lexicon term the way message text is folded (no leet/spacing repair)."""
    folded = "".join(fold_char(char).homoglyph for char in term)
    return " ".join(folded.split())


def is_boundary(text: str, start: int, end: int, check_end: bool = True) -> bool:
    """True when [start, end) is not glued to letters/digits on either side."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if check_end and end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


class Lexicon:
    """All term lists, an automaton over them, and the derived word sets."""

    def __init__(self, entries: dict[str, list[LexiconEntry]]) -> None:
        self.entries = entries
        self._role_cache: dict[tuple[str, Language | None], frozenset[str]] = {}
        self._automaton = ahocorasick.Automaton()
        for term, term_entries in entries.items():
            # A term ending in an apostrophe ("espèce d'") is glued to the next word.
            roles = tuple((e.role, e.lang) for e in term_entries)
            self._automaton.add_word(term, (term, len(term), term.endswith("'"), roles))
        if entries:
            self._automaton.make_automaton()
        # For ASCII text, ``find_all`` runs another automaton over the text with every character
        # that is not a letter or digit made a mark, behind a leading mark: its keys are the
        # ASCII terms written the same way after a mark, so each hit starts on a word boundary
        # (most hits of ``find`` are short terms inside longer words). Terms with the same
        # marked form share a key; those holding marks are checked against the text.
        self._bounded = ahocorasick.Automaton()
        keyed: dict[str, list[tuple[str, int, bool, bool, tuple[tuple[str, Language], ...]]]] = {}
        for term, term_entries in entries.items():
            if term.isascii():
                key = _BOUND + term.translate(_ASCII_BOUNDS)
                roles = tuple((e.role, e.lang) for e in term_entries)
                exact = term.isalnum()
                keyed.setdefault(key, []).append(
                    (term, len(term), term.endswith("'"), exact, roles)
                )
        for key, found in keyed.items():
            self._bounded.add_word(key, tuple(found))
        self._has_bounded = bool(keyed)
        if keyed:
            self._bounded.make_automaton()
        self.vocabulary: frozenset[str] = frozenset(
            word
            for term, term_entries in entries.items()
            if any(not e.role.startswith("grammar.") for e in term_entries)
            for word in term.replace("'", " ").split()
            if len(word) >= 2
        )
        self.function_words: frozenset[str] = self.terms_with_role("function_words.words")

    def terms_with_role(self, role: str, lang: Language | None = None) -> frozenset[str]:
        key = (role, lang)
        cached = self._role_cache.get(key)
        if cached is None:
            cached = self._role_cache[key] = self._terms_with_role(role, lang)
        return cached

    def _terms_with_role(self, role: str, lang: Language | None) -> frozenset[str]:
        return frozenset(
            term
            for term, term_entries in self.entries.items()
            if any(e.role == role and (lang is None or e.lang is lang) for e in term_entries)
        )

    def function_words_by_language(self) -> dict[Language, frozenset[str]]:
        return {
            lang: self.terms_with_role("function_words.words", lang) for lang in LEXICON_LANGUAGES
        }

    def find(self, text: str) -> Iterator[RawMatch]:
        """Every lexicon term on word boundaries of ``text`` (normalised), in text order."""
        if not self.entries:
            return
        length = len(text)
        for end_index, (term, size, glued, roles) in self._automaton.iter(text):
            end = end_index + 1
            start = end - size
            # On word boundaries (``is_boundary``, inlined: this is the hot loop).
            if start > 0 and text[start - 1].isalnum():
                continue
            if not glued and end < length and text[end].isalnum():
                continue
            for role, lang in roles:
                yield RawMatch(start, end, term, role, lang)

    def find_all(self, text: str) -> list[RawMatch]:
        """``list(self.find(text))``, built faster (the per-message hot loop)."""
        if not self.entries:
            return []
        if text.isascii() and self._has_bounded:
            return self._find_ascii(text)
        length = len(text)
        found: list[RawMatch] = []
        append = found.append
        for end_index, (term, size, glued, roles) in self._automaton.iter(text):
            end = end_index + 1
            start = end - size
            if start > 0 and text[start - 1].isalnum():
                continue
            if not glued and end < length and text[end].isalnum():
                continue
            for role, lang in roles:
                append(_new_tuple(RawMatch, (start, end, term, role, lang)))
        return found

    def _find_ascii(self, text: str) -> list[RawMatch]:
        """``find_all`` for ASCII text, with the marked automaton (see ``__init__``)."""
        length = len(text)
        found: list[RawMatch] = []
        append = found.append
        for end, candidates in self._bounded.iter(_BOUND + text.translate(_ASCII_BOUNDS)):
            # The marked text has one more character in front: ``end`` is the term's end.
            glued_only = end < length and text[end].isalnum()
            for term, size, glued, exact, roles in candidates:
                if glued_only and not glued:
                    continue
                start = end - size
                if not exact and text[start:end] != term:
                    continue
                for role, lang in roles:
                    append(_new_tuple(RawMatch, (start, end, term, role, lang)))
        return found


def _read_file(path: Path, lang: Language) -> Iterable[tuple[str, LexiconEntry]]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"cannot read lexicon file {path}: {error}") from error
    if content is None:
        return
    if not isinstance(content, dict):
        raise LexiconError(f"{path}: expected a mapping of role -> list of terms")
    for key, terms in content.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise LexiconError(f"{path}: '{key}' must be a list of strings")
        role = f"{path.stem}.{key}"
        for term in terms:
            folded = fold_term(term)
            if folded:
                yield folded, LexiconEntry(role=role, lang=lang)


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Load every ``<lang>/<file>.yaml`` under ``directory``."""
    entries: dict[str, list[LexiconEntry]] = {}
    for lang in LEXICON_LANGUAGES:
        lang_dir = directory / lang.value
        if not lang_dir.is_dir():
            raise LexiconError(f"missing lexicon directory {lang_dir}")
        for path in sorted(lang_dir.glob("*.yaml")):
            for term, entry in _read_file(path, lang):
                bucket = entries.setdefault(term, [])
                if entry not in bucket:
                    bucket.append(entry)
    return Lexicon(entries)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return load_lexicon()
