"""Engine scores are rescaled so the dev-chosen boundary sits at 0.5 for every category."""

from __future__ import annotations

import pytest

from bot.detection.engine import DECISION_POINT, rescale


@pytest.mark.parametrize(
    ("raw", "boundary", "expected"),
    [
        (0.0, 0.2, 0.0),
        (0.1, 0.2, 0.25),
        (0.2, 0.2, 0.5),
        (0.6, 0.2, 0.75),
        (1.0, 0.2, 1.0),
        (0.75, 0.75, 0.5),
        (0.3, 0.75, 0.2),
    ],
)
def test_rescale_maps_boundary_to_decision_point(raw, boundary, expected):
    assert rescale(raw, boundary) == pytest.approx(expected)


def test_just_below_the_boundary_never_rounds_up_to_acting():
    assert rescale(0.2249999, 0.225) < DECISION_POINT


def test_rescale_is_monotonic():
    values = [rescale(step / 100, 0.3) for step in range(101)]
    assert values == sorted(values)


def test_engine_thresholds_are_the_decision_point(tiny_engine):
    assert set(tiny_engine.default_thresholds().values()) == {DECISION_POINT}
    assert all(0 < t < 1 for t in tiny_engine.raw_thresholds().values())
