"""``hashed_ngrams``: the shipped heads depend on these exact bucket ids."""

from __future__ import annotations

import itertools
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detection.learned.features import (
    CHAR_NGRAMS,
    HASH_BUCKETS,
    hashed_ngrams,
    hashed_ngrams_flat,
    hashed_ngrams_many,
)


def _by_definition(text: str) -> list[int]:
    words = text[:600].split()
    grams = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    padded = f" {' '.join(words)} "
    for size in CHAR_NGRAMS:
        grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return sorted({zlib.crc32(gram.encode("utf-8")) % HASH_BUCKETS for gram in grams})


def test_known_ids_are_stable() -> None:
    ids = hashed_ngrams("you idiot")
    assert ids.dtype.name == "int64"
    # 2 words, 1 bigram and 9 + 8 + 7 char n-grams of " you idiot ", no collision
    assert ids.tolist() == [
        *(4460, 5737, 5833, 8580, 21146, 24290, 28588, 29187, 29792, 30642, 30742, 36266, 36414),
        *(36599, 43086, 44875, 45164, 45207, 48381, 50451, 51509, 53542, 59997, 60400, 63053),
        *(63442, 63604),
    ]


def test_empty_text_has_no_ids() -> None:
    assert hashed_ngrams("").tolist() == []
    assert hashed_ngrams(" \n ").dtype.name == "int64"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab c\n\t", "é", "😡", "\u2028"]), max_size=700))
def test_ids_are_the_crc32_buckets_of_every_gram(text: str) -> None:
    assert hashed_ngrams(text).tolist() == _by_definition(text)


_SOME_TEXT = st.text(alphabet=st.sampled_from([*"ab c\n\t'.", "é", "😡", "\u2028"]), max_size=120)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_SOME_TEXT, st.sampled_from(["", "a", "ab", "x" * 700])), max_size=40))
def test_batched_ids_equal_one_text_at_a_time(texts: list[str]) -> None:
    expected = [hashed_ngrams(text) for text in texts]
    for got, want in zip(hashed_ngrams_many(texts), expected, strict=True):
        assert got.dtype.name == "int64"
        assert got.tolist() == want.tolist()
    buckets, bounds = hashed_ngrams_flat(texts)
    assert buckets.dtype.name == "int64"
    assert len(bounds) == len(texts) + 1
    for row, want in enumerate(expected):
        assert buckets[bounds[row] : bounds[row + 1]].tolist() == want.tolist()
