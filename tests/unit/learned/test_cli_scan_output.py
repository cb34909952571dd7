"""pasici scan's CSV output: no cell is read as a formula by a spreadsheet (CSV injection), and an
unusable JSONL row keeps its other fields next to the error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.detection.tools.scan import spreadsheet_safe


def _scan(
    source: Path, models: Path, capsys: pytest.CaptureFixture[str], text_column: str
) -> list[list[str]]:
    out = source.parent / "out"
    argv = ["scan", str(source), "--text-column", text_column, "--out", str(out)]
    assert main([*argv, "--models-dir", str(models), "--no-progress"]) == 0
    capsys.readouterr()
    with (out / "scan.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
        ("+32 2 123 45 67", "'+32 2 123 45 67"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("you idiot =1+1", "you idiot =1+1"),
        ("", ""),
        ("0.9937", "0.9937"),
    ],
)
def test_spreadsheet_safe_quotes_formula_starts_only(cell: str, shown: str) -> None:
    assert spreadsheet_safe(cell) == shown


def test_scan_csv_has_no_formula_cells(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    source = tmp_path / "export.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["@author", "message", "=cmd|' /C calc'!A0"])
        writer.writerow(["ann", '=HYPERLINK("http://evil","click") you idiot', "x"])
        writer.writerow(["+bob", "-2+3 Bedankt", "\r\n=1"])
    rows = _scan(source, tiny_models, capsys, "message")
    assert rows[0][:3] == ["'@author", "message", "'=cmd|' /C calc'!A0"]
    assert rows[1][:3] == ["ann", '\'=HYPERLINK("http://evil","click") you idiot', "x"]
    assert rows[2][:3] == ["'+bob", "'-2+3 Bedankt", "'\r\n=1"]
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_unusable_jsonl_row_keeps_its_other_fields(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    source = tmp_path / "export.jsonl"
    source.write_text(
        '{"msg": "Bedankt", "user": "ann"}\n'
        '{"user": "bob", "msg": null, "at": "2024-05-01"}\n'
        '{"user": "cid", "at": "2024-05-02"}\n',
        encoding="utf-8",
    )
    rows = _scan(source, tiny_models, capsys, "msg")
    assert rows[0] == [
        "msg",
        "user",
        "at",
        *["row", "flagged", "category", "score", "lang", "reasons", "error"],
    ]
    assert rows[2] == [
        "null",
        "bob",
        "2024-05-01",
        "2",
        "",
        "",
        "",
        "",
        "",
        "no string field 'msg'",
    ]
    assert rows[3] == ["", "cid", "2024-05-02", "3", "", "", "", "", "", "no string field 'msg'"]
