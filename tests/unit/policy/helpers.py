"""Builders shared by the decide tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.actions import Capability, action_name
from bot.decisions import Decision
from bot.events import Author, ChatRef, Message
from bot.settings import CommunityPolicy
from bot.verdicts import Category, CategoryScore, Classification, Language, Span

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALL = frozenset(Capability)
JAN = Author("u1", "Jan")


# The score tables of these tests are written against these thresholds and review band (the
# policy logic, not the shipped defaults, is under test here).
TABLE_DETECTION: dict[str, Any] = {
    "thresholds": {"insult": 0.8, "hate": 0.75, "sexual": 0.8, "threat": 0.7, "trolling": 0.9},
    "review_low": {"insult": 0.6, "hate": 0.55, "threat": 0.5},
}


def make_policy(**settings: Any) -> CommunityPolicy:
    detection = {**TABLE_DETECTION, **settings.pop("detection", {})}
    return CommunityPolicy.model_validate(
        {"key": "c", "display_name": "C", "detection": detection, **settings}
    )


def make_message(
    author: Author = JAN, channel: str = "general", thread: str | None = None
) -> Message:
    chat = ChatRef("console", "c", channel, thread_id=thread)
    return Message(chat, "m1", author, "some text", NOW, link="https://chat/m1")


EVIDENCE = (Span(0, 4, "some"),)


def classified(lang: str = "nl", evidence: bool = True, **scores: float) -> Classification:
    """Scores as the engine gives them; ``evidence`` adds a matched span (a rule fired)."""
    return Classification(
        Language(lang),
        tuple(
            CategoryScore(Category(name), score, spans=EVIDENCE if evidence else ())
            for name, score in scores.items()
        ),
    )


def kinds(decision: Decision) -> list[str]:
    return [action_name(action) for action in decision.actions]
