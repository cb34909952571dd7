"""Durations as admins write them: "90s", "10m", "1h", "1d", "2w", "1d12h" or "forever"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

__all__ = [
    "FOREVER",
    "Duration",
    "DurationError",
    "DurationOrForever",
    "format_duration",
    "parse_duration",
]

FOREVER = "forever"
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_PART = re.compile(r"(\d{1,9})([smhdw])")
_WHOLE = re.compile(r"(?:\d{1,9}[smhdw])+")
# Far beyond any sanction and still safe to add to a datetime.
_MAX = timedelta(days=36_500)
_PATTERN = r"^((\d{1,9}[smhdw])+|forever)$"


class DurationError(ValueError):
    """A duration string that cannot be understood; the message says how to write one."""


def parse_duration(text: str, *, allow_forever: bool = True) -> timedelta | None:
    """Parse ``text``; ``None`` means forever (only when ``allow_forever``)."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned == FOREVER:
        if not allow_forever:
            raise DurationError('"forever" is not allowed here: give a finite duration like "1d"')
        return None
    if not _WHOLE.fullmatch(cleaned):
        raise DurationError(
            f'invalid duration "{text}": use a number and a unit (s, m, h, d, w), '
            f'e.g. "10m", "1h", "1d", "28d"' + (' or "forever"' if allow_forever else "")
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(cleaned))
    if seconds <= 0:
        raise DurationError(f'invalid duration "{text}": it must be longer than zero')
    delta = timedelta(seconds=seconds)
    if delta > _MAX:
        raise DurationError(f'invalid duration "{text}": longer than 100 years, use "forever"')
    return delta


def format_duration(delta: timedelta | None) -> str:
    """The canonical text of a duration ("1d12h", "forever"); inverse of parse_duration."""
    if delta is None:
        return FOREVER
    remaining = int(delta.total_seconds())
    parts: list[str] = []
    for unit in ("w", "d", "h", "m", "s"):
        count, remaining = divmod(remaining, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def _validate_finite(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise DurationError(f'a duration must be text with a unit, e.g. "10m", got {value!r}')
    parsed = parse_duration(value, allow_forever=False)
    assert parsed is not None  # forever was refused above
    return parsed


def _validate_or_forever(value: Any) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise DurationError(
            f'a duration must be text with a unit, e.g. "10m" or "forever", got {value!r}'
        )
    return parse_duration(value, allow_forever=True)


Duration = Annotated[
    timedelta,
    PlainValidator(_validate_finite),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^(\d{1,9}[smhdw])+$", "examples": ["10m"]}),
]
"""A finite duration (timedelta) written like "10m"."""

DurationOrForever = Annotated[
    timedelta | None,
    PlainValidator(_validate_or_forever),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN, "examples": ["1d", "forever"]}),
]
"""A duration or "forever" (None)."""
