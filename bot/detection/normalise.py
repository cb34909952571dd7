"""Normalise text against evasion, keeping a map back to the original characters.

Stages (all linear in the input length):

1. per character (``charfold``): NFKD compatibility folding, invisible/zero-width/bidi and
   combining (zalgo, accent) marks dropped, emoji letters, quotes unified, case-folded;
2. per word: homoglyphs folded when the word is Latin or made only of look-alikes (a real
   Cyrillic/Greek word stays as it is), leetspeak (0 1 3 4 5 7 @ $) folded in words that also
   contain letters (so "3 trains" stays "3 trains");
3. across words: s p a c e d and s.p.l.i.t letters joined (a leading one- or two-letter word is
   split off again when the rest is a known word: "a n i d i o t" -> "an idiot"), and a word split
   in two joined when the halves form a known term ("id iot");
4. per word: repeated letters collapsed ("iiidiooot" -> "idiot") choosing, per run, one or two
   letters so the word matches the lexicon (legitimate doubles like "klassiek" stay), and a leet
   ``1`` read as ``l`` when that makes a known word.

Huge inputs are capped: only the first ``HEAD_CHARS`` and last ``TAIL_CHARS`` original characters
are normalised (offsets still point into the full original string).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from bot.detection.charfold import fold_char, keep_for_language
from bot.verdicts import Span

__all__ = ["HEAD_CHARS", "TAIL_CHARS", "NormalisedText", "normalise"]

HEAD_CHARS = 6000
TAIL_CHARS = 1500
# "8h37", "10u30", "3rd", "2de", "5km": numbers with a unit, not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"\d+(?:h|u|uur|st|nd|rd|th|e|er|eme|de|ste|km|kg|min|gb|mb|eur)\d*")
_WORD_RUN = re.compile(r"(?:[^\W_]|[@$])+")
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a"}
_SPACED_SEPARATORS = frozenset(" .-_*·/|")
_MIN_SPACED_LETTERS = 3
_MIN_SPLIT_JOIN = 5
_MAX_LEET_DIGIT_WORD = 3
_STANDALONE_LETTERS = frozenset("aiuryoekc")
_MAX_RUNS_EXPANDED = 5


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Folded text plus, per folded character, its [start, end) in the original string.

    ``text`` is what lexicons match against; ``language_text`` keeps accents (lowercase, no
    invisible characters, no zalgo) for language identification; ``truncated`` says the middle of
    a huge input was skipped.
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    language_text: str
    truncated: bool = False

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of ``text`` to the original string."""
        if end <= start or not self.text:
            anchor = self.starts[start] if start < len(self.starts) else len(self.original)
            return anchor, anchor
        return self.starts[start], self.ends[end - 1]

    def span(self, start: int, end: int) -> Span:
        """A ``Span`` in ORIGINAL offsets for the normalised range [start, end)."""
        begin, finish = self.original_range(start, end)
        return Span(start=begin, end=finish, text=self.original[begin:finish])


@dataclass(slots=True)
class _Char:
    text: str
    start: int
    end: int
    from_one: bool = False


@dataclass(slots=True)
class _Token:
    chars: list[_Char]
    is_word: bool

    @property
    def string(self) -> str:
        return "".join(c.text for c in self.chars)


def _capped_indices(length: int) -> tuple[Iterable[int], bool]:
    if length <= HEAD_CHARS + TAIL_CHARS:
        return range(length), False
    return itertools.chain(range(HEAD_CHARS), range(length - TAIL_CHARS, length)), True


def _fold_stream(text: str) -> tuple[list[tuple[str, str, int, int]], str, bool]:
    """Stage 1: (plain, homoglyph, start, end) per folded character, plus the language text."""
    if text.isascii():
        # Fast path, same result: ASCII has no marks, look-alikes or multi-character folds.
        table = _ascii_table()
        if len(text) <= HEAD_CHARS + TAIL_CHARS:
            whole = text.translate(table)
            return [(c, c, i, i + 1) for i, c in enumerate(whole)], text.lower(), False
        tail_start = len(text) - TAIL_CHARS
        head, tail = text[:HEAD_CHARS].translate(table), text[tail_start:].translate(table)
        capped = [(c, c, i, i + 1) for i, c in enumerate(head)]
        capped.append(("\n", "\n", tail_start, tail_start))  # the skipped middle breaks words
        capped.extend((c, c, tail_start + i, tail_start + i + 1) for i, c in enumerate(tail))
        return capped, f"{text[:HEAD_CHARS]}\n{text[tail_start:]}".lower(), True
    indices, truncated = _capped_indices(len(text))
    stream: list[tuple[str, str, int, int]] = []
    language: list[str] = []
    previous_was_base = False
    last_index = -2
    for index in indices:
        char = text[index]
        if index != last_index + 1 and stream:
            stream.append(("\n", "\n", index, index))  # the skipped middle breaks words
            language.append("\n")
        last_index = index
        if keep_for_language(char, previous_was_base):
            language.append(char)
            previous_was_base = unicodedata.category(char).startswith("L")
        folded = fold_char(char)
        if not folded.text:
            if stream and stream[-1][3] == index and unicodedata.category(char) in ("Mn", "Me"):
                plain, homoglyph, start, _ = stream[-1]
                stream[-1] = (plain, homoglyph, start, index + 1)  # marks belong to their base
            continue
        if len(folded.text) == len(folded.homoglyph):
            for plain, homoglyph in zip(folded.text, folded.homoglyph, strict=True):
                stream.append((plain, homoglyph, index, index + 1))
        else:
            stream.extend((plain, plain, index, index + 1) for plain in folded.text)
    language_text = unicodedata.normalize("NFC", "".join(language)).lower()
    return stream, language_text, truncated


@lru_cache(maxsize=1)
def _ascii_table() -> dict[int, str]:
    return {code: fold_char(chr(code)).text for code in range(128)}


def _tokens(stream: list[tuple[str, str, int, int]]) -> list[_Token]:
    """Stage 2: words (homoglyph- and leet-folded) and the separators between them."""
    tokens: list[_Token] = []
    leet_in_words = False
    homoglyphs = "".join(item[1] for item in stream)
    position = 0
    for run in [*_WORD_RUN.finditer(homoglyphs), None]:
        start, end = (run.start(), run.end()) if run else (len(stream), len(stream))
        if start > position:
            separator = [_Char(p, s, e) for p, _, s, e in stream[position:start]]
            tokens.append(_Token(separator, is_word=False))
        position = end
        if run is None:
            break
        items = stream[start:end]
        plain_latin = any(p.isascii() and p.isalpha() for p, _, _, _ in items)
        all_lookalike = all(h.isascii() for _, h, _, _ in items)
        use_homoglyph = plain_latin or all_lookalike
        chars = [_Char(h if use_homoglyph else p, s, e) for p, h, s, e in items]
        if any(c.text.isalpha() for c in chars) and not _NUMBER_WITH_UNIT.fullmatch(
            "".join(c.text for c in chars)
        ):
            for offset, char in enumerate(chars):
                if char.text == "@" and offset == 0:
                    continue  # a mention, not an "a"
                if _leet(char):
                    leet_in_words = True
        tokens.append(_Token(chars, is_word=True))
    if leet_in_words:
        # The writer uses leetspeak: short all-digit words are words too ("y0u 4re 4 1d10t",
        # "7'35 un3 l1m4c3").
        for token in tokens:
            short = len(token.chars) <= _MAX_LEET_DIGIT_WORD
            if token.is_word and short and all(c.text in _LEET for c in token.chars):
                for char in token.chars:
                    _leet(char)
    return tokens


def _leet(char: _Char) -> bool:
    replacement = _LEET.get(char.text)
    if replacement is None:
        return False
    char.from_one = char.text == "1"
    char.text = replacement
    return True


def _is_single_letter(token: _Token) -> bool:
    return token.is_word and len(token.chars) == 1 and token.chars[0].text.isalpha()


def _is_spaced_gap(token: _Token) -> bool:
    return not token.is_word and len(token.chars) == 1 and token.chars[0].text in _SPACED_SEPARATORS


def _is_wide_gap(token: _Token) -> bool:
    return not token.is_word and len(token.chars) >= 2 and all(c.text == " " for c in token.chars)


def _join_spaced(
    tokens: list[_Token], vocabulary: AbstractSet[str], function_words: AbstractSet[str]
) -> list[_Token]:
    """Stage 3a: join runs of single letters separated by one space/dot/dash."""
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not _is_single_letter(token):
            result.append(token)
            index += 1
            continue
        letters = [token]
        cursor = index + 1
        separator = tokens[cursor].chars[0].text if cursor < len(tokens) else ""
        while (
            cursor + 1 < len(tokens)
            and _is_spaced_gap(tokens[cursor])
            and tokens[cursor].chars[0].text == separator  # "f.i.n.d y.o.u" is two words
            and _is_single_letter(tokens[cursor + 1])
        ):
            letters.append(tokens[cursor + 1])
            cursor += 2
        # Two letters only join in "spaced mode": words set apart by wider gaps ("a n  i d i o t").
        wide_before = bool(result) and _is_wide_gap(result[-1])
        wide_after = cursor < len(tokens) and _is_wide_gap(tokens[cursor])
        enough = len(letters) >= _MIN_SPACED_LETTERS or (
            len(letters) == 2 and (wide_before or wide_after)
        )
        chars = [t.chars[0] for t in letters]
        joined = "".join(c.text for c in chars)
        if separator == " " and joined not in vocabulary:
            # "u r a slut": every letter is a word of its own in chat speak, keep them apart.
            enough = enough and not all(c.text in _STANDALONE_LETTERS for c in chars)
        if not enough:
            result.append(token)
            index += 1
            continue
        split_at = 0
        if separator == " " and joined not in vocabulary:
            split_at = next(
                (
                    k
                    for k in (1, 2)
                    if len(joined) - k >= k + 1  # "I a m" -> "i am", but not "g a t e" -> "ga te"
                    and joined[k:] in vocabulary
                    and (joined[:k] in _STANDALONE_LETTERS or joined[:k] in function_words)
                ),
                0,
            )
        if split_at:
            result.append(_Token(chars[:split_at], is_word=True))
            space = _Char(" ", chars[split_at].start, chars[split_at].start)
            result.append(_Token([space], is_word=False))
        result.append(_Token(chars[split_at:], is_word=True))
        index = cursor
    return result


def _join_split_words(
    tokens: list[_Token], vocabulary: AbstractSet[str], function_words: AbstractSet[str]
) -> list[_Token]:
    """Stage 3b: "id iot" -> "idiot" when the halves join into a known term."""
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.is_word and index + 2 < len(tokens) and _is_spaced_gap(tokens[index + 1]):
            following = tokens[index + 2]
            left, right = token.string, following.string
            joined = left + right
            if (
                following.is_word
                and len(joined) >= _MIN_SPLIT_JOIN
                and min(len(left), len(right)) >= 2
                and joined in vocabulary
                and left not in vocabulary
                and right not in vocabulary
                and left not in function_words
                and right not in function_words
            ):
                result.append(_Token(token.chars + following.chars, is_word=True))
                index += 3
                continue
        result.append(token)
        index += 1
    return result


def _runs(chars: Sequence[_Char]) -> list[list[_Char]]:
    return [list(group) for _, group in itertools.groupby(chars, key=lambda c: c.text)]


def _collapse(run: list[_Char], keep: int) -> list[_Char]:
    if len(run) <= keep:
        return run
    kept = [_Char(c.text, c.start, c.end, c.from_one) for c in run[:keep]]
    kept[-1].end = run[-1].end
    return kept


def _repair_word(token: _Token, vocabulary: AbstractSet[str]) -> _Token:
    """Stage 4: repeated letters and the ambiguous leet ``1``."""
    word = token.string
    if word in vocabulary:
        return token
    chars = token.chars
    runs = _runs(chars)
    if any(len(run) >= 3 for run in runs):  # only clearly stretched words are touched
        long_runs = [i for i, run in enumerate(runs) if len(run) >= 2]
        choices: Iterable[tuple[int, ...]] = (
            itertools.product((1, 2), repeat=len(long_runs))
            if len(long_runs) <= _MAX_RUNS_EXPANDED
            else [(1,) * len(long_runs)]
        )
        chosen: list[_Char] | None = None
        for choice in choices:
            keep = dict(zip(long_runs, choice, strict=True))
            candidate = [c for i, run in enumerate(runs) for c in _collapse(run, keep.get(i, 2))]
            if "".join(c.text for c in candidate) in vocabulary:
                chosen = candidate
                break
        if chosen is None:
            chosen = [c for run in runs for c in _collapse(run, 1 if len(run) >= 3 else 2)]
        chars = chosen
    if any(c.from_one for c in chars):
        as_l = "".join("l" if c.from_one else c.text for c in chars)
        if "".join(c.text for c in chars) not in vocabulary and as_l in vocabulary:
            chars = [_Char("l" if c.from_one else c.text, c.start, c.end) for c in chars]
    return _Token(chars, is_word=True)


def _emit(tokens: Iterable[_Token]) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        for char in token.chars:
            text = char.text
            if text in (" ", "\n") and out and out[-1] in (" ", "\n"):
                if text == "\n":
                    out[-1] = "\n"
                ends[-1] = max(ends[-1], char.end)
                continue
            out.append(text)
            starts.append(char.start)
            ends.append(char.end)
    return "".join(out), starts, ends


def normalise(
    text: str,
    vocabulary: AbstractSet[str] | None = None,
    function_words: AbstractSet[str] | None = None,
) -> NormalisedText:
    """Normalise ``text`` (never raises for any ``str``).

    ``vocabulary`` is the set of known single words (lexicon terms) used to decide how to join
    spaced letters and collapse repeated ones; ``function_words`` are never glued to a neighbour.
    Both default to the shipped lexicon's.
    """
    if vocabulary is None or function_words is None:
        from bot.detection.lexicon import default_lexicon

        lexicon = default_lexicon()
        vocabulary = lexicon.vocabulary if vocabulary is None else vocabulary
        function_words = lexicon.function_words if function_words is None else function_words
    stream, language_text, truncated = _fold_stream(text)
    tokens = _join_spaced(_tokens(stream), vocabulary, function_words)
    tokens = _join_split_words(tokens, vocabulary, function_words)
    repaired = [_repair_word(t, vocabulary) if t.is_word else t for t in tokens]
    folded, starts, ends = _emit(repaired)
    return NormalisedText(
        original=text,
        text=folded,
        starts=tuple(starts),
        ends=tuple(ends),
        language_text=language_text,
        truncated=truncated,
    )
