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
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

from bot.detection.charfold import LANGUAGE_ACCENTS, fold_char, keep_for_language
from bot.verdicts import Span

__all__ = ["HEAD_CHARS", "TAIL_CHARS", "NormalisedText", "normalise"]

HEAD_CHARS = 6000
TAIL_CHARS = 1500
# "8h37", "10u30", "3rd", "2de", "5km": numbers with a unit, not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"\d+(?:h|u|uur|st|nd|rd|th|e|er|eme|de|ste|km|kg|min|gb|mb|eur)\d*")
_WORD_SPLIT = re.compile(r"((?:[^\W_]|[@$])+)")  # words kept by split()
_SPACES = re.compile("[ \n]")
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a"}
_LEET_TABLE = str.maketrans(_LEET)
_LEET_CHAR = re.compile("[013457$@]")
_DIGITS = frozenset("013457")  # the leet digits
_STRETCHED = re.compile(r"(.)\1\1", re.DOTALL)  # three times the same character
_SPACED_SEPARATORS = frozenset(" .-_*·/|")
_MIN_SPACED_LETTERS = 3
_MIN_SPLIT_JOIN = 5
_MAX_LEET_DIGIT_WORD = 3
_STANDALONE_LETTERS = frozenset("aiuryoekc")
_MAX_RUNS_EXPANDED = 5
# Characters standing in for letters inside a word: "n*gger", "N€ger", "fl!kker", "fl💩kkers"
_MASK = re.compile("[*€!#%+~\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+")
_MASK_MODIFIER = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")
# a word character (as ``_WORD_SPLIT`` keeps them), mask characters, a word character
_MASKED_IN_WORD = re.compile(
    "(?:[^\\W_]|[@$])[*€!#%+~\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]{1,4}(?:[^\\W_]|[@$])"
)
_MAX_MASKED = 2  # letters filled in one word
_MIN_UNMASKED_LETTERS = 3  # "f*ck" yes, "p*t" not even tried


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
class _Token:
    """A word, or the separator between two words, and where its characters come from.

    While the token is an unchanged stretch of the stream (leet letters aside), ``at`` is the
    stream position of its first character; after a join or a repair ``at`` is -1 and
    ``starts``/``ends`` hold each character's [start, end) in the original. ``ones`` are the
    positions of letters read from a leet ``1``.
    """

    text: str
    is_word: bool
    at: int
    starts: Sequence[int] = ()
    ends: Sequence[int] = ()
    ones: tuple[int, ...] = ()


# The folded text without and with homoglyph folding (one character per position, same length)
# and each position's [start, end) in the original.
_Stream = tuple[str, str, list[int], list[int]]


def _capped_indices(length: int) -> tuple[Iterable[int], bool]:
    if length <= HEAD_CHARS + TAIL_CHARS:
        return range(length), False
    return itertools.chain(range(HEAD_CHARS), range(length - TAIL_CHARS, length)), True


def _fold_stream(text: str) -> tuple[_Stream, str, bool]:
    """Stage 1: the folded stream, plus the language text and whether the input was capped."""
    length = len(text)
    if length <= HEAD_CHARS + TAIL_CHARS:
        if not _simple_folds(text):
            return _fold_translated(text) if _translatable(text) else _fold_each(text)
        # Fast path, same result: each character folds to one, no look-alike, no mark.
        folded = text.translate(_SIMPLE_FOLDS)
        stream = (folded, folded, list(range(length)), list(range(1, length + 1)))
        return stream, unicodedata.normalize("NFC", text).lower(), False
    tail_start = length - TAIL_CHARS
    head, tail = text[:HEAD_CHARS], text[tail_start:]
    if not (_simple_folds(head) and _simple_folds(tail)):
        return _fold_each(text)
    folded = f"{head.translate(_SIMPLE_FOLDS)}\n{tail.translate(_SIMPLE_FOLDS)}"
    starts = [*range(HEAD_CHARS), tail_start, *range(tail_start, length)]
    ends = [*range(1, HEAD_CHARS + 1), tail_start, *range(tail_start + 1, length + 1)]
    language_text = unicodedata.normalize("NFC", f"{head}\n{tail}").lower()
    return (folded, folded, starts, ends), language_text, True


def _fold_each(text: str) -> tuple[_Stream, str, bool]:
    """``_fold_stream`` character by character (any input)."""
    indices, truncated = _capped_indices(len(text))
    plain: list[str] = []
    homoglyphs: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    language: list[str] = []
    previous_was_base = False
    last_index = -2
    for index in indices:
        char = text[index]
        if index != last_index + 1 and plain:
            plain.append("\n")  # the skipped middle breaks words
            homoglyphs.append("\n")
            starts.append(index)
            ends.append(index)
            language.append("\n")
        last_index = index
        if keep_for_language(char, previous_was_base):
            language.append(char)
            previous_was_base = unicodedata.category(char).startswith("L")
        folded = fold_char(char)
        if not folded.text:
            if ends and ends[-1] == index and unicodedata.category(char) in ("Mn", "Me"):
                ends[-1] = index + 1  # marks belong to their base
            continue
        same_length = len(folded.text) == len(folded.homoglyph)
        for position, plain_char in enumerate(folded.text):
            plain.append(plain_char)
            homoglyphs.append(folded.homoglyph[position] if same_length else plain_char)
            starts.append(index)
            ends.append(index + 1)
    language_text = unicodedata.normalize("NFC", "".join(language)).lower()
    return ("".join(plain), "".join(homoglyphs), starts, ends), language_text, truncated


def _fold_translated(text: str) -> tuple[_Stream, str, bool]:
    """``_fold_each`` for a short text of ``_translatable`` characters, with ``str.translate``:
    a Python loop only over the characters that do not fold to exactly one."""
    length = len(text)
    widths = text.translate(_WIDTHS)
    starts: list[int] = []
    ends: list[int] = []
    copied = 0
    for found in _NOT_ONE_WIDE.finditer(widths):
        index = found.start()
        starts += range(copied, index)
        ends += range(copied + 1, index + 1)
        width = widths[index]
        if width == _MARK:
            if ends and ends[-1] == index:
                ends[-1] = index + 1  # marks belong to their base
        else:
            starts += [index] * ord(width)
            ends += [index + 1] * ord(width)
        copied = index + 1
    starts += range(copied, length)
    ends += range(copied + 1, length + 1)
    language_text = unicodedata.normalize("NFC", text.translate(_LANGUAGE_DROPS)).lower()
    plain = text.translate(_PLAIN_FOLDS)
    return (plain, text.translate(_HOMOGLYPH_FOLDS), starts, ends), language_text, False


# Characters whose folding does not depend on their neighbours (any number of folded characters,
# also none) and whose place in the language text does not either (every one but the accent
# marks kept after a letter); learnt as they are seen, bounded. Per character: its folded text,
# with homoglyphs folded, whether the language text drops it, and its width (``_MARK``: a
# combining mark, which extends the previous character's end).
_TRANSLATABLE: set[str] = set()
_NOT_TRANSLATABLE: set[str] = set()
_PLAIN_FOLDS: dict[int, str] = {}
_HOMOGLYPH_FOLDS: dict[int, str] = {}
_LANGUAGE_DROPS: dict[int, None] = {}
_WIDTHS: dict[int, str] = {}
_MARK = "\x7f"
_NOT_ONE_WIDE = re.compile("[^\x01]")


def _translatable(text: str) -> bool:
    """Whether ``_fold_translated`` can fold ``text``; learns the characters not seen yet."""
    if _TRANSLATABLE.issuperset(text):
        return True
    for char in set(text).difference(_TRANSLATABLE):
        known = len(_TRANSLATABLE) + len(_NOT_TRANSLATABLE)
        if char in _NOT_TRANSLATABLE or known >= _MAX_KNOWN_CHARS:
            return False
        mark = unicodedata.category(char) in ("Mn", "Me")
        if mark and char in LANGUAGE_ACCENTS:
            _NOT_TRANSLATABLE.add(char)  # kept or not depending on the character before
            return False
        folded = fold_char(char)
        code = ord(char)
        _PLAIN_FOLDS[code] = folded.text
        same_length = len(folded.homoglyph) == len(folded.text)
        _HOMOGLYPH_FOLDS[code] = folded.homoglyph if same_length else folded.text
        if not keep_for_language(char, previous_was_base=False):
            _LANGUAGE_DROPS[code] = None
        _WIDTHS[code] = _MARK if mark else chr(len(folded.text))
        _TRANSLATABLE.add(char)  # last: the tables above are complete for it
    return True


# Characters known to fold to exactly one character, the same with or without homoglyph folding,
# and kept as they are for language identification (learnt as they are seen, bounded).
_SIMPLE_CHARS: set[str] = set()
_SIMPLE_FOLDS: dict[int, str] = {}
_NOT_SIMPLE: set[str] = set()
_MAX_KNOWN_CHARS = 65_536


def _simple_folds(text: str) -> bool:
    """Whether every character of ``text`` is simple (see above); learns those not seen yet."""
    if _SIMPLE_CHARS.issuperset(text):
        return True
    for char in set(text).difference(_SIMPLE_CHARS):
        if char in _NOT_SIMPLE or len(_SIMPLE_CHARS) + len(_NOT_SIMPLE) >= _MAX_KNOWN_CHARS:
            return False
        folded = fold_char(char)
        if (
            len(folded.text) == 1
            and folded.homoglyph == folded.text
            and unicodedata.category(char) not in ("Mn", "Me")
            and keep_for_language(char, previous_was_base=False)
        ):
            _SIMPLE_FOLDS[ord(char)] = folded.text  # before the character counts as known
            _SIMPLE_CHARS.add(char)
        else:
            _NOT_SIMPLE.add(char)
            return False
    return True


def _tokens(stream: _Stream) -> list[_Token]:
    """Stage 2: words (homoglyph- and leet-folded) and the separators between them."""
    plain, homoglyphs, _, _ = stream
    same = plain == homoglyphs
    maybe_leet = _LEET_CHAR.search(homoglyphs) is not None
    parts = _WORD_SPLIT.split(homoglyphs)  # separator, word, separator, ..., word, separator
    tokens: list[_Token] = []
    leet_in_words = False
    position = 0
    for index, part in enumerate(parts):
        if not part:
            continue  # no separator at the very start or end
        start = position
        position += len(part)
        if not index % 2:
            tokens.append(_Token(part if same else plain[start:position], False, start))
            continue
        word = part
        if not same:
            plain_word = plain[start:position]
            plain_latin = any(c.isascii() and c.isalpha() for c in plain_word)
            if not (plain_latin or word.isascii()):
                word = plain_word
        ones: tuple[int, ...] = ()
        first = 1 if word[0] == "@" else 0  # a leading "@" is a mention, not an "a"
        if (
            maybe_leet
            and _LEET_CHAR.search(word, first)
            and any(map(str.isalpha, word))
            and not _NUMBER_WITH_UNIT.fullmatch(word)
        ):
            leet_in_words = True
            ones = tuple(i for i, c in enumerate(word) if c == "1")
            word = word[:first] + word[first:].translate(_LEET_TABLE)
        tokens.append(_Token(word, True, start, ones=ones))
    if leet_in_words:
        # The writer uses leetspeak: short all-digit words are words too ("y0u 4re 4 1d10t",
        # "7'35 un3 l1m4c3").
        for token in tokens:
            word = token.text
            if token.is_word and len(word) <= _MAX_LEET_DIGIT_WORD and _LEET.keys() >= set(word):
                token.ones = tuple(i for i, c in enumerate(word) if c == "1")
                token.text = word.translate(_LEET_TABLE)
    return tokens


def _offsets(token: _Token, stream: _Stream) -> tuple[Sequence[int], Sequence[int]]:
    """Each character's [start, end) in the original."""
    if token.at < 0:
        return token.starts, token.ends
    stop = token.at + len(token.text)
    return stream[2][token.at : stop], stream[3][token.at : stop]


def _joined(parts: Sequence[_Token], stream: _Stream) -> _Token:
    """One word made of ``parts`` (their characters in order)."""
    starts: list[int] = []
    ends: list[int] = []
    ones: list[int] = []
    for part in parts:
        part_starts, part_ends = _offsets(part, stream)
        ones.extend(len(starts) + i for i in part.ones)
        starts.extend(part_starts)
        ends.extend(part_ends)
    return _Token("".join(p.text for p in parts), True, -1, starts, ends, tuple(ones))


def _is_single_letter(token: _Token) -> bool:
    """A one-letter word, or a lone leet digit among spaced letters ("n 1 g g 3 r")."""
    return (
        token.is_word and len(token.text) == 1 and (token.text.isalpha() or token.text in _DIGITS)
    )


def _as_letter(token: _Token) -> _Token:
    """A lone leet digit read as its letter (a "1" may still become an "l" in stage 4)."""
    if token.text.isalpha():
        return token
    ones = (0,) if token.text == "1" else ()
    return _Token(_LEET[token.text], True, token.at, token.starts, token.ends, ones)


def _is_spaced_gap(token: _Token) -> bool:
    return not token.is_word and len(token.text) == 1 and token.text in _SPACED_SEPARATORS


def _is_wide_gap(token: _Token) -> bool:
    return not token.is_word and len(token.text) >= 2 and not token.text.strip(" ")


def _join_spaced(
    tokens: list[_Token],
    stream: _Stream,
    vocabulary: AbstractSet[str],
    function_words: AbstractSet[str],
) -> list[_Token]:
    """Stage 3a: join runs of single letters separated by one space/dot/dash."""
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not _is_single_letter(token):
            result.append(token)  # not a single letter
            index += 1
            continue
        letters = [token]
        cursor = index + 1
        separator = tokens[cursor].text[0] if cursor < len(tokens) else ""
        while (
            cursor + 1 < len(tokens)
            and _is_spaced_gap(tokens[cursor])
            and tokens[cursor].text == separator  # "f.i.n.d y.o.u" is two words
            and _is_single_letter(tokens[cursor + 1])
        ):
            letters.append(tokens[cursor + 1])
            cursor += 2
        if not all(t.text.isalpha() for t in letters):
            read = [_as_letter(t) for t in letters]
            word = "".join(t.text for t in read)
            if word not in vocabulary and word not in function_words:
                result.append(token)  # "3 4 5", "bus 5 7 8", "a 1 b": not a known word
                index += 1
                continue
            letters = read
        # Two letters only join in "spaced mode": words set apart by wider gaps ("a n  i d i o t").
        wide_before = bool(result) and _is_wide_gap(result[-1])
        wide_after = cursor < len(tokens) and _is_wide_gap(tokens[cursor])
        enough = len(letters) >= _MIN_SPACED_LETTERS or (
            len(letters) == 2 and (wide_before or wide_after)
        )
        joined = "".join(t.text for t in letters)
        if separator == " " and joined not in vocabulary:
            # "u r a slut": every letter is a word of its own in chat speak, keep them apart.
            enough = enough and not _STANDALONE_LETTERS.issuperset(joined)
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
            result.append(_joined(letters[:split_at], stream))
            space = _offsets(letters[split_at], stream)[0][0]
            result.append(_Token(" ", False, -1, [space], [space]))
        result.append(_joined(letters[split_at:], stream))
        index = cursor
    return result


def _mask_units(text: str) -> list[tuple[int, int]]:
    """The letters a mask token stands for: one per character, a skin tone, variation selector
    or joiner belonging to the emoji before it ("👍🏿" is one letter). [start, end) in ``text``."""
    units: list[tuple[int, int]] = []
    for offset, char in enumerate(text):
        if units and _MASK_MODIFIER.match(char):
            units[-1] = (units[-1][0], offset + 1)
        else:
            units.append((offset, offset + 1))
    return units


def _is_mask(token: _Token) -> bool:
    """At most ``_MAX_MASKED`` characters standing in for letters ("n*gger", "fl💩kkers")."""
    return (
        not token.is_word
        and _MASK.fullmatch(token.text) is not None
        and len(_mask_units(token.text)) <= _MAX_MASKED
    )


def _unmask(tokens: list[_Token], stream: _Stream, vocabulary: AbstractSet[str]) -> list[_Token]:
    """Stage 3c: "n*gger", "fl💩kkers", "N€ger" -> the one known word the masked letters make.

    Words glued by mask characters (``_MASK``, at most ``_MAX_MASKED`` letters in all) are
    filled letter by letter; only a fill that makes exactly one known word is taken ("p*t"
    could be pot, pet, put: left alone). The filled letters keep the mask characters' offsets.
    A chain of masked words stops growing once it hides more letters than that (linear time).
    """
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end, hidden = index, 0
        while (
            hidden <= _MAX_MASKED
            and end + 2 < len(tokens)
            and tokens[end].is_word
            and _is_mask(tokens[end + 1])
            and tokens[end + 2].is_word
        ):
            hidden += len(_mask_units(tokens[end + 1].text))
            end += 2
        parts = tokens[index : end + 1]
        letters = sum(len(word.text) for word in parts[0::2])
        if end == index or hidden > _MAX_MASKED or letters < _MIN_UNMASKED_LETTERS:
            result.append(token)
            index += 1
            continue
        pattern = "".join(
            re.escape(part.text) if part.is_word else "[a-z]" * len(_mask_units(part.text))
            for part in parts
        )
        found = _masked_words(pattern, parts[0].text[:1], letters + hidden, vocabulary)
        if len(found) != 1:
            result.append(token)
            index += 1
            continue
        word, filled = found[0], []
        position = 0
        for part in parts:
            if part.is_word:
                filled.append(part)
                position += len(part.text)
                continue
            starts, ends = _offsets(part, stream)
            units = _mask_units(part.text)
            letter_starts = [starts[first] for first, _ in units]
            letter_ends = [ends[stop - 1] for _, stop in units]
            text = word[position : position + len(units)]
            filled.append(_Token(text, True, -1, letter_starts, letter_ends))
            position += len(units)
        result.append(_joined(filled, stream))
        index = end + 1
    return result


def _masked_words(pattern: str, first: str, length: int, vocabulary: AbstractSet[str]) -> list[str]:
    """The known words of ``length`` letters starting with ``first`` that ``pattern`` matches
    (at most two: more than one is no answer)."""
    matcher = re.compile(pattern)
    found = []
    for word in _words_of_length(vocabulary, length, first):
        if matcher.fullmatch(word):
            found.append(word)
            if len(found) > 1:
                break
    return found


# Per vocabulary (each community's engine has its own): its words by (length, first letter).
_BY_LENGTH: dict[int, tuple[AbstractSet[str], dict[tuple[int, str], tuple[str, ...]]]] = {}
_MAX_INDEXED_VOCABULARIES = 16


def _words_of_length(vocabulary: AbstractSet[str], length: int, first: str) -> tuple[str, ...]:
    """The vocabulary's words of ``length`` letters starting with ``first`` (indexed once)."""
    cached = _BY_LENGTH.get(id(vocabulary))
    if cached is None or cached[0] is not vocabulary:
        index: dict[tuple[int, str], list[str]] = {}
        for word in sorted(vocabulary):
            if word.isalpha():
                index.setdefault((len(word), word[0]), []).append(word)
        cached = (vocabulary, {key: tuple(words) for key, words in index.items()})
        if len(_BY_LENGTH) >= _MAX_INDEXED_VOCABULARIES:
            _BY_LENGTH.clear()
        _BY_LENGTH[id(vocabulary)] = cached
    return cached[1].get((length, first), ())


def _join_split_words(
    tokens: list[_Token],
    stream: _Stream,
    vocabulary: AbstractSet[str],
    function_words: AbstractSet[str],
) -> list[_Token]:
    """Stage 3b: "id iot" -> "idiot" when the halves join into a known term."""
    result: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.is_word and index + 2 < len(tokens) and _is_spaced_gap(tokens[index + 1]):
            following = tokens[index + 2]
            left, right = token.text, following.text
            if (
                following.is_word
                and len(left) >= 2
                and len(right) >= 2
                and len(left) + len(right) >= _MIN_SPLIT_JOIN
                and left not in vocabulary
                and right not in vocabulary
                and left not in function_words
                and right not in function_words
                and left + right in vocabulary
            ):
                result.append(_joined((token, following), stream))
                index += 3
                continue
        result.append(token)
        index += 1
    return result


# A kept character of a repaired word: its position in the word and its (possibly widened) end.
_Kept = list[tuple[int, int]]


def _collapse(ends: Sequence[int], runs: list[tuple[int, int]], keeps: list[int]) -> _Kept:
    kept: _Kept = []
    for (first, stop), keep in zip(runs, keeps, strict=True):
        if stop - first <= keep:
            kept.extend((i, ends[i]) for i in range(first, stop))
        else:
            kept.extend((i, ends[i]) for i in range(first, first + keep - 1))
            kept.append((first + keep - 1, ends[stop - 1]))
    return kept


def _needs_repair(token: _Token, vocabulary: AbstractSet[str]) -> bool:
    """An unknown word that is clearly stretched or holds a leet ``1``."""
    return (
        bool(token.ones) or _STRETCHED.search(token.text) is not None
    ) and token.text not in vocabulary


def _repair_word(token: _Token, stream: _Stream, vocabulary: AbstractSet[str]) -> _Token:
    """Stage 4: repeated letters and the ambiguous leet ``1`` (in words that ``_needs_repair``)."""
    word = token.text
    stretched = _STRETCHED.search(word) is not None  # only clearly stretched words are touched
    starts, ends = _offsets(token, stream)
    kept: _Kept = list(zip(range(len(word)), ends, strict=True))
    if stretched:
        runs = _run_bounds(word)
        long_runs = [i for i, (first, stop) in enumerate(runs) if stop - first >= 2]
        choices: Iterable[tuple[int, ...]] = (
            itertools.product((1, 2), repeat=len(long_runs))
            if len(long_runs) <= _MAX_RUNS_EXPANDED
            else [(1,) * len(long_runs)]
        )
        chosen: _Kept | None = None
        for choice in choices:
            keep = dict(zip(long_runs, choice, strict=True))
            keeps = [keep.get(i, 2) for i in range(len(runs))]
            text = "".join(
                word[first] * min(stop - first, k)
                for (first, stop), k in zip(runs, keeps, strict=True)
            )
            if text in vocabulary:
                chosen = _collapse(ends, runs, keeps)
                break
        if chosen is None:
            keeps = [1 if stop - first >= 3 else 2 for first, stop in runs]
            chosen = _collapse(ends, runs, keeps)
        kept = chosen
    text = "".join(word[i] for i, _ in kept)
    ones = frozenset(token.ones)
    if any(i in ones for i, _ in kept):
        as_l = "".join("l" if i in ones else word[i] for i, _ in kept)
        if text not in vocabulary and as_l in vocabulary:
            text = as_l
    return _Token(text, True, -1, [starts[i] for i, _ in kept], [end for _, end in kept])


def _run_bounds(word: str) -> list[tuple[int, int]]:
    """[first, stop) of each run of one repeated character."""
    bounds = []
    first = 0
    for _, group in itertools.groupby(word):
        stop = first + sum(1 for _ in group)
        bounds.append((first, stop))
        first = stop
    return bounds


def _emit(tokens: Iterable[_Token], stream: _Stream) -> tuple[str, list[int], list[int]]:
    """The tokens' text, runs of spaces and newlines collapsed to one (a newline wins), and the
    offsets; consecutive unchanged stretches of the stream are copied in one go."""
    stream_starts, stream_ends = stream[2], stream[3]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    after_space = False  # the last character out is a space or a newline
    copy_from = copy_to = -1  # stream stretch still to copy into starts/ends
    for token in tokens:
        text = token.text
        if token.is_word or (len(text) == 1 and not after_space) or not _SPACES.search(text):
            if token.at >= 0 and token.at == copy_to:
                copy_to += len(text)
            else:
                starts += stream_starts[copy_from:copy_to]
                ends += stream_ends[copy_from:copy_to]
                if token.at >= 0:
                    copy_from, copy_to = token.at, token.at + len(text)
                else:
                    copy_from = copy_to = -1
                    starts += token.starts
                    ends += token.ends
            out.append(text)
            after_space = text in (" ", "\n")
            continue
        starts += stream_starts[copy_from:copy_to]
        ends += stream_ends[copy_from:copy_to]
        copy_from = copy_to = -1
        for char, start, end in zip(text, *_offsets(token, stream), strict=True):
            if char in " \n":
                if after_space:
                    if char == "\n":
                        out[-1] = "\n"
                    ends[-1] = max(ends[-1], end)
                    continue
                after_space = True
            else:
                after_space = False
            out.append(char)
            starts.append(start)
            ends.append(end)
    starts += stream_starts[copy_from:copy_to]
    ends += stream_ends[copy_from:copy_to]
    return "".join(out), starts, ends


# The fast path (``_plain_normalised``): the stages 2-4 change nothing in most messages, and
# whether they could is told by a few whole-text regex searches.
_WORD_CHAR = r"(?:[^\W_]|[@$])"  # a character of the words ``_WORD_SPLIT`` keeps
_LETTER = r"[^\W\d_]"  # may be a letter (``str.isalpha``); also a few numerals
_ASCII_WORD_CHAR = "[A-Za-z0-9@$]"  # the same for ASCII text, faster to match
_ASCII_LETTER = "[A-Za-z]"


class _Checks(NamedTuple):
    """Whole-text searches for what the stages 2-4 act on (one set for any text, one for ASCII)."""

    leet_words: re.Pattern[str]  # whole words holding a leet character (greedy)
    letter_pair: re.Pattern[str]  # two single-letter words one separator apart (cheap first)
    letter_join: re.Pattern[str]  # single-letter words ``_join_spaced`` may join
    word_triple: re.Pattern[str]  # a word character three times in a row: a stretched word
    words: re.Pattern[str]  # words of two characters or more (``_join_split_words``'s)


def _checks(word_char: str, letter: str) -> _Checks:
    letter = f"(?:{letter}|[013457])"  # a leet digit may stand among spaced letters
    single = f"(?<!{word_char}){letter}"  # a single-letter word (with the ``(?!...)`` after it)
    gap = "[ .\\-_*·/|]"
    return _Checks(
        leet_words=re.compile(f"{word_char}*[013457$@]{word_char}*"),
        letter_pair=re.compile(f"{single}{gap}{letter}(?!{word_char})"),
        # ``_join_spaced`` joins three letters with one separator between each, or two set
        # apart by wider gaps (two spaces or more before or after them).
        letter_join=re.compile(
            f"{single}({gap}){letter}\\1{letter}(?!{word_char})"
            f"|(?<=  ){letter}{gap}{letter}(?!{word_char})"
            f"|{single}{gap}{letter}  "
        ),
        word_triple=re.compile(f"({word_char})\\1\\1"),
        words=re.compile(f"{word_char}{word_char}+"),  # two characters or more
    )


_UNICODE_CHECKS = _checks(_WORD_CHAR, _LETTER)
_ASCII_CHECKS = _checks(_ASCII_WORD_CHAR, _ASCII_LETTER)
_SPACE_RUN = re.compile("[ \n]{2,}")


def _has_leet_word(folded: str, checks: _Checks) -> bool:
    """Whether ``_tokens`` would read a word of ``folded`` as leetspeak (its own test)."""
    for word in checks.leet_words.findall(folded):
        first = 1 if word[0] == "@" else 0
        if (
            _LEET_CHAR.search(word, first)
            and any(map(str.isalpha, word))
            and not _NUMBER_WITH_UNIT.fullmatch(word)
        ):
            return True
    return False


def _later_stages_idle(folded: str, vocabulary: AbstractSet[str]) -> bool:
    """Whether no stage after the per-character folding can change a word of ``folded`` (a
    stream without homoglyphs): no leetspeak word, no single letters ``_join_spaced`` joins, no
    two neighbouring words joining into a known word, no character three times in a word."""
    checks = _ASCII_CHECKS if folded.isascii() else _UNICODE_CHECKS
    if _LEET_CHAR.search(folded) is not None and _has_leet_word(folded, checks):
        return False
    if _MASKED_IN_WORD.search(folded) is not None:
        return False
    if checks.letter_pair.search(folded) is not None and checks.letter_join.search(folded):
        return False
    if checks.word_triple.search(folded) is not None:
        return False
    words = checks.words.findall(folded)
    return vocabulary.isdisjoint(map(operator.add, words, words[1:]))


def _collapsed_simple(text: str, folded: str) -> NormalisedText:
    """``_collapsed`` for the stream of simple characters (position i comes from character i)."""
    length = len(text)
    language_text = unicodedata.normalize("NFC", text).lower()
    return _collapsed(text, folded, range(length), range(1, length + 1), language_text, False)


def _collapsed(
    text: str,
    folded: str,
    stream_starts: Sequence[int],
    stream_ends: Sequence[int],
    language_text: str,
    truncated: bool,
) -> NormalisedText:
    """What ``_emit`` makes of a stream whose words no stage changed: the folded text with each
    run of spaces/newlines made one (a newline if the run has one, its end the run's end)."""
    runs = list(map(re.Match.span, _SPACE_RUN.finditer(folded)))
    if not runs:
        return NormalisedText(
            text, folded, tuple(stream_starts), tuple(stream_ends), language_text, truncated
        )
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    copied = 0
    for start, end in runs:
        pieces.append(folded[copied:start])
        pieces.append("\n" if "\n" in folded[start:end] else " ")
        starts += stream_starts[copied : start + 1]
        ends += stream_ends[copied:start]
        ends.append(max(stream_ends[start:end]))
        copied = end
    pieces.append(folded[copied:])
    starts += stream_starts[copied:]
    ends += stream_ends[copied:]
    return NormalisedText(
        text, "".join(pieces), tuple(starts), tuple(ends), language_text, truncated
    )


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
    length = len(text)
    if length <= HEAD_CHARS + TAIL_CHARS and _simple_folds(text):
        folded = text.translate(_SIMPLE_FOLDS)
        if _later_stages_idle(folded, vocabulary):
            return _collapsed_simple(text, folded)
        # ``_fold_stream``'s own fast path
        stream = (folded, folded, list(range(length)), list(range(1, length + 1)))
        language_text = unicodedata.normalize("NFC", text).lower()
        truncated = False
    else:
        stream, language_text, truncated = _fold_stream(text)
        if stream[0] == stream[1] and _later_stages_idle(stream[0], vocabulary):
            return _collapsed(text, stream[0], stream[2], stream[3], language_text, truncated)
    return _normalised_from_stream(
        text, stream, language_text, truncated, vocabulary, function_words
    )


def _normalised_in_full(
    text: str, vocabulary: AbstractSet[str], function_words: AbstractSet[str]
) -> NormalisedText:
    """Every stage, for any text (``normalise`` without its fast paths)."""
    stream, language_text, truncated = _fold_stream(text)
    return _normalised_from_stream(
        text, stream, language_text, truncated, vocabulary, function_words
    )


def _normalised_from_stream(
    text: str,
    stream: _Stream,
    language_text: str,
    truncated: bool,
    vocabulary: AbstractSet[str],
    function_words: AbstractSet[str],
) -> NormalisedText:
    tokens = _join_spaced(_tokens(stream), stream, vocabulary, function_words)
    if _MASKED_IN_WORD.search(stream[1]) is not None:
        tokens = _unmask(tokens, stream, vocabulary)
    tokens = _join_split_words(tokens, stream, vocabulary, function_words)
    repaired = [
        _repair_word(t, stream, vocabulary) if t.is_word and _needs_repair(t, vocabulary) else t
        for t in tokens
    ]
    folded, starts, ends = _emit(repaired, stream)
    return NormalisedText(
        original=text,
        text=folded,
        starts=tuple(starts),
        ends=tuple(ends),
        language_text=language_text,
        truncated=truncated,
    )
