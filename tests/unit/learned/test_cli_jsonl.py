"""classify --format jsonl: a UTF-8 BOM on stdin is accepted, JSON errors read well, a text
argument is a usage error, and reasons (and, in text output, spans) are listed once each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.detection.tools.verdict import verdict_of
from bot.verdicts import Category, CategoryScore, Classification, Language, Span
from tests.unit.learned.cli_helpers import run_cli

JSONL = ["classify", "--format", "jsonl", "--no-progress"]


_run = run_cli


def test_a_byte_order_mark_before_the_first_line_is_accepted(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = '\ufeff{"id": 1, "text": "Jij bent een vuile idioot"}\n{"id": 2, "text": "Bedankt"}\n'
    code, out, _ = _run([*JSONL, "--models-dir", str(tiny_models)], capsys, monkeypatch, lines)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["id"], row["flagged"]) for row in rows] == [(1, True), (2, False)]


def test_invalid_json_message_says_at_column_once(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = '{"id": 1, "text": "a\tb"}\n{"id": 2,}\n'
    code, out, _ = _run([*JSONL, "--models-dir", str(tiny_models)], capsys, monkeypatch, lines)
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": None, "line": 1, "error": "invalid JSON: Invalid control character at column 21"},
        {
            "id": None,
            "line": 2,
            "error": "invalid JSON: Expecting property name enclosed in double quotes at column 10",
        },
    ]


def test_a_text_argument_with_format_jsonl_is_a_usage_error(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = '{"id": 1, "text": "Bedankt"}\n'
    code, out, err = _run(
        [*JSONL, "Jij bent een vuile idioot", "--models-dir", str(tiny_models)],
        capsys,
        monkeypatch,
        stdin,
    )
    assert (code, out) == (2, "")
    assert err == (
        "pasici: classify --format jsonl reads JSON lines from stdin and takes no text argument"
        " (got 'Jij bent een vuile idioot')\n"
    )


def test_repeated_insults_list_each_reason_once(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = json.dumps({"id": 1, "text": "idiot " * 2000}) + "\n"
    code, out, _ = _run([*JSONL, "--models-dir", str(tiny_models)], capsys, monkeypatch, stdin)
    assert code == 0
    reasons = json.loads(out)["reasons"]
    assert any(reason.startswith("rule:insult.") for reason in reasons)
    assert len(reasons) == len(set(reasons))


def test_verdict_reasons_are_unique_in_first_seen_order() -> None:
    repeated = ("rule:a", "rule:b", "rule:a", "stage:rules", "rule:b", "model:insult=0.90")
    span = (Span(0, 5, "idiot"),)
    classification = Classification(
        Language.EN, (CategoryScore(Category.INSULT, 0.9, spans=span, reasons=repeated),)
    )
    thresholds = {(category, Language.UNKNOWN): 0.5 for category in Category}
    verdict = verdict_of(classification, thresholds)
    assert verdict.reasons == ("rule:a", "rule:b", "model:insult=0.90")


def test_text_output_lists_a_span_shared_by_categories_once(
    tiny_models: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _run(
        ["classify", "sale pute je vais te tuer", "--models-dir", str(tiny_models)],
        capsys,
        monkeypatch,
    )
    assert code == 0
    spans = [line for line in out.splitlines() if line.startswith("  span ")]
    assert spans == ["  span [0:9] 'sale pute'", "  span [10:25] 'je vais te tuer'"]
    reasons = [line for line in out.splitlines() if line.startswith("  reason: ")]
    assert len(reasons) == len(set(reasons))


def test_scan_names_an_invalid_jsonl_line_the_same_way(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.jsonl"
    source.write_text('{"msg": "Bedankt"}\n{"msg": "a\tb"}\n', encoding="utf-8")
    out = tmp_path / "out"
    argv = ["scan", str(source), "--text-column", "msg", "--out", str(out), "--no-progress"]
    code, _, _ = _run([*argv, "--models-dir", str(tiny_models)], capsys, monkeypatch)
    assert code == 0
    rows = (out / "scan.csv").read_text(encoding="utf-8").splitlines()
    assert rows[2] == ",2,,,,,,invalid JSON: Invalid control character at column 11"
