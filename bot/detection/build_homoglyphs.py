"""Rebuild ``data/homoglyphs.json`` from the confusables table of ``confusable_homoglyphs``.

Run ``python -m bot.detection.build_homoglyphs``. Deterministic: same package version, same file.
The table maps a single lowercase non-ASCII letter that looks like an ASCII letter (Cyrillic
``а``, Greek ``ο``, Latin ``ɑ`` ...) to that ASCII letter. Characters that Unicode NFKD already
folds to ASCII (fullwidth, mathematical alphabets) are left out: normalisation handles them first.
"""

from __future__ import annotations

import json
import string
import unicodedata
from pathlib import Path

from confusable_homoglyphs import confusables

__all__ = ["HOMOGLYPH_FILE", "build_table", "main"]

HOMOGLYPH_FILE = Path(__file__).parent / "data" / "homoglyphs.json"
_ASCII_LETTERS = frozenset(string.ascii_letters)


def _is_candidate(char: str) -> bool:
    if len(char) != 1 or char.isascii():
        return False
    if not unicodedata.category(char).startswith("L"):
        return False
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    # NFKD already turns it into ASCII: no table entry needed.
    return not (folded.isascii() and folded.isalpha())


def build_table() -> dict[str, str]:
    """Return {lowercase look-alike: ascii lowercase letter}, sorted by key."""
    candidates: dict[str, set[str]] = {}
    data: dict[str, list[dict[str, str]]] = confusables.confusables_data
    for key, entries in data.items():
        targets = [entry["c"] for entry in entries]
        if key in _ASCII_LETTERS:
            for other in targets:
                if _is_candidate(other):
                    candidates.setdefault(other, set()).add(key)
        elif _is_candidate(key):
            for other in targets:
                if other in _ASCII_LETTERS:
                    candidates.setdefault(key, set()).add(other)
    table: dict[str, str] = {}
    for char, letters in candidates.items():
        lowered = char.lower()
        if len(lowered) != 1 or not _is_candidate(lowered):
            continue
        # An uppercase look-alike's own lowercase form wins over its uppercase reading
        # (Cyrillic 'І' -> 'і' -> 'i', not 'l').
        preferred = sorted(letter for letter in letters if letter.islower()) or sorted(letters)
        if char == lowered or lowered not in table:
            table[lowered] = preferred[0].lower()
    return dict(sorted(table.items()))


def main() -> None:
    table = build_table()
    header = {
        "_source": "confusable_homoglyphs (Unicode confusables.txt), folded to ASCII lowercase",
        "_rebuild": "python -m bot.detection.build_homoglyphs",
    }
    payload = {**header, "table": table}
    HOMOGLYPH_FILE.write_text(
        json.dumps(payload, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(table)} homoglyphs to {HOMOGLYPH_FILE}")


if __name__ == "__main__":
    main()
