"""``pasici shell``: type as different members in a local channel and watch the bot act.

Lines: ``anna: hello`` (anna posts), ``cm: /warn @anna rude`` (cm runs a command),
``+10m`` (the simulated clock jumps, due unmutes/unbans fire), ``help``, ``quit``.
Members ``cm`` (moderator), ``admin`` (owner) and ``helper`` exist; anyone else is a member.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli.local_app import local_app
from bot.cli.run_commands import load_config_or_report
from bot.clock import FrozenClock

__all__ = ["run_shell"]

_ADVANCE = re.compile(r"^\+(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
HELP = __doc__ or ""


async def _read_line(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def run_shell(config_path: str | None, database: str | None) -> int:
    config = load_config_or_report(config_path)
    if config is None:
        return 1
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with tempfile.TemporaryDirectory(prefix="pasici-shell-") as folder:
        database_file = Path(database) if database else Path(folder) / "shell.sqlite3"
        app, console = local_app(config, database_file, print, clock)
        await app.start()
        print(HELP)
        try:
            while True:
                line = await _read_line("> ")
                if line is None or line.strip() in ("quit", "exit"):
                    break
                await _handle(line.strip(), app, console, clock)
        finally:
            await app.stop()
    return 0


async def _handle(line: str, app: object, console: object, clock: FrozenClock) -> None:
    from adapters.console import ConsoleAdapter
    from bot.app import PasiciApp

    assert isinstance(app, PasiciApp)
    assert isinstance(console, ConsoleAdapter)
    if not line:
        return
    if line == "help":
        print(HELP)
        return
    advance = _ADVANCE.match(line)
    if advance:
        amount, unit = int(advance.group(1)), _UNITS[advance.group(2)]
        clock.advance(timedelta(**{unit: amount}))
        print(f"   ... now {clock.now():%Y-%m-%d %H:%M} UTC")
        if app.scheduler is not None:
            await app.scheduler.run_due()
        return
    name, separator, text = line.partition(":")
    if not separator or not name.strip() or not text.strip():
        print("Type  name: message   or  name: /command ...   (help for more)", file=sys.stderr)
        return
    if text.strip().startswith("/"):
        await console.command(name.strip(), text.strip())
    else:
        await console.post(name.strip(), text.strip())
