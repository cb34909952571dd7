"""Any text gets a verdict: no exception, spans inside the original, bounded work."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.detection.classifier import RulesClassifier
from bot.detection.normalise import normalise
from bot.verdicts import Category, Classification

CLASSIFIER = RulesClassifier()
_EVASION_ALPHABET = st.sampled_from(
    [
        *"idiotyu aré0134@$.-_*'\"?!\n",
        "\u200b",
        "\u202e",
        "\u0336",
        "🅸",
        "🇮",
        "і",
        "ο",
        "\ufe0f",
        "\u20e3",
    ]
)


def _check(text: str, result: Classification) -> None:
    assert [score.category for score in result.scores] == list(Category)
    for score in result.scores:
        assert 0.0 <= score.score <= 1.0
        for span in score.spans:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_unicode(text: str) -> None:
    _check(text, CLASSIFIER.classify(text))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_EVASION_ALPHABET, max_size=200))
def test_evasion_soup(text: str) -> None:
    _check(text, CLASSIFIER.classify(text))
    folded = normalise(text)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    assert all(s <= e for s, e in zip(folded.starts, folded.ends, strict=True))


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=400))
def test_binary_looking(data: bytes) -> None:
    text = data.decode("latin-1")
    _check(text, CLASSIFIER.classify(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02\x7f",
        "\ud800 lone surrogate",
        "🤡" * 500,
        "😀🔥💯",
        "i\u0336\u0337\u0338" * 2000,  # zalgo
        "\u202eyou idiot\u202c" * 50,
        "a" * 100_000,
        "you idiot " * 10_000,
        "i d i o t " * 5_000,
        ("z" + "\u0301" * 50) * 2_000,
    ],
    ids=[
        "empty",
        "space",
        "controls",
        "surrogate",
        "emoji",
        "emoji-only",
        "zalgo",
        "rlo",
        "100k",
        "100k-insults",
        "100k-spaced",
        "100k-marks",
    ],
)
def test_bad_input_gets_a_verdict_quickly(text: str) -> None:
    started = time.perf_counter()
    result = CLASSIFIER.classify(text)
    elapsed = time.perf_counter() - started
    _check(text, result)
    # Generous bound (CI machines vary); benchmarks/detection_rules.py measures real numbers.
    assert elapsed < 2.0, elapsed
