"""Shipped model files load; a missing or corrupt one is a clear ModelFileError (file + command)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.detection.engine import DetectionEngine
from bot.detection.learned.model import (
    HEADS_FILE,
    MANIFEST_FILE,
    LearnedModel,
    ModelFileError,
    default_models_dir,
    sha256_of,
)
from bot.verdicts import HARMFUL_CATEGORIES, Category, Language


def test_shipped_models_load_with_every_category_and_threshold() -> None:
    model = LearnedModel.load()
    assert set(model.categories) == set(HARMFUL_CATEGORIES)
    assert model.full.embedding is not None
    assert model.full.embedding.shape == (512, len(HARMFUL_CATEGORIES))
    assert model.embedder_name == "usem3-onnx-int8-v1"
    for category in HARMFUL_CATEGORIES:
        for lang in ("nl", "fr", "en", "de", "und"):
            assert 0.0 < model.thresholds[(category, lang)] < 1.0


def test_shipped_files_stay_small() -> None:
    sizes = {p.name: p.stat().st_size for p in default_models_dir().iterdir()}
    encoder = sizes.pop("use_encoder.int8.onnx")
    assert encoder < 4_000_000  # the USE encoder with int8 weights (3.4 MB)
    assert sum(sizes.values()) < 5_000_000  # the heads and their manifest


def _corrupt_heads(directory: Path) -> None:
    data = bytearray((directory / HEADS_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (directory / HEADS_FILE).write_bytes(bytes(data))


def _garbage_heads_with_matching_sha(directory: Path) -> None:
    (directory / HEADS_FILE).write_bytes(b"not a zip file")
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    manifest["files"][HEADS_FILE] = sha256_of(directory / HEADS_FILE)
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))


def _bad_manifest_json(directory: Path) -> None:
    (directory / MANIFEST_FILE).write_text("{ not json")


@pytest.mark.parametrize(
    ("damage", "culprit", "problem"),
    [
        (lambda d: (d / HEADS_FILE).unlink(), HEADS_FILE, "missing"),
        (lambda d: (d / MANIFEST_FILE).unlink(), MANIFEST_FILE, "missing"),
        (_corrupt_heads, HEADS_FILE, "sha256"),
        (_garbage_heads_with_matching_sha, HEADS_FILE, "unreadable"),
        (_bad_manifest_json, MANIFEST_FILE, "unreadable"),
    ],
)
def test_damaged_model_files_name_the_file_and_the_command(
    tiny_models: Path, tmp_path: Path, damage: Callable[[Path], None], culprit: str, problem: str
) -> None:
    directory = tmp_path / "models"
    shutil.copytree(tiny_models, directory)
    damage(directory)
    with pytest.raises(ModelFileError) as caught:
        DetectionEngine.load(directory)
    message = str(caught.value)
    assert str(directory / culprit) in message
    assert problem in message
    assert "pasici train" in message


def test_default_thresholds_cover_every_category_and_language(tiny_engine: DetectionEngine) -> None:
    thresholds = tiny_engine.default_thresholds()
    for category in Category:
        for lang in Language:
            assert 0.0 < thresholds[(category, lang)] < 1.0


def test_heads_round_trip_exactly(tiny_models: Path) -> None:
    model = LearnedModel.load(tiny_models)
    with np.load(tiny_models / HEADS_FILE) as archive:
        np.testing.assert_array_equal(archive["light_bias"], model.light.bias)


def test_heads_trained_with_unknown_rule_features_are_reported_stale(
    tiny_models: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "models"
    shutil.copytree(tiny_models, directory)
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    manifest["rule_features"][0] = "rule_score.removed_feature"
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(
        ModelFileError, match=r"manifest\.json.*rule_score\.removed_feature.*pasici train"
    ):
        DetectionEngine.load(directory)


def test_heads_trained_with_other_hashing_settings_are_reported_stale(
    tiny_models: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "models"
    shutil.copytree(tiny_models, directory)
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    manifest["features"]["hash_buckets"] = 1024
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match=r"manifest\.json.*hashing settings.*pasici train"):
        DetectionEngine.load(directory)
