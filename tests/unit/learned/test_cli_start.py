"""classify / scan / eval check their model and rules data at start: a missing or corrupt file is
a one-line ``pasici: ...`` message and exit code 2 before any message is read, not a traceback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.detection import charfold, langid, lexicon
from bot.detection.learned.model import default_models_dir
from tests.unit.learned.cli_helpers import run_cli

ENCODER_FILE = "use_encoder.int8.onnx"


_run = run_cli


@pytest.fixture(scope="module")
def models_without_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("shipped") / "models"
    shutil.copytree(default_models_dir(), directory, ignore=shutil.ignore_patterns(ENCODER_FILE))
    return directory


def _commands(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """argv (without --models-dir) and stdin of each command, on a message that is harmless."""
    export = tmp_path / "export.csv"
    export.write_text("author,message\nann,hello\n", encoding="utf-8")
    labelled = tmp_path / "dev.jsonl"
    labelled.write_text(json.dumps({"text": "hello", "label": "ok"}) + "\n", encoding="utf-8")
    out = str(tmp_path / "out")
    return {
        "classify": (["classify", "hello"], ""),
        "jsonl": (["classify", "--format", "jsonl"], json.dumps({"id": 1, "text": "hello"})),
        "scan": (["scan", str(export), "--text-column", "message", "--out", out], ""),
        "eval": (["eval", str(labelled)], ""),
    }


@pytest.mark.parametrize("command", ["classify", "jsonl", "scan", "eval"])
def test_missing_encoder_fails_at_start(
    command: str,
    models_without_encoder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv, stdin = _commands(tmp_path)[command]
    code, out, err = _run(
        [*argv, "--models-dir", str(models_without_encoder), "--no-progress"],
        capsys,
        monkeypatch,
        stdin,
    )
    assert code == 2
    assert out == ""
    assert err.startswith(f"pasici: model file {models_without_encoder / ENCODER_FILE}: missing")
    assert "rebuild it with `python -m bot.detection.learned.build_onnx_encoder`" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.fixture
def fresh_rules_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The rules data caches emptied, so a monkeypatched file is read; reloaded afterwards."""
    caches = (charfold.homoglyph_table, lexicon.default_lexicon, langid.default_identifier)
    for cache in caches:
        cache.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


def _break_homoglyphs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setattr(charfold, "HOMOGLYPH_FILE", tmp_path / "homoglyphs.json")
    return "cannot load homoglyph table"


def _break_langid(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    corrupt = tmp_path / "langid.json"
    corrupt.write_text("{", encoding="utf-8")
    load = langid.load_ngram_model
    monkeypatch.setattr(langid, "load_ngram_model", lambda: load(corrupt))
    return "langid.json is missing or corrupt"


def _break_lexicon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    broken = tmp_path / "lexicon"
    shutil.copytree(lexicon.LEXICON_DIR, broken)
    with (broken / "en" / "allow.yaml").open("a", encoding="utf-8") as handle:
        handle.write("x: [\n")
    load = lexicon.load_lexicon
    monkeypatch.setattr(lexicon, "load_lexicon", lambda: load(broken))
    return "cannot read lexicon file"


@pytest.mark.parametrize("breaker", [_break_homoglyphs, _break_langid, _break_lexicon])
@pytest.mark.parametrize("command", ["classify", "jsonl", "scan", "eval"])
def test_broken_rules_data_fails_at_start_with_one_line(
    breaker: Callable[[pytest.MonkeyPatch, Path], str],
    command: str,
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_rules_data: pytest.MonkeyPatch,
) -> None:
    expected = breaker(fresh_rules_data, tmp_path)
    argv, stdin = _commands(tmp_path)[command]
    code, out, err = _run(
        [*argv, "--models-dir", str(tiny_models), "--no-progress"], capsys, fresh_rules_data, stdin
    )
    assert code == 2
    assert out == ""
    assert err.startswith("pasici: ")
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_train_reports_broken_rules_data_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.detection.charfold import HomoglyphDataError
    from bot.detection.training import train

    def broken(*_args: object, **_kwargs: object) -> None:
        raise HomoglyphDataError("cannot load homoglyph table x.json (gone); rebuild it")

    monkeypatch.setattr(train, "train", broken)
    code, out, err = _run(
        ["train", "--no-public", "--models-dir", str(tmp_path), "--cache-dir", str(tmp_path)],
        capsys,
        monkeypatch,
    )
    assert (code, out) == (2, "")
    assert err == "pasici: cannot load homoglyph table x.json (gone); rebuild it\n"
