"""A reproducible mixed four-language benchmark corpus (>= 10,000 messages).

Sources: the team's dev and train files (nl/fr/en/de), the mapped public sets (de/en/fr), and
deterministic variations of the team's messages (case, punctuation, @mentions, emoji, a greeting),
the kinds of surface change real comment threads show. Same seed, same corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.detection.training.public_data import load_public
from bot.detection.training.samples import load_corpus

__all__ = ["build_corpus"]

# ``../shared/data`` next to this checkout (the engine may run from an installed, compiled copy
# of the package: see ``benchmarks/detection/run.py``, whose own default would look beside it)
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

_PREFIXES = ("", "@support ", "@NMBS ", "Hallo, ", "Bonjour, ", "Hi! ", "Guten Tag, ", "Allez, ")
_SUFFIXES = ("", "!!", " ??", " 😡", " 🙄", " #fail", " merci.", " danke", " ...", " 😂😂")


def _vary(text: str, rng: random.Random) -> str:
    text = rng.choice(_PREFIXES) + text + rng.choice(_SUFFIXES)
    roll = rng.random()
    if roll < 0.2:
        return text.upper()
    if roll < 0.4:
        return text.lower()
    return text


def build_corpus(size: int = 12_000, seed: int = 2026, only_ok: bool = False) -> list[str]:
    """``only_ok``: clean messages only, closer to real channel traffic (mostly harmless)."""
    own = [
        s.text for s in load_corpus("dev") + load_corpus("train") if not only_ok or s.label == "ok"
    ]
    public = [
        s.text
        for s in load_public(SHARED_DATA, cap=400, seed=seed)
        if not only_ok or s.label == "ok"
    ]
    rng = random.Random(seed)
    texts = own + public
    while len(texts) < size:
        texts.append(_vary(rng.choice(own), rng))
    rng.shuffle(texts)
    return texts[:size]
