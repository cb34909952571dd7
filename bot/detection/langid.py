"""Offline language identification for nl/fr/en/de on short, possibly code-switched messages.

Each word is scored by a character n-gram (1-4) naive Bayes model (``data/langid.json``, built by
``python -m bot.detection.build_langid``) plus a strong vote when it is a function word of a
language ("de", "niet", "pas", "the", "nicht"): on three-word messages function words are what
really decide. The message language is the best total; ``shares`` is each language's share of the
words, so "allez, t'es vraiment een dikke zever hein" reports both fr and nl.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.detection.errors import LanguageModelError
from bot.verdicts import Language

__all__ = [
    "LANGID_FILE",
    "LANGID_LANGUAGES",
    "LanguageGuess",
    "LanguageIdentifier",
    "LanguageModelError",
    "NgramModel",
    "default_identifier",
    "load_ngram_model",
    "word_ngrams",
]

LANGID_FILE = Path(__file__).parent / "data" / "langid.json"
LANGID_LANGUAGES: tuple[Language, ...] = (Language.NL, Language.FR, Language.EN, Language.DE)
REBUILD_COMMAND = "python -m bot.detection.build_langid"
MAX_ORDER = 4
_FUNCTION_WORD_BONUS = 6.0  # nats: one function word outweighs a short word's n-grams
_MIN_SHARE = 0.1
_CACHE_MAX = 50_000  # words; their rows of pairs take ~10 MB
# fewer new words than this: numpy's per-call overhead outweighs the vectorised sums
PRIME_MIN_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")  # ``_WORD`` on ASCII text (faster)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """Primary language (best likelihood) and each language's share of the words.

    Shares are sorted and sum to 1; on a very ambiguous text the primary may not be the top share.
    """

    lang: Language
    shares: tuple[tuple[Language, float], ...]


@dataclass(frozen=True, slots=True)
class NgramModel:
    """Log-probabilities per n-gram and language (``log_probs[ngram][i]`` for ``languages[i]``)."""

    languages: tuple[Language, ...]
    log_probs: Mapping[str, tuple[float, ...]]
    unseen: tuple[float, ...]


def word_ngrams(word: str, max_order: int = MAX_ORDER) -> list[str]:
    """Character n-grams (1..max_order) of ``word`` padded with spaces."""
    padded = f" {word} "
    return [
        padded[i : i + order]
        for order in range(1, max_order + 1)
        for i in range(len(padded) - order + 1)
        if padded[i : i + order].strip()
    ]


def _letter_word_ngrams(word: str) -> list[str] | None:
    """``word_ngrams(word)`` for a non-empty word without whitespace (else None).

    No n-gram of such a word is blank except the two padding spaces, so the 1-grams are the
    word's characters and every longer n-gram is kept.
    """
    if word.split() != [word]:
        return None
    padded = f" {word} "
    return [*word, *map(padded.__getitem__, _longer_gram_slices(len(padded)))]


_SLICE_CACHE_MAX = 64


def _longer_gram_slices(size: int) -> tuple[slice, ...]:
    """The slices of the 2-, 3- and 4-grams of a ``size``-character string, in that order."""
    cached = _GRAM_SLICES.get(size)
    if cached is None:
        cached = tuple(
            slice(i, i + order)
            for order in range(2, MAX_ORDER + 1)
            for i in range(size - order + 1)
        )
        if size <= _SLICE_CACHE_MAX:
            _GRAM_SLICES[size] = cached
    return cached


_GRAM_SLICES: dict[int, tuple[slice, ...]] = {}


_PairTable = tuple[dict[str, complex], complex]


def _pair_tables(model: NgramModel) -> tuple[_PairTable, ...] | None:
    """Per two languages, each n-gram's two log-probabilities as one complex number (with the
    unseen pair): None unless the model has an even number of languages."""
    count = len(model.languages)
    if count == 0 or count % 2:
        return None
    return tuple(
        (
            {gram: complex(values[i], values[i + 1]) for gram, values in model.log_probs.items()},
            complex(model.unseen[i], model.unseen[i + 1]),
        )
        for i in range(0, count, 2)
    )


def _function_word_bonuses(
    languages: tuple[Language, ...], function_words: Mapping[Language, frozenset[str]]
) -> dict[str, tuple[tuple[int, float], ...]]:
    """Per function word, (language index, bonus) for each language listing it: the bonus is
    shared between those languages."""
    bonuses: dict[str, tuple[tuple[int, float], ...]] = {}
    for word in set().union(*function_words.values()):
        members = [
            index for index, lang in enumerate(languages) if word in function_words.get(lang, ())
        ]
        if members:
            bonuses[word] = tuple((index, _FUNCTION_WORD_BONUS / len(members)) for index in members)
    return bonuses


def load_ngram_model(path: Path = LANGID_FILE) -> NgramModel:
    """Load the model; a clear ``LanguageModelError`` names the file and the rebuild command."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        languages = tuple(Language(code) for code in payload["languages"])
        unseen = tuple(float(value) for value in payload["unseen"])
        raw = payload["log_probs"]
        log_probs = {str(ngram): tuple(float(v) for v in values) for ngram, values in raw.items()}
        if len(unseen) != len(languages) or any(
            len(v) != len(languages) for v in log_probs.values()
        ):
            raise ValueError("vector lengths do not match the language list")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise LanguageModelError(
            f"language model {path} is missing or corrupt ({error}); rebuild it with "
            f"`{REBUILD_COMMAND}`"
        ) from error
    return NgramModel(languages=languages, log_probs=log_probs, unseen=unseen)


class LanguageIdentifier:
    """Scores words with the n-gram model and function-word lists."""

    def __init__(
        self, model: NgramModel, function_words: Mapping[Language, frozenset[str]]
    ) -> None:
        self._model = model
        self._function_words = function_words
        self._cache: dict[str, tuple[complex, ...]] = {}
        self._pair_tables = _pair_tables(model)
        self._bonuses = _function_word_bonuses(model.languages, function_words)
        # ``prime``'s layout: one row per n-gram, then the unseen row, then a row of -0.0
        # (padding: adding -0.0 changes no float)
        self._gram_rows = {gram: row for row, gram in enumerate(model.log_probs)}
        self._unseen_row = len(self._gram_rows)
        values = [*model.log_probs.values(), model.unseen, (-0.0,) * len(model.languages)]
        self._gram_matrix: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64).reshape(
            len(values), len(model.languages)
        )

    def _word_scores(self, word: str) -> tuple[float, ...]:
        """Sum of the word's n-gram log-probabilities per language over sqrt(n-gram count), plus
        the function-word bonus.

        The per-language sums run over the n-grams in ``word_ngrams`` order, two languages per
        complex number (see ``_word_row``): the same floats as one float sum per language.
        """
        grams = _letter_word_ngrams(word)
        if grams is None:
            grams = word_ngrams(word)
        pairs = self._pair_tables
        if grams and pairs is not None:
            scale = math.sqrt(len(grams))  # long words not overconfident
            totals = [
                value / scale
                for table, unseen in pairs
                for pair in (
                    functools.reduce(operator.add, map(table.get, grams, repeat(unseen)), 0j),
                )
                for value in (pair.real, pair.imag)
            ]
        else:
            totals = self._plain_sums(grams)
        for index, bonus in self._bonuses.get(word, ()):
            totals[index] += bonus
        return tuple(totals)

    def _plain_sums(self, grams: list[str]) -> list[float]:
        """Per-language float sums over ``grams`` (the general path, any language count)."""
        model = self._model
        totals = [0.0] * len(model.languages)
        for gram in grams:
            values = model.log_probs.get(gram, model.unseen)
            for index, value in enumerate(values):
                totals[index] += value
        if grams:
            totals = [total / math.sqrt(len(grams)) for total in totals]
        return totals

    def _word_votes(self, word: str) -> tuple[float, ...]:
        """The word's score per language, then its vote per language (softmax of the scores)."""
        return _with_votes(self._word_scores(word))

    def _store(self, word: str, values: tuple[float, ...]) -> tuple[complex, ...]:
        row = tuple(map(complex, values[0::2], values[1::2]))
        if len(self._cache) < _CACHE_MAX:
            self._cache[word] = row
        return row

    def prime(self, word_lists: Iterable[Sequence[str]]) -> None:
        """Score, together, the words of a batch of texts that are not cached yet (and cache
        them): what ``identify`` would compute one word at a time, in fewer, larger steps.

        Each word's n-gram log-probabilities are gathered into one (position, word, language)
        array, padded with -0.0, and summed over the positions: per word and language the same
        additions in the same order as ``_word_scores``, so the same floats.
        """
        cache = self._cache
        if self._pair_tables is None or len(cache) >= _CACHE_MAX:
            return
        fresh = {
            word: None for words in word_lists for word in words if word not in cache
        }  # new words, once each, in order
        if len(fresh) < PRIME_MIN_WORDS or _CACHE_MAX - len(cache) < len(fresh):
            return  # ``identify`` scores them one by one, caching them until the cache is full
        batch = []
        for word in fresh:
            grams = _letter_word_ngrams(word)
            if grams is None:
                grams = word_ngrams(word)
            if grams:
                batch.append((word, grams))
        if not batch:
            return
        lengths = [len(grams) for _, grams in batch]
        longest = max(lengths)
        layout = np.full((longest, len(batch)), self._unseen_row + 1, dtype=np.intp)
        rows, unseen = self._gram_rows, self._unseen_row
        for column, (_, grams) in enumerate(batch):
            layout[: len(grams), column] = list(map(rows.get, grams, repeat(unseen)))
        sums = self._gram_matrix[layout].sum(axis=0)
        sums /= np.sqrt(np.asarray(lengths, dtype=np.float64))[:, None]
        bonuses = self._bonuses
        for (word, _), totals in zip(batch, sums.tolist(), strict=True):
            for index, bonus in bonuses.get(word, ()):
                totals[index] += bonus
            self._store(word, _with_votes(tuple(totals)))

    def _word_row(self, word: str) -> tuple[complex, ...]:
        """``_word_votes`` two values per complex number (cached).

        The real and imaginary parts of a complex sum are two independent float additions, so
        summing rows of pairs gives exactly the floats of summing each value on its own, with
        half the additions.
        """
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        return self._store(word, self._word_votes(word))

    def words(self, text: str) -> list[str]:
        """The words ``identify`` scores in ``text``."""
        folded = text.casefold()
        return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)

    def identify(self, text: str) -> LanguageGuess:
        """Language of ``text`` (lowercase, accents kept: ``NormalisedText.language_text``)."""
        return self.identify_words(self.words(text))

    def identify_words(self, words: list[str]) -> LanguageGuess:
        """``identify`` of the text whose ``words`` these are."""
        if not words:
            return _NO_GUESS
        languages = self._model.languages
        count = len(languages)
        cache = self._cache
        rows = list(map(cache.get, words))
        if None in rows:
            rows = [row or self._word_row(word) for row, word in zip(rows, words, strict=True)]
        # Summed in word order, from 0.0: the same floats as a running total of each value.
        columns = [
            value
            for column in zip(*rows, strict=True)
            for pair in (functools.reduce(operator.add, column, 0j),)
            for value in (pair.real, pair.imag)
        ]
        sums, votes = columns[:count], columns[count:]
        # The likelihood sum decides (best on held-out three-word messages); votes give shares.
        primary = languages[max(range(count), key=sums.__getitem__)]
        total = sum(votes)
        kept = [
            (lang, share)
            for lang, share in zip(languages, [vote / total for vote in votes], strict=True)
            if share >= _MIN_SHARE or lang is primary
        ]
        kept_total = sum([share for _, share in kept])
        if len(kept) > 1:
            kept.sort(key=_share_order)
        return LanguageGuess(
            primary, tuple([(lang, round(share / kept_total, 3)) for lang, share in kept])
        )


def _with_votes(scores: tuple[float, ...]) -> tuple[float, ...]:
    """The scores, then each language's vote (softmax of the scores)."""
    best = max(scores)
    weights = [math.exp(score - best) for score in scores]
    norm = sum(weights)
    return (*scores, *(weight / norm for weight in weights))


def _share_order(item: tuple[Language, float]) -> tuple[float, str]:
    return (-item[1], item[0].value)


_NO_GUESS = LanguageGuess(Language.UNKNOWN, ())


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """The shipped identifier (model + lexicon function words), loaded once."""
    from bot.detection.lexicon import default_lexicon

    return LanguageIdentifier(load_ngram_model(), default_lexicon().function_words_by_language())
