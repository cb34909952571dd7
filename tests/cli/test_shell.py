"""pasici shell: typed lines post messages, run commands and move the simulated clock."""

from __future__ import annotations

import builtins

from bot.cli.shell import run_shell


async def test_shell_session(monkeypatch, tmp_path, capsys):
    lines = iter(
        [
            "anna: Alweer vertraging, belachelijk",
            "kevin: Jij bent echt een vuile idioot",
            "cm: /mute @kevin 10m",
            "kevin: mag ik nog iets zeggen?",
            "+11m",
            "kevin: sorry",
            "this line has no speaker",
            "quit",
        ]
    )
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(lines))
    assert await run_shell(None, str(tmp_path / "shell.sqlite3")) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "[bot replies to #2] Niet hier, kevin" in out
    assert "[bot mutes kevin" in out
    assert "kevin is muted until" in out
    assert "[bot unmutes kevin]" in out
    assert "#3 <kevin> sorry" in out
    assert "Type  name: message" in captured.err
