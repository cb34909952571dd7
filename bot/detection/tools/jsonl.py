"""``pasici classify --format jsonl``: one verdict line per input line, in input order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.detection.engine import DetectionEngine, Thresholds
from bot.detection.tools.verdict import verdict_of
from bot.settings.detection_models import ModelOnlySettings

__all__ = ["classify_stream", "json_problem", "parse_line", "write_stream"]

BATCH = 256
BOM = "\ufeff"


def parse_line(line: str) -> tuple[object, str | None, str | None]:
    """(id, text, error): ``error`` is set (and ``text`` None) when the line is not usable."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return None, None, json_problem(error)
    if not isinstance(row, dict):
        return None, None, 'expected a JSON object with "id" and "text"'
    item_id = row.get("id")
    if isinstance(item_id, (dict, list)):
        return None, None, '"id" must be a string or a number'
    text = row.get("text")
    if not isinstance(text, str):
        problem = 'missing "text"' if text is None else '"text" must be a string'
        return item_id, None, problem
    return item_id, text, None


def json_problem(error: json.JSONDecodeError) -> str:
    """``invalid JSON: <what> at column <n>`` (json's "Invalid control character at" has its own
    dangling "at", dropped)."""
    return f"invalid JSON: {error.msg.removesuffix(' at')} at column {error.colno}"


def classify_stream(
    lines: Iterable[str],
    engine: DetectionEngine,
    thresholds: Thresholds,
    gate: ModelOnlySettings | None = None,
) -> Iterator[dict[str, object]]:
    """Yield one output object per non-blank input line, batching the engine calls."""
    pending: list[tuple[int, object, str | None, str | None]] = []
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = line.removeprefix(BOM)  # Windows tools start UTF-8 files with one
        if not line.strip():
            continue
        pending.append((number, *parse_line(line)))
        if len(pending) >= BATCH:
            yield from _flush(pending, engine, thresholds, gate)
            pending = []
    yield from _flush(pending, engine, thresholds, gate)


def _flush(
    pending: list[tuple[int, object, str | None, str | None]],
    engine: DetectionEngine,
    thresholds: Thresholds,
    gate: ModelOnlySettings | None = None,
) -> Iterator[dict[str, object]]:
    texts = [text for _, _, text, _ in pending if text is not None]
    classified = iter(engine.classify_many(texts))
    for number, item_id, text, error in pending:
        if text is None:
            yield {"id": item_id, "line": number, "error": error or "unusable line"}
        else:
            yield verdict_of(next(classified), thresholds, gate).as_json(item_id)


def write_stream(out: TextIO, items: Iterable[dict[str, object]]) -> int:
    """Write JSON lines; returns how many were errors."""
    errors = 0
    for item in items:
        errors += "error" in item
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        out.flush()
    return errors
