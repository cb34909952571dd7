from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("10m", timedelta(minutes=10)),
        ("1h", timedelta(hours=1)),
        ("1d", timedelta(days=1)),
        ("28d", timedelta(days=28)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 1H 30M ", timedelta(hours=1, minutes=30)),
        ("forever", None),
        ("Forever", None),
    ],
)
def test_parse(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10x", 'invalid duration "10x"'),
        ("10", "use a number and a unit"),
        ("", 'invalid duration ""'),
        ("0m", "longer than zero"),
        ("-5m", "invalid duration"),
        ("m10", "invalid duration"),
        ("99999999w", "longer than 100 years"),
    ],
)
def test_bad_durations_say_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(DurationError, match=message):
        parse_duration(text)


def test_forever_can_be_refused() -> None:
    with pytest.raises(DurationError, match='"forever" is not allowed here'):
        parse_duration("forever", allow_forever=False)


def test_format_normalises_to_the_largest_units() -> None:
    assert format_duration(parse_duration("90s")) == "1m30s"
    assert format_duration(parse_duration("24h")) == "1d"


@pytest.mark.parametrize("text", ["45s", "10m", "1d12h", "2w", "forever", "1w1d1h1m1s"])
def test_format_is_the_inverse_of_parse(text: str) -> None:
    assert format_duration(parse_duration(text)) == text
