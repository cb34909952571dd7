"""pasici eval: counts as flagged exactly what classify flags (thresholds and the community's
model-only gate), reports every bad line with file:line, and uses the detected language of rows
that have none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.unit.learned.cli_helpers import run_cli

POLICY = (
    "key: test\n"
    "display_name: Test\n"
    "detection:\n"
    "  thresholds: {trolling: 0.0001, sexual: 0.0001}\n"
    "  model_only: {act_at: 0.99, categories: [insult]}\n"
)
TEXTS = [
    "Jij bent een vuile idioot",
    "Bedankt voor de hulp",
    "Cry more, ratio",
    "Send me nudes baby",
    "I will kill you",
    "De trein is weer te laat",
    "Du bist ein Idiot",
]


def _run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    return run_cli([*argv, "--no-progress"], capsys, monkeypatch, stdin)


def _write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_eval_flags_exactly_what_classify_jsonl_flags(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "community.yaml"
    config.write_text(POLICY, encoding="utf-8")
    common = ["--models-dir", str(tiny_models), "--config", str(config)]
    lines = "\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(TEXTS))
    code, out, _ = _run(["classify", "--format", "jsonl", *common], capsys, monkeypatch, lines)
    assert code == 0
    classified = [json.loads(line) for line in out.splitlines()]
    by_classify = {(row["id"], row["category"]) for row in classified if row["flagged"]}
    held_back = [row for row in classified if not row["flagged"]]
    assert any(reason.startswith("review:model-only") for reason in held_back[0]["reasons"])

    # every text labelled ok: eval's false flags are then every text it counts as flagged
    labelled = [{"id": str(i), "text": t, "label": "ok"} for i, t in enumerate(TEXTS)]
    source = _write_jsonl(tmp_path / "dev.jsonl", labelled)
    code, report, _ = _run(["eval", str(source), "--worst", "100", *common], capsys, monkeypatch)
    assert code == 0
    by_eval = set(re.findall(r"^(\d+) \[\w+\] gold=ok predicted=(\w+) ", report, re.MULTILINE))
    assert by_eval == by_classify
    assert f"false flags on ok messages (highest score first) ({len(by_classify)})" in report


def test_eval_reports_every_bad_line_and_scores_the_others(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "dev.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Jij bent een vuile idioot", "label": "insult"}),
                json.dumps({"id": "b", "text": None, "label": "insult"}),
                json.dumps({"id": "c", "text": ["a"], "label": "insult"}),
                "{broken",
                json.dumps({"id": "e", "label": "ok"}),
                json.dumps({"id": "f", "text": "Bedankt", "label": "rude"}),
                json.dumps(["not", "an", "object"]),
                json.dumps({"id": "h", "text": "Bedankt voor de hulp", "label": "ok"}),
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = _run(
        ["eval", str(source), "--models-dir", str(tiny_models)], capsys, monkeypatch
    )
    assert code == 1
    assert err.splitlines() == [
        f'pasici: {source}:2: "text" must be a string, not null',
        f'pasici: {source}:3: "text" must be a string, not ["a"]',
        f"pasici: {source}:4: invalid JSON: Expecting property name enclosed in double quotes:"
        " line 1 column 2 (char 1)",
        f'pasici: {source}:5: missing "text"',
        f"pasici: {source}:6: unknown label 'rude'",
        f"pasici: {source}:7: expected a JSON object",
        "pasici: 6 invalid line(s) skipped",
    ]
    assert re.search(r"^all +2 ", out, re.MULTILINE)
    assert "None" not in out
    assert "['a']" not in out


def test_eval_uses_the_detected_language_of_rows_without_one(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows: list[object] = [
        {"id": "nl", "text": "De trein is weer te laat, wat een gedoe", "label": "insult"},
        {"id": "de", "text": "Der Zug ist schon wieder zu spät", "label": "insult"},
        {
            "id": "given",
            "text": "Der Zug ist schon wieder zu spät",
            "label": "insult",
            "lang": "fr",
        },
    ]
    source = _write_jsonl(tmp_path / "dev.jsonl", rows)
    code, out, _ = _run(
        ["eval", str(source), "--models-dir", str(tiny_models)], capsys, monkeypatch
    )
    assert code == 0
    assert "nl [nl] gold=insult predicted=ok" in out
    assert "de [de] gold=insult predicted=ok" in out
    assert "given [fr] gold=insult predicted=ok" in out
    assert "und" not in out
