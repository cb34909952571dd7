"""Sliding-window rate limit for the bot's own notices, per channel."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

__all__ = ["SlidingWindowLimiter"]


class SlidingWindowLimiter:
    """Allow at most ``limit`` events per ``window`` for each key."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self._limit = limit
        self._window = window
        self._events: dict[str, deque[datetime]] = {}

    def allow(self, key: str, now: datetime) -> bool:
        """Record an event for ``key`` at ``now`` if under the limit; False when over it."""
        events = self._events.setdefault(key, deque())
        horizon = now - self._window
        while events and events[0] <= horizon:
            events.popleft()
        if len(events) >= self._limit:
            return False
        events.append(now)
        return True
