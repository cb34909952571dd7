"""``Lexicon.find_all`` (the hot path, two automata) finds exactly what ``find`` finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detection.lexicon import default_lexicon

_PIECES = st.sampled_from(
    [
        *"ab '-=.,?\n",
        "espece de con",
        "you are a",
        "idiot",
        "idiots",
        "t'es",
        "d'",
        "de",
        "🐷",
        "é",
        "ist ein",
        "=",
        "c'est un",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_find_all_equals_find(text: str) -> None:
    lexicon = default_lexicon()
    assert lexicon.find_all(text) == list(lexicon.find(text))


@pytest.mark.parametrize(
    "text",
    [
        "espece d'idiot, t'es un con",
        "you are a idiot you are an idiot",
        "arbitre 🤡 = gros 🐷 sans cervelle",
        "assistance",  # no "ass" inside a word
        "",
    ],
)
def test_find_all_equals_find_on_examples(text: str) -> None:
    lexicon = default_lexicon()
    assert lexicon.find_all(text) == list(lexicon.find(text))
