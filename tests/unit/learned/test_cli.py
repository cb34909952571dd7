"""The detection CLI: jsonl classify keeps order and reports bad lines, scan escapes HTML, eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.learned.cli_helpers import run_cli

_run = run_cli


def test_classify_text_prints_a_readable_verdict(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _run(
        ["classify", "Jij bent een vuile idioot", "--models-dir", str(tiny_models)],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert out.startswith("FLAGGED: insult")
    assert "lang=nl" in out
    assert "span [13:25] 'vuile idioot'" in out or "idioot" in out.split("span", 1)[1]


def test_jsonl_keeps_input_order_and_reports_bad_lines(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Jij bent een vuile idioot"}),
        "this is not json",
        json.dumps({"id": "c"}),
        "",
        json.dumps({"id": 4, "text": "Bedankt voor de hulp"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "f", "text": 12}),
        json.dumps({"id": "g", "text": ""}),
    ]
    code, out, _ = _run(
        ["classify", "--format", "jsonl", "--models-dir", str(tiny_models)],
        capsys,
        monkeypatch,
        "\n".join(lines),
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "c", 4, None, "f", "g"]
    assert [r.get("line") for r in rows] == [None, 2, 3, None, 6, 7, None]
    assert rows[0]["flagged"] is True
    assert rows[0]["category"] == "insult"
    assert rows[3]["flagged"] is False
    assert rows[3]["category"] is None
    for row in (rows[0], rows[3], rows[6]):
        assert set(row) == {"id", "flagged", "category", "score", "lang", "reasons"}
        assert 0.0 <= row["score"] <= 1.0
    assert "invalid JSON" in rows[1]["error"]
    assert "text" in rows[2]["error"]


def test_missing_model_files_exit_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _out, err = _run(["classify", "hi", "--models-dir", str(tmp_path)], capsys, monkeypatch)
    assert code == 2
    assert "manifest.json" in err
    assert "pasici train" in err
    assert "Traceback" not in err


def test_scan_writes_csv_and_escaped_html(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        'author,message\nann,"Jij bent een vuile idioot <script>alert(1)</script>"\nbob,Bedankt\n',
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    code, out, _ = _run(
        [
            "scan",
            str(source),
            "--text-column",
            "message",
            "--out",
            str(out_dir),
            "--models-dir",
            str(tiny_models),
            "--no-progress",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "2 rows, 1 flagged" in out
    page = (out_dir / "scan.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    scored = (out_dir / "scan.csv").read_text(encoding="utf-8").splitlines()
    assert scored[0] == "author,message,row,flagged,category,score,lang,reasons,error"
    assert scored[1].startswith("ann,")
    assert ",True,insult," in scored[1]


def test_scan_with_an_unknown_column_fails_cleanly(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("author,body\nann,hello\n", encoding="utf-8")
    code, _, err = _run(
        [
            "scan",
            str(source),
            "--text-column",
            "message",
            "--out",
            str(tmp_path / "o"),
            "--models-dir",
            str(tiny_models),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 2
    assert "no column 'message'" in err
    assert "author, body" in err


def test_eval_prints_per_language_metrics_confusion_and_worst_errors(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labelled = tmp_path / "dev.jsonl"
    rows = [
        {"id": "1", "text": "Jij bent een vuile idioot", "lang": "nl", "label": "insult"},
        {"id": "2", "text": "Bedankt voor de hulp", "lang": "nl", "label": "ok"},
        {"id": "3", "text": "Du bist ein Idiot", "lang": "de", "label": "insult"},
        {"id": "4", "text": "Der Zug ist zu spät", "lang": "de", "label": "threat"},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out, _ = _run(
        ["eval", str(labelled), "--models-dir", str(tiny_models), "--no-progress"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("nl ") for line in lines)
    assert any(line.startswith("de ") for line in lines)
    assert "== confusion matrix (rows: gold, columns: predicted)" in out
    assert "missed harmful messages" in out
    assert "4 [de] gold=threat predicted=ok" in out


def test_config_brings_custom_terms_and_thresholds(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "community.yaml"
    config.write_text(
        "key: test\n"
        "display_name: Test\n"
        "detection:\n"
        "  thresholds: {trolling: 0.0001}\n"
        "  model_only: {act_at: 0.0001, categories: [trolling, insult]}\n"
        "  custom_terms:\n"
        "    deny:\n"
        "      insult: [blorptoad]\n",
        encoding="utf-8",
    )
    lines = "\n".join(
        json.dumps({"id": i, "text": t}) for i, t in enumerate(["jij blorptoad", "Bedankt"])
    )
    base = ["classify", "--format", "jsonl", "--models-dir", str(tiny_models)]
    _, plain, _ = _run(base, capsys, monkeypatch, lines)
    _, configured, _ = _run([*base, "--config", str(config)], capsys, monkeypatch, lines)
    plain_rows = [json.loads(line) for line in plain.splitlines()]
    configured_rows = [json.loads(line) for line in configured.splitlines()]
    assert not any("custom" in reason for reason in plain_rows[0]["reasons"])
    assert configured_rows[0]["category"] == "insult"
    assert any("custom.deny" in reason for reason in configured_rows[0]["reasons"])
    assert plain_rows[1]["flagged"] is False
    assert configured_rows[1]["flagged"] is True  # the community's very low thresholds


def test_invalid_config_is_a_clear_error(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text("key: [\n", encoding="utf-8")
    code, _, err = _run(
        ["classify", "hi", "--config", str(config), "--models-dir", str(tiny_models)],
        capsys,
        monkeypatch,
    )
    assert code == 2
    assert "broken.yaml" in err
    assert "Traceback" not in err


def test_scan_jsonl_keeps_every_field_and_reports_bad_lines(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.jsonl"
    source.write_text(
        '{"msg": "Jij bent een vuile idioot", "user": "ann"}\n'
        '{"msg": 12}\nnot json\n{"msg": "Bedankt"}\n',
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    code, out, _ = _run(
        [
            "scan",
            str(source),
            "--text-column",
            "msg",
            "--out",
            str(out_dir),
            "--models-dir",
            str(tiny_models),
            "--no-progress",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "4 rows, 1 flagged" in out
    scored = (out_dir / "scan.csv").read_text(encoding="utf-8").splitlines()
    assert scored[0] == "msg,user,row,flagged,category,score,lang,reasons,error"
    assert scored[2].endswith(",no string field 'msg'")
    assert scored[3].endswith(",invalid JSON: Expecting value at column 1")
