"""Arbitrary text never crashes the pipeline: pure stages under hypothesis, and nasty inputs
through the whole app (store included)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.actions import Capability
from bot.decisions import MemberHistory
from bot.events import Author, ChatRef, Message
from bot.pipeline.policy import decide
from bot.settings import default_config_path, load_all

POLICY = load_all(default_config_path()).communities["demo"]
NOW = datetime(2026, 1, 5, tzinfo=UTC)

NASTY = [
    "",
    " ",
    "x" * 100_000,
    "idiot " * 20_000,
    "Z̷̡̢̛̤͎̩̮̯̳̞͇̙̈́̓͗̈̓̋̇̈́͆͂̕a̸̧̛̦̝̘̼̗̤̫͕̫̎̏̇̓̽̃̂͜l̷g̴o̸",
    "\u202ejij bent een idioot\u202c",
    "\x00\x01\x02\x7f binary \xff\xfe",
    "\ud800 lone surrogate",
    "🤬🤬🤬🤬",
    "💩" * 5_000,
    "\u200b".join("idioot"),
]


def _message(text: str) -> Message:
    return Message(
        chat=ChatRef("console", "demo", "general"),
        message_id="1",
        author=Author("u", "u"),
        text=text,
        sent_at=NOW,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_classify_and_decide_accept_any_text(engine, text):
    classification = engine.classify(text)
    assert all(0.0 <= score.score <= 1.0 for score in classification.scores)
    decision = decide(
        _message(text), classification, MemberHistory(), POLICY, frozenset(Capability), NOW
    )
    assert decision.open_case in (True, False)


async def test_nasty_inputs_through_the_whole_app(open_channel, caplog):
    channel = await open_channel()
    with caplog.at_level(logging.ERROR):
        for index, text in enumerate(NASTY):
            await channel.console.post(f"user{index}", text)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert channel.app.runner.judged_count == len(NASTY)
