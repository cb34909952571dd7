"""Labelled samples: the team's corpus files (``bot/detection/corpus/{train,dev}/<lang>.jsonl``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LABELS", "CorpusError", "Sample", "corpus_dir", "load_corpus", "load_jsonl"]

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
    samples: list[Sample] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path}: cannot read ({error})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label = str(row["label"])
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}")
            samples.append(
                Sample(
                    id=str(row.get("id", f"{path.stem}-{number}")),
                    text=str(row["text"]),
                    lang=str(row.get("lang", "und")),
                    label=label,
                    source=source,
                    kind=str(row.get("kind", "")),
                    evasion=bool(row.get("evasion", False)),
                    scenario=str(row.get("scenario", "")),
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise CorpusError(f"{path}:{number}: {error}") from error
    return samples


def load_corpus(split: str, root: Path | None = None, langs: Iterable[str] = LANGS) -> list[Sample]:
    """All languages of one split ("train" or "dev"), sorted by id (deterministic order)."""
    base = (root or corpus_dir()) / split
    samples: list[Sample] = []
    for lang in langs:
        path = base / f"{lang}.jsonl"
        if path.exists():
            samples.extend(load_jsonl(path))
    return sorted(samples, key=lambda s: s.id)
