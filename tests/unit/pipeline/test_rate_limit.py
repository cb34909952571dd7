from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.pipeline.rate_limit import SlidingWindowLimiter

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_allows_up_to_limit_per_key_then_refuses_until_window_passes():
    limiter = SlidingWindowLimiter(limit=2, window=timedelta(minutes=1))
    assert limiter.allow("c1", T0)
    assert limiter.allow("c1", T0 + timedelta(seconds=10))
    assert not limiter.allow("c1", T0 + timedelta(seconds=20))
    assert limiter.allow("c2", T0 + timedelta(seconds=20))  # other channel, own budget
    assert limiter.allow("c1", T0 + timedelta(seconds=61))  # first event left the window
    assert not limiter.allow("c1", T0 + timedelta(seconds=62))
