"""Builders shared by the decide tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.actions import Capability, action_name
from bot.decisions import Decision
from bot.events import Author, ChatRef, Message
from bot.settings import CommunityPolicy
from bot.verdicts import Category, CategoryScore, Classification, Language

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALL = frozenset(Capability)
JAN = Author("u1", "Jan")


def make_policy(**settings: Any) -> CommunityPolicy:
    return CommunityPolicy.model_validate({"key": "c", "display_name": "C", **settings})


def make_message(
    author: Author = JAN, channel: str = "general", thread: str | None = None
) -> Message:
    chat = ChatRef("console", "c", channel, thread_id=thread)
    return Message(chat, "m1", author, "some text", NOW, link="https://chat/m1")


def classified(lang: str = "nl", **scores: float) -> Classification:
    return Classification(
        Language(lang),
        tuple(CategoryScore(Category(name), score) for name, score in scores.items()),
    )


def kinds(decision: Decision) -> list[str]:
    return [action_name(action) for action in decision.actions]
