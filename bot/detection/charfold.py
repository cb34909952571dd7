"""Per-character folding: the first, context-free stage of normalisation.

Each original character becomes zero or more folded characters: invisible and combining
characters vanish, compatibility forms (fullwidth, mathematical, circled, ligatures) become plain
letters through NFKD, emoji letters (🅰, 🇦, 🅐) become ASCII letters, quotes become ``"``/``'`` and
everything is case-folded. Homoglyphs are only *proposed* here (``homoglyph``); whether to apply
them depends on the rest of the word, which the next stage decides.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.detection.errors import HomoglyphDataError

__all__ = [
    "DROP",
    "LANGUAGE_ACCENTS",
    "FoldedChar",
    "HomoglyphDataError",
    "fold_char",
    "homoglyph_table",
    "keep_for_language",
]

HOMOGLYPH_FILE = Path(__file__).parent / "data" / "homoglyphs.json"
_REBUILD_HOMOGLYPHS = "python -m bot.detection.build_homoglyphs"

# Emoji blocks whose code points stand for the letters A..Z in order.
_EMOJI_LETTER_BLOCKS = (
    0x1F1E6,  # regional indicator symbols 🇦..🇿
    0x1F170,  # negative squared latin capitals 🅰..🆉
    0x1F150,  # negative circled latin capitals 🅐..🅩
    0x1F130,  # squared latin capitals 🄰..🅉
)
_EMOJI_EXTRA = {"⭕": "o", "❌": "x", "✖": "x", "💲": "s", "➰": "o", "🔴": "o", "⚪": "o"}
_DOUBLE_QUOTES = frozenset("“”„‟«»‹›〝〞＂")
_SINGLE_QUOTES = frozenset("‘’‚‛′ʼ`´")
# Characters with no visible form that evasion inserts between letters.
_DROP_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cs", "Co"})
_EXTRA_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Accents worth keeping for language identification (acute, grave, circumflex, diaeresis,
# cedilla, ring). Anything else combining is zalgo noise.
LANGUAGE_ACCENTS = frozenset("\u0300\u0301\u0302\u0308\u0327\u030a")


@dataclass(frozen=True, slots=True)
class FoldedChar:
    """What one original character becomes.

    ``text`` is the folded form without homoglyph folding, ``homoglyph`` the form with it
    (equal to ``text`` unless the character is a look-alike). ``space`` marks whitespace.
    """

    text: str
    homoglyph: str
    space: bool = False
    newline: bool = False


DROP = FoldedChar("", "")
_SPACE = FoldedChar(" ", " ", space=True)
_NEWLINE = FoldedChar("\n", "\n", space=True, newline=True)


@lru_cache(maxsize=1)
def homoglyph_table() -> dict[str, str]:
    """The shipped look-alike -> ASCII letter table (loaded once)."""
    try:
        payload = json.loads(HOMOGLYPH_FILE.read_text(encoding="utf-8"))
        table = payload["table"]
        if not isinstance(table, dict):
            raise TypeError("'table' is not an object")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise HomoglyphDataError(
            f"cannot load homoglyph table {HOMOGLYPH_FILE} ({error}); "
            f"rebuild it with `{_REBUILD_HOMOGLYPHS}`"
        ) from error
    return {str(key): str(value) for key, value in table.items()}


def _emoji_letter(code: int) -> str | None:
    for base in _EMOJI_LETTER_BLOCKS:
        if base <= code < base + 26:
            return chr(ord("a") + code - base)
    return None


@lru_cache(maxsize=16384)
def fold_char(char: str) -> FoldedChar:
    """Fold one character (cached: messages reuse few distinct characters)."""
    if char == "\n" or char in "\r\u2028\u2029\x0b\x0c":
        return _NEWLINE
    if char.isspace():
        return _SPACE
    if char in _DOUBLE_QUOTES:
        return FoldedChar('"', '"')
    if char in _SINGLE_QUOTES:
        return FoldedChar("'", "'")
    if char in _EXTRA_INVISIBLE:
        return DROP
    category = unicodedata.category(char)
    if category in _DROP_CATEGORIES:
        return DROP
    if category == "Cc":
        return _SPACE
    code = ord(char)
    emoji = _emoji_letter(code) or _EMOJI_EXTRA.get(char)
    if emoji is not None:
        return FoldedChar(emoji, emoji)
    parts = [
        c
        for c in unicodedata.normalize("NFKD", char)
        if unicodedata.category(c) not in ("Mn", "Me")
    ]
    text = "".join(parts).casefold()
    if not text:
        return DROP
    if text.isspace():
        return _SPACE
    table = homoglyph_table()
    homoglyph = "".join(table.get(c, c) for c in text)
    return FoldedChar(text, homoglyph)


def keep_for_language(char: str, previous_was_base: bool) -> bool:
    """Whether ``char`` belongs in the accent-keeping text used for language identification."""
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return previous_was_base and char in LANGUAGE_ACCENTS
    return category not in ("Cf", "Cs", "Co") and char not in _EXTRA_INVISIBLE
