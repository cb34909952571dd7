"""pasici scan reads what spreadsheets export: other encodings (--encoding; a clear error naming
file:line when the bytes do not decode) and semicolon or tab separated CSV (sniffed; --delimiter).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.learned.cli_helpers import run_cli


def _scan(
    source: Path,
    models: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *options: str,
) -> tuple[int, str, str]:
    argv = ["scan", str(source), "--text-column", "message", "--out", str(source.parent / "out")]
    return run_cli(
        [*argv, *options, "--models-dir", str(models), "--no-progress"], capsys, monkeypatch
    )


def _scanned(source: Path) -> list[str]:
    return (source.parent / "out" / "scan.csv").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("latin1.csv", b'author,message\nJos\xe9,"d\xe9gueulasse"\n'),
        ("latin1.jsonl", b'{"message": "hello"}\n{"author": "Jos\xe9", "message": "nul"}\n'),
    ],
)
def test_latin1_file_is_a_clear_error_naming_file_and_line(
    name: str,
    content: bytes,
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, out, err = _scan(source, tiny_models, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err == (
        f"pasici: {source}:2: not UTF-8 text (byte 0xe9: invalid continuation byte);"
        " give the file's encoding, e.g. --encoding latin-1\n"
    )
    assert not (tmp_path / "out").exists()


def test_latin1_file_reads_with_encoding_latin1(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes(b'author,message\nJos\xe9,"d\xe9gueulasse"\n')
    code, out, _ = _scan(source, tiny_models, capsys, monkeypatch, "--encoding", "latin-1")
    assert code == 0
    assert out.startswith("1 rows, ")
    assert _scanned(source)[1].startswith("José,dégueulasse,1,")


def test_utf16_file_suggests_and_reads_with_encoding_utf16(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "utf16.csv"
    source.write_bytes("author,message\nJosé,Jij bent een vuile idioot\n".encode("utf-16"))
    code, _, err = _scan(source, tiny_models, capsys, monkeypatch)
    assert code == 2
    assert err.startswith(f"pasici: {source}:1: not UTF-8 text (byte 0xff")
    assert err.endswith("--encoding utf-16\n")
    code, out, _ = _scan(source, tiny_models, capsys, monkeypatch, "--encoding", "utf-16")
    assert code == 0
    assert out.startswith("1 rows, 1 flagged")
    assert _scanned(source)[1].startswith("José,Jij bent een vuile idioot,1,True,insult,")


def test_utf8_with_a_byte_order_mark_reads_by_default(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes("author,message\nJosé,Bedankt\n".encode("utf-8-sig"))
    code, _, _ = _scan(source, tiny_models, capsys, monkeypatch)
    assert code == 0
    assert _scanned(source)[0] == "author,message,row,flagged,category,score,lang,reasons,error"
    assert _scanned(source)[1].startswith("José,Bedankt,1,False,")


def test_unknown_encoding_is_a_usage_error(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("author,message\nann,hello\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        _scan(source, tiny_models, capsys, monkeypatch, "--encoding", "klingon")
    assert exited.value.code == 2
    assert "argument --encoding: unknown encoding 'klingon'" in capsys.readouterr().err


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_csv_are_sniffed(
    delimiter: str,
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "excel.csv"
    source.write_text(
        f"author{delimiter}message\r\n"
        f'ann{delimiter}"Jij bent een vuile idioot, echt"\r\n'
        f"bob{delimiter}Bedankt\r\n",
        encoding="utf-8",
    )
    code, out, _ = _scan(source, tiny_models, capsys, monkeypatch)
    assert code == 0
    assert out.startswith("2 rows, 1 flagged")
    rows = _scanned(source)
    assert rows[0] == "author,message,row,flagged,category,score,lang,reasons,error"
    assert rows[1].startswith('ann,"Jij bent een vuile idioot, echt",1,True,insult,')
    assert rows[2].startswith("bob,Bedankt,2,False,")


def test_delimiter_option_overrides_the_sniffed_one(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("author;message\nann;Bedankt\n", encoding="utf-8")
    code, _, err = _scan(source, tiny_models, capsys, monkeypatch, "--delimiter", ",")
    assert code == 2
    assert "no column 'message' (columns: author;message)" in err
    source.write_text("message|author\nBedankt|ann\n", encoding="utf-8")
    code, _, _ = _scan(source, tiny_models, capsys, monkeypatch, "--delimiter", "|")
    assert code == 0
    assert _scanned(source)[1].startswith("Bedankt,ann,1,False,")


def test_tab_delimiter_by_name(
    tiny_models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "export.tsv"
    source.write_text("message\nBedankt, echt\tann\n", encoding="utf-8")
    code, _, _ = _scan(source, tiny_models, capsys, monkeypatch, "--delimiter", "tab")
    assert code == 0
    assert _scanned(source)[1].startswith('"Bedankt, echt",1,False,')
