"""Labelled samples: the team's corpus files (``bot/detection/corpus/{train,dev}/<lang>.jsonl``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LABELS",
    "CorpusError",
    "Sample",
    "corpus_dir",
    "load_corpus",
    "load_jsonl",
    "read_labelled",
]

LABELS: tuple[str, ...] = ("ok", "insult", "hate", "sexual", "threat", "trolling")
LANGS: tuple[str, ...] = ("nl", "fr", "en", "de")


class CorpusError(ValueError):
    """A labelled file that cannot be read (names the file and line)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled message; ``source`` is "corpus" or the public set's folder name."""

    id: str
    text: str
    lang: str
    label: str
    source: str = "corpus"
    kind: str = ""
    evasion: bool = False
    scenario: str = ""


def corpus_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "corpus"


def load_jsonl(path: Path, source: str = "corpus") -> list[Sample]:
    """Read one labelled JSONL file; a malformed line raises ``CorpusError`` with file:line."""
    samples, problems = read_labelled(path, source)
    if problems:
        raise CorpusError(problems[0])
    return samples


def read_labelled(
    path: Path, source: str = "corpus", default_lang: str = "und"
) -> tuple[list[Sample], list[str]]:
    """Every usable line of a labelled JSONL file, and a ``file:line: problem`` per bad line.

    A line without "lang" gets ``default_lang``. ``CorpusError`` if the file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path}: cannot read ({error})") from error
    samples: list[Sample] = []
    problems: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 is text
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: invalid JSON: {error}")
            continue
        try:
            samples.append(_sample(row, path, number, source, default_lang))
        except ValueError as error:
            problems.append(f"{path}:{number}: {error}")
    return samples, problems


def _sample(row: object, path: Path, number: int, source: str, default_lang: str) -> Sample:
    """One labelled line's sample; ``ValueError`` naming what is wrong with it."""
    if not isinstance(row, dict):
        raise ValueError("expected a JSON object")
    if "label" not in row:
        raise ValueError('missing "label"')
    label = row["label"]
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}")
    if "text" not in row:
        raise ValueError('missing "text"')
    text = row["text"]
    if not isinstance(text, str):
        raise ValueError(f'"text" must be a string, not {json.dumps(text)[:40]}')
    lang = row.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise ValueError('"lang" must be a string')
    return Sample(
        id=str(row.get("id", f"{path.stem}-{number}")),
        text=text,
        lang=lang or default_lang,
        label=str(label),
        source=source,
        kind=str(row.get("kind", "")),
        evasion=bool(row.get("evasion", False)),
        scenario=str(row.get("scenario", "")),
    )


def load_corpus(split: str, root: Path | None = None, langs: Iterable[str] = LANGS) -> list[Sample]:
    """All languages of one split ("train" or "dev"), sorted by id (deterministic order)."""
    base = (root or corpus_dir()) / split
    samples: list[Sample] = []
    for lang in langs:
        path = base / f"{lang}.jsonl"
        if path.exists():
            samples.extend(load_jsonl(path))
    return sorted(samples, key=lambda s: s.id)
