"""A fingerprint of the rules layer's shipped data, recorded with the heads trained on it.

The learned heads take the rules layer's features as input: after an edit to a lexicon file,
the language model or the homoglyph table, heads trained before it see other features than they
were fitted on. ``pasici train`` records ``rules_data_fingerprint()`` in manifest.json and the
engine refuses, at start, heads recorded with another one (``ModelFileError``: retrain).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.detection.charfold import HOMOGLYPH_FILE
from bot.detection.langid import LANGID_FILE
from bot.detection.lexicon import LEXICON_DIR

__all__ = ["rules_data_files", "rules_data_fingerprint"]


def rules_data_files(lexicon_dir: Path = LEXICON_DIR) -> list[Path]:
    """Every file the rules layer reads, in a stable order."""
    return [*sorted(lexicon_dir.glob("*/*.yaml")), LANGID_FILE, HOMOGLYPH_FILE]


def rules_data_fingerprint(lexicon_dir: Path = LEXICON_DIR) -> str:
    """sha256 (first 16 hex digits) over the files' names ("nl/allow.yaml", "langid.json")
    and their bytes."""
    digest = hashlib.sha256()
    for path in rules_data_files(lexicon_dir):
        inside = path.is_relative_to(lexicon_dir)
        name = path.relative_to(lexicon_dir).as_posix() if inside else path.name
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
