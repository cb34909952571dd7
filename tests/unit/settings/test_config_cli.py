"""``pasici config check`` and ``pasici config schema`` through bot.cli.main.main."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.config_commands import detect_kind
from bot.cli.main import main
from bot.settings import default_config_path
from bot.settings.schema import render_schemas, stale_schema_files

REPO = Path(__file__).resolve().parents[3]
INVALID = REPO / "tests" / "data" / "config" / "invalid"


def test_check_valid_files_exits_0_with_ok_summary(capsys: pytest.CaptureFixture[str]) -> None:
    example = REPO / "config" / "pasici.example.yaml"
    community = REPO / "config" / "communities" / "example.yaml"
    assert main(["config", "check", str(example), str(community)]) == 0
    out = capsys.readouterr().out
    assert f"OK {example}: bot file, communities: transbel" in out
    assert f"OK {community}: community 'transbel'" in out
    assert "OK: 2 file(s) valid" in out


def test_check_reports_every_error_of_every_file_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [INVALID / "wrong_type.yaml", INVALID / "unknown_key.yaml"]
    assert main(["config", "check", *map(str, files)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"{files[0]}:5: points.insult: Input should be a valid integer")
    assert lines[1].startswith(f"{files[0]}:6: dry_run: Input should be a valid boolean")
    assert lines[2] == (
        f"{files[1]}:5: detection.threshholds: unknown key 'threshholds' "
        "(did you mean 'thresholds'?)"
    )
    assert lines[3] == "3 errors; nothing is applied until every file is valid"
    assert captured.out == ""


def test_check_missing_file_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "check", str(tmp_path / "nope.yaml")]) == 1
    assert f"{tmp_path / 'nope.yaml'}: file not found" in capsys.readouterr().err


def test_check_kind_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("key: c\ndisplay_name: C\n", encoding="utf-8")
    assert main(["config", "check", "--kind", "bot", str(path)]) == 1
    assert "unknown key 'key'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("communities: [a.yaml]\n", "bot"),
        ("adapters: {}\ndatabase: {}\n", "bot"),
        ("key: a\n", "community"),
        ("display_name: A\nladder: []\n", "community"),
        ("- 1\n", "community"),
        ("a: [\n", "community"),
    ],
)
def test_detect_kind(tmp_path: Path, text: str, kind: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    assert detect_kind(path) == kind


def test_committed_schema_files_are_fresh() -> None:
    stale = stale_schema_files(REPO / "config" / "schema")
    assert stale == [], "run `pasici config schema` and commit config/schema/"


def test_schema_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "schema"
    assert main(["config", "schema", "--check", "--out", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["config", "schema", "--out", str(out)]) == 0
    assert sorted(path.name for path in out.iterdir()) == sorted(render_schemas())
    assert main(["config", "schema", "--check", "--out", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_schema_describes_the_models() -> None:
    schemas = render_schemas()
    assert '"additionalProperties": false' in schemas["community.schema.json"]
    assert '"writeOnly": true' in schemas["bot.schema.json"]  # secrets
    assert "|forever)$" in schemas["community.schema.json"]  # durations accept "forever"


def test_embedded_default_is_checkable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(default_config_path())]) == 0
    assert "communities: demo" in capsys.readouterr().out
