"""The command line: demo, run (healthz + SIGTERM), db upgrade, user export/erase, bad input."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bot.cli.main import main
from bot.records import NewCase
from bot.settings import default_config_path
from bot.store import open_store

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bot_file(folder: Path, port: int = 8080, web: bool = False) -> Path:
    community = default_config_path().parent / "community.yaml"
    (folder / "community.yaml").write_text(community.read_text(encoding="utf-8"))
    bot = {
        "database": {"url": f"sqlite+aiosqlite:///{folder / 'pasici.sqlite3'}"},
        "web": {"enabled": web, "host": "127.0.0.1", "port": port},
        "communities": ["community.yaml"],
        "adapters": {"console": {"enabled": True}},
    }
    path = folder / "bot.yaml"
    path.write_text(yaml.safe_dump(bot), encoding="utf-8")
    return path


def test_demo_prints_a_transcript_in_four_languages(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for opening in ("Niet hier", "Pas ici", "Nicht hier", "banned"):
        assert opening in out
    assert "[bot mutes kevin" in out
    assert "needs the moderator level" in out


async def _seed_case(database: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        await store.open_case(
            NewCase(
                community="demo",
                platform="console",
                user_id="kevin",
                user_name="kevin",
                action="notice",
                actor="bot",
                reason="insult",
                created_at=datetime.now(UTC),
                message_text="jij bent een idioot",
                points=1,
                points_expire_at=datetime.now(UTC) + timedelta(days=30),
            )
        )
    finally:
        await store.close()


def test_db_upgrade_then_user_export_and_erase(tmp_path, capsys):
    bot = _bot_file(tmp_path)
    assert main(["db", "upgrade", "--config", str(bot)]) == 0
    asyncio.run(_seed_case(tmp_path / "pasici.sqlite3"))
    capsys.readouterr()
    assert main(["user", "export", "kevin", "--config", str(bot)]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["user_id"] == "kevin"
    assert exported["cases"][0]["message_text"] == "jij bent een idioot"
    assert main(["user", "erase", "kevin", "--config", str(bot)]) == 1  # needs --yes
    assert main(["user", "erase", "kevin", "--yes", "--config", str(bot)]) == 0
    assert "Erased user kevin" in capsys.readouterr().out
    assert main(["user", "export", "kevin", "--config", str(bot)]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == []
    assert main(["purge", "--config", str(bot)]) == 0


def test_invalid_config_is_reported_with_file_and_line(tmp_path, capsys):
    bot = _bot_file(tmp_path)
    bot.write_text(bot.read_text() + "surprise: 1\n")
    assert main(["db", "upgrade", "--config", str(bot)]) == 1
    err = capsys.readouterr().err
    assert f"{bot}:" in err
    assert "surprise" in err


def test_unmigrated_database_gives_a_clear_error(tmp_path, capsys):
    bot = _bot_file(tmp_path)
    assert main(["user", "export", "kevin", "--config", str(bot)]) == 1
    assert "pasici db upgrade" in capsys.readouterr().err


def test_run_serves_healthz_and_stops_cleanly_on_sigterm(tmp_path):
    port = _free_port()
    bot = _bot_file(tmp_path, port=port, web=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "run", "--config", str(bot)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        report = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    report = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert report is not None, process.stderr.read1().decode() if process.poll() else ""
        assert report["status"] == "ok"
        assert report["adapters"] == ["console"]
        assert report["detection"] == "pure Python"  # the checkout; a pip install: "compiled"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert b"detection engine: pure Python" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert (tmp_path / "pasici.sqlite3").exists()  # run migrated the database itself
