"""Training is deterministic; corpus files and public sets are read and mapped as documented."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.detection.engine import DetectionEngine, decide
from bot.detection.learned.features import FloatArray, HashingEmbedder
from bot.detection.learned.model import HEADS_FILE, MANIFEST_FILE
from bot.detection.training.fit import TrainingDataError
from bot.detection.training.identity_negatives import identity_negatives
from bot.detection.training.metrics import Outcome, per_language
from bot.detection.training.public_data import load_public
from bot.detection.training.samples import CorpusError, Sample, load_corpus, load_jsonl
from bot.detection.training.short_negatives import short_negatives
from bot.detection.training.train import TrainOptions, train

from .conftest import train_tiny


def test_training_twice_gives_identical_files(
    tmp_path: Path, tiny_models: Path, tiny_train: list[Sample], tiny_dev: list[Sample]
) -> None:
    again = tmp_path / "again"
    train_tiny(again, list(reversed(tiny_train)), tiny_dev)  # input order must not matter
    assert (again / HEADS_FILE).read_bytes() == (tiny_models / HEADS_FILE).read_bytes()
    assert (again / MANIFEST_FILE).read_text() == (tiny_models / MANIFEST_FILE).read_text()


def test_manifest_records_dev_metrics_and_crossfold(tiny_models: Path) -> None:
    manifest = json.loads((tiny_models / MANIFEST_FILE).read_text())
    for key in ("dev_metrics", "dev_metrics_crossfold"):
        assert {"en", "nl", "fr", "de", "all"} <= set(manifest[key])
        assert 0.0 <= manifest[key]["all"]["recall"] <= 1.0
    assert manifest["training"]["corpus_messages"] == 30


def test_manifest_dev_metrics_are_what_the_written_engine_scores_on_dev(
    tmp_path: Path, tiny_train: list[Sample], tiny_dev: list[Sample]
) -> None:
    """The in-sample figures describe the shipped engine (rescaled scores, default thresholds),
    also for dev messages scored between the chosen threshold and 0.5."""
    dev = [
        *tiny_dev,
        Sample("en-dev-900", "lol cry, nobody cares.", "en", "trolling"),
        Sample("en-dev-901", "Send those people back.", "en", "hate"),
    ]
    train_tiny(tmp_path, tiny_train, dev)
    engine = DetectionEngine.load(tmp_path)
    thresholds = engine.default_thresholds()
    outcomes = []
    for sample, result in zip(dev, engine.classify_many([s.text for s in dev]), strict=True):
        flagged = decide(result, thresholds)
        predicted = flagged.category.value if flagged else "ok"
        outcomes.append(Outcome(sample.id, sample.lang, sample.label, predicted, 0.0))
    expected = {lang: scores.as_dict() for lang, scores in per_language(outcomes).items()}
    assert json.loads((tmp_path / MANIFEST_FILE).read_text())["dev_metrics"] == expected


def _write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_corpus_loader_reads_the_team_format_sorted_by_id(tmp_path: Path) -> None:
    row = {"lang": "nl", "kind": "direct", "scenario": "train", "evasion": True, "pair": None}
    _write(
        tmp_path / "train" / "nl.jsonl",
        [
            json.dumps({"id": "nl-tr-0002", "text": "b", "label": "insult", **row}),
            "",
            json.dumps({"id": "nl-tr-0001", "text": "a", "label": "ok", **row}),
        ],
    )
    samples = load_corpus("train", tmp_path)
    assert [(s.id, s.label, s.evasion) for s in samples] == [
        ("nl-tr-0001", "ok", True),
        ("nl-tr-0002", "insult", True),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{broken", "Expecting"),
        (json.dumps({"id": "x", "text": "t", "label": "rude"}), "unknown label"),
        (json.dumps({"id": "x", "label": "ok"}), "text"),
        (json.dumps({"id": "x", "text": None, "label": "ok"}), '"text" must be a string, not null'),
        (json.dumps({"id": "x", "text": ["t"], "label": "ok"}), '"text" must be a string'),
        (json.dumps(["t", "ok"]), "expected a JSON object"),
    ],
)
def test_corpus_loader_names_file_and_line_of_a_bad_line(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = _write(
        tmp_path / "x.jsonl", [json.dumps({"id": "a", "text": "ok", "label": "ok"}), line]
    )
    with pytest.raises(CorpusError, match=rf"x\.jsonl:2: .*{problem}"):
        load_jsonl(path)


@pytest.fixture
def fake_public(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    _write(
        root / "germeval2018" / "germeval2018.training.txt",
        [
            "Du bist ein Idiot\tOFFENSE\tINSULT",
            "Flüchtlinge raus\tOFFENSE\tABUSE",
            "Scheiße, Regen\tOFFENSE\tPROFANITY",
            "Schönes Wetter\tOTHER\tOTHER",
        ],
    )
    _write(root / "germeval2018" / "germeval2018.test.txt", [])
    _write(
        root / "davidson-hate-offensive" / "labeled_data.csv",
        [
            ",count,hate_speech,offensive_language,neither,class,tweet",
            "0,3,3,0,0,0,hateful tweet",
            "1,3,1,2,0,0,weak hate majority",
            "2,3,0,3,0,1,profane tweet",
            "3,3,0,0,3,2,nice tweet",
        ],
    )
    _write(
        root / "iwg-refugees-de" / "HateSpeech_Tweets_DataSet.csv",
        [
            "Tweet,HateSpeech",
            "hass tweet,YES",
            "normaler tweet,NO",
        ],
    )
    _write(
        root / "mlma" / "fr_dataset.csv",
        [
            "HITId,tweet,sentiment,directness,annotator_sentiment,target,group",
            "1,tweet normal,normal,indirect,x,other,other",
            "2,tweet haineux origine,hateful,direct,x,origin,arabs",
            "3,tweet haineux autre,hateful,direct,x,other,individual",
            "4,tweet offensant,offensive,direct,x,origin,arabs",
        ],
    )
    _write(
        root / "mlma" / "en_dataset_with_stop_words.csv",
        [
            "HITId,tweet,sentiment,directness,annotator_sentiment,target,group",
        ],
    )
    return root


def test_public_sets_are_mapped_conservatively(fake_public: Path) -> None:
    mapped = {(s.source, s.text): s.label for s in load_public(fake_public)}
    assert mapped == {
        ("germeval2018", "Du bist ein Idiot"): "insult",
        ("germeval2018", "Flüchtlinge raus"): "hate",
        ("germeval2018", "Scheiße, Regen"): "ok",  # profanity aimed at nothing
        ("germeval2018", "Schönes Wetter"): "ok",
        ("davidson-hate-offensive", "hateful tweet"): "hate",
        ("davidson-hate-offensive", "nice tweet"): "ok",  # "offensive" and weak hate dropped
        ("iwg-refugees-de", "hass tweet"): "hate",
        ("iwg-refugees-de", "normaler tweet"): "ok",
        ("mlma", "tweet normal"): "ok",
        ("mlma", "tweet haineux origine"): "hate",  # hateful without protected target dropped
    }


def test_public_cap_limits_each_set_and_label(fake_public: Path) -> None:
    capped = load_public(fake_public, cap=1)
    germeval_ok = [s for s in capped if s.source == "germeval2018" and s.label == "ok"]
    assert len(germeval_ok) == 1
    assert load_public(fake_public, cap=1) == capped


def test_training_without_dev_messages_is_a_clear_error(
    tmp_path: Path, tiny_train: list[Sample]
) -> None:
    options = TrainOptions(models_dir=tmp_path / "m", use_public=False, progress=False)
    with pytest.raises(TrainingDataError, match="no team corpus"):
        train(options, HashingEmbedder(8), tiny_train, [], log=lambda _: None)
    assert not (tmp_path / "m").exists()


def test_short_negatives_are_harmless_unique_and_stable() -> None:
    first, second = short_negatives(), short_negatives()
    assert first == second
    assert len({s.id for s in first}) == len(first) > 500
    assert {s.label for s in first} == {"ok"}
    assert {"👍", "lol", "merci"} <= {s.text for s in first}


def test_identity_negatives_cover_every_language_and_are_ok() -> None:
    samples = identity_negatives()
    assert {s.lang for s in samples} == {"nl", "fr", "en", "de"}
    assert {s.label for s in samples} == {"ok"}
    assert len({s.text for s in samples}) == len(samples)


class _KeyedEmbedder:
    """A stand-in for an encoder whose embeddings come from a model file (``cache_key``).

    Wraps (does not subclass) ``HashingEmbedder``: the engine's classes are closed to
    subclassing when compiled (``make unit-compiled`` runs this file on them)."""

    cache_key = "hashing-64-0123456789ab"

    def __init__(self, dim: int) -> None:
        self._inner = HashingEmbedder(dim)
        self.name = self._inner.name

    def encode(self, texts: Sequence[str]) -> FloatArray:
        return self._inner.encode(texts)


def test_manifest_records_the_encoder_file_the_heads_belong_to(
    tmp_path: Path, tiny_train: list[Sample], tiny_dev: list[Sample]
) -> None:
    from bot.detection.training.embed_cache import CachedEmbedder

    embedder = CachedEmbedder(_KeyedEmbedder(64), tmp_path / "cache", progress=False)
    options = TrainOptions(models_dir=tmp_path / "models", use_public=False, progress=False)
    train(options, embedder, tiny_train, tiny_dev, log=lambda _: None)
    manifest = json.loads((tmp_path / "models" / MANIFEST_FILE).read_text())
    assert manifest["embedder_key"] == "hashing-64-0123456789ab"
    assert "mid_embedder_key" not in manifest


def test_the_settle_gate_is_the_lowest_level_that_is_precise_enough_on_a_fine_grid() -> None:
    """Held-out top scores: 20 harmful at 0.77-0.96 and 10 ok between 0.5 and 0.76. Flags from
    0.71 up are 20 harmful + 2 ok (0.909 >= 0.9); from 0.70, 20 + 3 (0.870): the gate is 0.71
    (a 0.05 grid gave 0.75, letting fewer messages settle)."""
    import numpy as np

    from bot.detection.training.train import _gates

    harmful_scores = [0.77 + 0.01 * i for i in range(20)]
    ok_scores = [0.76, 0.74, 0.705, 0.65, 0.6, 0.55, 0.52, 0.51, 0.5, 0.5]
    top = np.asarray(harmful_scores + ok_scores, dtype=np.float32)
    targets = np.zeros((len(top), 5), dtype=bool)
    targets[: len(harmful_scores), 0] = True
    clean_gate, settle = _gates(top, targets, quantile=0.05, precision=0.9)
    assert settle == 0.71
    assert clean_gate == 0.2  # the 5% quantile of harmful scores (0.78), capped at 0.2


class _BatchSensitiveEmbedder:
    """Like the ONNX encoder's float layers: a text's vector moves with the batch it is in."""

    name = "batch-sensitive"

    def encode(self, texts: list[str]) -> object:
        import numpy as np

        vectors = HashingEmbedder(16).encode(texts)
        return vectors + np.float32(1e-3) * len(texts)


def test_cached_vectors_do_not_depend_on_what_the_cache_held_before(tmp_path: Path) -> None:
    """An empty cache and a warm one give the same vectors, so ``pasici train`` writes the same
    heads whatever the cache's history (texts had been encoded in batches of what was missing)."""
    import numpy as np

    from bot.detection.training.embed_cache import CachedEmbedder

    texts = ["de trein is te laat", "merci pour l'aide", "du bist ein Idiot", "great service"]
    fresh = CachedEmbedder(_BatchSensitiveEmbedder(), tmp_path / "fresh", progress=False)  # type: ignore[arg-type]
    warm = CachedEmbedder(_BatchSensitiveEmbedder(), tmp_path / "warm", progress=False)  # type: ignore[arg-type]
    warm.encode(texts[1:3])  # an earlier run saw two of them
    reopened = CachedEmbedder(_BatchSensitiveEmbedder(), tmp_path / "warm", progress=False)  # type: ignore[arg-type]
    assert np.array_equal(fresh.encode(texts), reopened.encode(texts))
