"""The cascade's middle stage: a cheap embedding head between the light head and the encoder."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.detection.engine import STAGE_ENCODER, STAGE_MID, DetectionEngine, rescale
from bot.detection.learned.features import (
    HashingEmbedder,
    TokenBagEmbedder,
    embedder_for,
    hashed_ngrams,
)
from bot.detection.learned.model import HEADS_FILE, MANIFEST_FILE, LearnedModel, ModelFileError
from bot.detection.training.samples import Sample
from bot.detection.training.train import TrainOptions, train
from bot.verdicts import Category, Language

UNCERTAIN = [
    "wat vind je van de nieuwe dienstregeling morgen",
    "message about the bus schedule and whether people like you belong here",
    "Bedankt",
    "you lot again",
]


@pytest.fixture(scope="module")
def mid_models(
    tmp_path_factory: pytest.TempPathFactory, tiny_train: list[Sample], tiny_dev: list[Sample]
) -> Path:
    directory = tmp_path_factory.mktemp("mid-models")
    options = TrainOptions(models_dir=directory, use_public=False, progress=False)
    train(
        options,
        HashingEmbedder(64),
        tiny_train,
        tiny_dev,
        log=lambda _: None,
        mid_embedder=HashingEmbedder(16),
    )
    return directory


def test_training_with_a_mid_embedder_ships_its_head_and_gates(mid_models: Path) -> None:
    manifest = json.loads((mid_models / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["mid_embedder"] == "hashing-16"
    cascade = manifest["cascade"]
    assert {"mid_clean_gate", "mid_settle", "mid_severe_gate"} <= set(cascade)
    assert cascade["mid_severe_gate"] == round(cascade["mid_clean_gate"] * 0.5, 4)
    with zipfile.ZipFile(mid_models / HEADS_FILE) as archive:
        assert "mid_embedding.npy" in archive.namelist()
    model = LearnedModel.load(mid_models)
    assert model.mid is not None
    assert model.mid.embedding is not None
    assert model.mid.embedding.shape == (16, len(model.categories))


def test_without_a_mid_embedder_there_is_no_mid_stage(tiny_models: Path) -> None:
    assert LearnedModel.load(tiny_models).mid is None


def _engine_with_gates(
    models: Path, low: float, high: float, severe: float = 1.01
) -> DetectionEngine:
    engine = DetectionEngine.load(models)
    # the light stage settles nothing here, so every text not settled by a rule reaches mid
    model = replace(
        engine._model,
        clean_gate=0.0,
        light_settle=1.01,
        mid_clean_gate=low,
        mid_settle=high,
        mid_severe_gate=severe,
    )
    return DetectionEngine(model, engine._rules)


def test_the_mid_stage_settles_what_its_gates_allow_and_passes_the_rest_on(
    mid_models: Path,
) -> None:
    settles_all = _engine_with_gates(mid_models, 1.01, 1.01)  # every score is under the gate
    settles_none = _engine_with_gates(mid_models, 0.0, 1.01)  # no score is outside [0, 1.01)
    everything = [stage for _, stage in settles_all.classify_with_stages(UNCERTAIN)]
    nothing = [stage for _, stage in settles_none.classify_with_stages(UNCERTAIN)]
    reached = [i for i, stage in enumerate(nothing) if stage == STAGE_ENCODER]
    assert reached, "some texts must get past the light stage for this test to mean anything"
    assert all(everything[i] == STAGE_MID for i in reached)
    assert STAGE_MID not in nothing


def test_threat_and_hate_need_the_stricter_gate_to_settle_as_clean(mid_models: Path) -> None:
    lenient = _engine_with_gates(mid_models, 1.01, 1.01)
    strict = _engine_with_gates(mid_models, 1.01, 1.01, severe=0.0)  # no score is under 0
    assert STAGE_MID in [stage for _, stage in lenient.classify_with_stages(UNCERTAIN)]
    assert STAGE_MID not in [stage for _, stage in strict.classify_with_stages(UNCERTAIN)]


def test_mid_settled_scores_come_from_the_mid_head(mid_models: Path) -> None:
    engine = _engine_with_gates(mid_models, 1.01, 1.01)
    ((result, stage),) = engine.classify_with_stages([UNCERTAIN[0]])
    assert stage == STAGE_MID
    assert "stage:mid" in result.scores[0].reasons
    model, rules = engine._model, engine._rules
    assert model.mid is not None
    analysis = rules.analyse(UNCERTAIN[0])
    ids = [hashed_ngrams(analysis.normalised.text)]
    features = engine._rule_features([analysis])
    embedding = HashingEmbedder(16).encode([analysis.normalised.text])
    expected = model.mid.probabilities(model.mid.logits(ids, features, embedding))[0]
    full = model.full.probabilities(
        model.full.logits(ids, features, HashingEmbedder(64).encode([analysis.normalised.text]))
    )[0]
    assert not np.allclose(expected, full)
    top = model.categories.index(result.scores[0].category)
    raw = float(expected[top])
    boundary = engine._boundary(result.scores[0].category, result.lang)
    assert result.scores[0].score == rescale(raw, boundary)


def test_classify_many_equals_one_by_one_with_a_mid_stage(mid_models: Path) -> None:
    engine = DetectionEngine.load(mid_models)
    assert engine.classify_many(UNCERTAIN) == [engine.classify(text) for text in UNCERTAIN]


def test_a_manifest_naming_a_mid_stage_needs_its_head(mid_models: Path, tmp_path: Path) -> None:
    for name in (MANIFEST_FILE, HEADS_FILE):
        (tmp_path / name).write_bytes((mid_models / name).read_bytes())
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding="utf-8"))
    del manifest["cascade"]["mid_settle"]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"heads\.npz"):
        LearnedModel.load(tmp_path)


def test_token_bag_embedder_is_the_normalised_mean_of_use_subword_vectors() -> None:
    embedder = embedder_for(TokenBagEmbedder.name)
    texts = ["De trein is te laat", "", "x" * 5_000, "De trein is te laat"]
    vectors = embedder.encode(texts)
    assert vectors.shape == (4, 512)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(vectors[0], vectors[3])
    assert np.array_equal(embedder.encode(texts[:1])[0], vectors[0])  # batch-independent
    other = embedder.encode(["Le train est en retard"])[0]
    assert float(vectors[0] @ other) < 0.999
    assert embedder.encode([]).shape == (0, 512)


def test_heads_of_another_embedding_width_are_refused_at_start(
    mid_models: Path, tmp_path: Path
) -> None:
    for name in (MANIFEST_FILE, HEADS_FILE):
        (tmp_path / name).write_bytes((mid_models / name).read_bytes())
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["mid_embedder"] = "hashing-32"  # the mid head was trained on 16-d embeddings
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"manifest\.json.*16-d.*32-d"):
        DetectionEngine.load(tmp_path).warm_up()


def test_the_mid_stage_never_settles_a_text_its_head_scores_over_the_sexual_threshold(
    mid_models: Path,
) -> None:
    """Its bag of sub-words takes crude product criticism for sexual remarks ("Die App ist echt
    der letzte Mist" was settled with sexual over its threshold): such texts go to the encoder."""
    engine = _engine_with_gates(mid_models, 1.01, 1.01)  # would settle every text it sees
    assert [stage for _, stage in engine.classify_with_stages(UNCERTAIN)] == [STAGE_MID] * 4
    thresholds = dict(engine._model.thresholds)
    for lang in Language:
        thresholds[(Category.SEXUAL, lang.value)] = 0.0  # clamped to a 0.001 boundary
    strict = DetectionEngine(replace(engine._model, thresholds=thresholds), engine._rules)
    model, rules = strict._model, strict._rules
    assert model.mid is not None
    analyses = [rules.analyse(text) for text in UNCERTAIN]
    texts = [analysis.normalised.text for analysis in analyses]
    mid = model.mid.probabilities(
        model.mid.logits(
            [hashed_ngrams(text) for text in texts],
            strict._rule_features(analyses),
            HashingEmbedder(16).encode(texts),
        )
    )
    over = mid[:, model.categories.index(Category.SEXUAL)] >= 0.001
    assert over.any(), "the test needs texts on both sides"
    assert not over.all(), "the test needs texts on both sides"
    stages = [stage for _, stage in strict.classify_with_stages(UNCERTAIN)]
    assert stages == [STAGE_ENCODER if o else STAGE_MID for o in over.tolist()]
