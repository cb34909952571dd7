"""Builders shared by the store tests (tz-aware times, cases)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.records import NewCase

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def new_case(community: str = "acme", user_id: str = "u1", **changes: Any) -> NewCase:
    base = NewCase(
        community=community,
        platform="console",
        user_id=user_id,
        user_name=f"name-{user_id}",
        action="warn",
        actor="bot",
        reason="insult at a person",
        created_at=T0,
        category="insult",
        score=0.93,
        lang="nl",
        channel_id="general",
        message_id=f"m-{user_id}",
        message_text="jij bent een idioot",
        message_link="console://acme/general/m",
        spans=((8, 18, "een idioot"),),
        reasons=("lexicon:idioot",),
        points=1,
    )
    created_at = changes.get("created_at", T0)
    changes.setdefault("points_expire_at", created_at + 30 * DAY)
    return replace(base, **changes)
