"""The one error family for missing or corrupt shipped detection data (rules layer)."""

from __future__ import annotations

__all__ = ["RulesDataError"]


class RulesDataError(RuntimeError):
    """A shipped data file (lexicon, language model, homoglyph table) is missing or corrupt.

    The message names the file and, for generated files, the command that rebuilds it.
    """
