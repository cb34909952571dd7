"""Disk cache of sentence embeddings keyed by sha256(text) (the encoder is the slow part).

Lives outside the repo (``$PASICI_CACHE`` or ``~/.cache/pasici``); one ``.npz`` per encoder name
(and model file: ``cache_key``, where the encoder has one).

Each text is encoded on its own: the ONNX encoder's float layers give last-bit differences with
the batch a text is in, so texts encoded in batches of "whatever was missing" made the trained
heads depend on the cache's history (an empty cache and a warm one gave different heads.npz).
One text per call makes every vector a function of its text alone, and ``pasici train`` the same
bytes whatever the cache holds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.detection.learned.features import Embedder, FloatArray

__all__ = ["CachedEmbedder", "default_cache_dir"]

_CHUNK = 256  # texts between progress-bar updates
# in the file name: caches written before vectors were encoded one text at a time are not read
_FORMAT = "single"


def default_cache_dir() -> Path:
    env = os.environ.get("PASICI_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "pasici"


class CachedEmbedder:
    """Wraps an ``Embedder``; only texts never seen before are encoded (with a progress bar)."""

    def __init__(
        self, embedder: Embedder, cache_dir: Path | None = None, progress: bool = True
    ) -> None:
        self._embedder = embedder
        self.name = embedder.name
        # an embedder whose output depends on a model file names its bytes in ``cache_key``
        key = getattr(embedder, "cache_key", embedder.name)
        if hasattr(embedder, "cache_key"):
            self.cache_key = key  # the manifest records it: the heads belong to these bytes
        self._path = (cache_dir or default_cache_dir()) / f"embeddings-{_FORMAT}-{key}.npz"
        self._progress = progress
        self._cache: dict[str, FloatArray] = {}
        if self._path.is_file():
            try:
                with np.load(self._path, allow_pickle=False) as archive:
                    keys, vectors = archive["keys"], archive["vectors"]
                self._cache = {str(k): vectors[i] for i, k in enumerate(keys)}
            except (OSError, ValueError, KeyError):
                self._cache = {}  # a broken cache is just rebuilt

    def encode(self, texts: Sequence[str]) -> FloatArray:
        keys = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in texts]
        missing = sorted(
            {
                key: text for key, text in zip(keys, texts, strict=True) if key not in self._cache
            }.items()
        )
        if missing:
            bar = tqdm(total=len(missing), desc="encoding", unit="msg", disable=not self._progress)
            for start in range(0, len(missing), _CHUNK):
                chunk = missing[start : start + _CHUNK]
                for key, text in chunk:
                    vector = self._embedder.encode([text])[0]
                    self._cache[key] = np.asarray(vector, dtype=np.float32)
                bar.update(len(chunk))
            bar.close()
            self._save()
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._cache[key] for key in keys]).astype(np.float32)

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._cache)
        temporary = self._path.with_suffix(".tmp.npz")
        np.savez(temporary, keys=np.asarray(keys), vectors=np.stack([self._cache[k] for k in keys]))
        temporary.replace(self._path)
