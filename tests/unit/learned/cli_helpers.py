"""Run the ``pasici`` command in-process, with stdin given and stdout/stderr captured."""

from __future__ import annotations

import io

import pytest

from bot.cli.main import main


def run_cli(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``pasici <argv>``."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
