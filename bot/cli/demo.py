"""``pasici demo``: a scripted conversation in four languages through the whole pipeline.

Criticism passes; insults get the pasici.be notice in the author's language; a persistent
offender is warned, muted, and banned; a threat opens an evidence case; moderators use commands.
Runs on a throw-away SQLite file with a simulated clock, so mutes expire in an instant.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.cli.local_app import local_app
from bot.clock import FrozenClock
from bot.settings import default_config_path, load_all

__all__ = ["DEMO_SCRIPT", "run_demo"]

# Simulated time between two messages, so the per-channel notice rate limit is not the story.
MESSAGE_GAP_SECONDS = 30

# (speaker, text) pairs; a speaker of "*" is a narrator line; "/..." lines are commands;
# ("+", "11m") advances the simulated clock and runs the scheduler.
DEMO_SCRIPT: tuple[tuple[str, str], ...] = (
    ("*", "Criticism stays possible, in any language and with some swearing"),
    ("lotte", "Alweer 40 minuten vertraging op de lijn Gent-Brussel. Dit is echt belachelijk."),
    ("sophie", "Putain, encore une panne ! Trois jours sans internet, c'est inadmissible."),
    ("tom", "Is it normal that my parcel has been 'in transit' for twelve days?"),
    ("jens", "Schon wieder kein Bus nach Eupen. Das ist doch ein schlechter Witz."),
    ("*", "Insults at a person get the pasici.be notice, in the author's language"),
    ("kevin", "Hey cm, jij bent echt een vuile idioot"),
    ("marc", "T'es vraiment un connard, toi"),
    ("jens", "Du bist so ein Vollidiot, ehrlich"),
    ("*", "Kevin persists: warned, then muted"),
    ("kevin", "Jij bent een domme sukkel, dat weet iedereen"),
    ("kevin", "Wat een achterlijke idioot ben jij zeg"),
    ("kevin", "Mag ik nog iets zeggen?"),
    ("+", "11m"),
    ("*", "The mute ran out; Kevin persists again"),
    ("kevin", "Jij bent en blijft een stomme idioot"),
    ("kevin", "Vuile idioot, jij"),
    ("*", "A threat opens an evidence case and alerts the moderators"),
    ("troll", "I know where you live. I will burn your office down."),
    ("*", "Moderators act with commands; a helper cannot ban"),
    ("cm", "/strikes @kevin"),
    ("helper", "/ban @marc insulting staff"),
    ("cm", "/warn @marc insulting staff"),
    ("cm", "/case 1"),
)


async def run_demo(output: Callable[[str], None]) -> int:
    config = load_all(default_config_path())
    clock = FrozenClock()
    with tempfile.TemporaryDirectory(prefix="pasici-demo-") as folder:
        app, console = local_app(config, Path(folder) / "demo.sqlite3", output, clock)
        output("pasici demo - a community channel on a throw-away database\n")
        await app.start()
        try:
            for speaker, text in DEMO_SCRIPT:
                if speaker == "*":
                    output(f"\n== {text} ==")
                elif speaker == "+":
                    minutes = int(text.rstrip("m"))
                    clock.advance(timedelta(minutes=minutes))
                    output(f"   ... {minutes} minutes later ...")
                    assert app.scheduler is not None
                    await app.scheduler.run_due()
                elif text.startswith("/"):
                    await console.command(speaker, text)
                else:
                    clock.advance(timedelta(seconds=MESSAGE_GAP_SECONDS))
                    await console.post(speaker, text)
        finally:
            await app.stop()
    output("\nDemo finished: every case, strike and action above is in the mod log.")
    return 0
