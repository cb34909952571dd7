"""Every file in tests/data/config/invalid/ must fail with the messages its ``# expect:`` lines
announce (``# expect: LINE: key.path: message``), and with nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_all, load_community_policy

INVALID = Path(__file__).resolve().parents[2] / "data" / "config" / "invalid"
ENVIRON = {"HOME": "/nonexistent"}  # PASICI_TEST_UNSET_TOKEN deliberately absent


def _cases() -> list[Path]:
    files = sorted(INVALID.glob("*.yaml"))
    files += sorted(INVALID.glob("*/bot_*.yaml"))
    return files


def _expectations(entry: Path) -> list[str]:
    files = sorted(entry.parent.glob("*.yaml")) if entry.parent != INVALID else [entry]
    expected = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# expect: "):
                expected.append(f"{path}:{line.removeprefix('# expect: ')}")
    return expected


def _load(path: Path) -> None:
    if path.name.startswith("bot_"):
        load_all(path, environ=ENVIRON)
    else:
        load_community_policy(path, environ=ENVIRON)


@pytest.mark.parametrize("path", _cases(), ids=lambda path: path.stem)
def test_invalid_file_reports_each_expected_error(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path} has no '# expect:' line"
    with pytest.raises(ConfigError) as raised:
        _load(path)
    errors = raised.value.errors
    for wanted in expected:
        assert any(error.startswith(wanted) for error in errors), (wanted, errors)
    assert len(errors) == len(expected), errors


def test_the_table_covers_the_required_kinds_of_mistake() -> None:
    names = {path.stem for path in _cases()}
    required = {
        "malformed_yaml",
        "unknown_key",
        "wrong_type",
        "bad_duration",
        "bad_regex",
        "bot_missing_env",
        "bot_duplicate",
        "threshold_out_of_range",
    }
    assert required <= names
