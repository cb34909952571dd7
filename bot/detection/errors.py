"""The one error family for missing or corrupt shipped detection data (rules layer).

Every class of the family is defined here, in a module setup.py does not compile: mypyc cannot
compile a subclass of a built-in exception.
"""

from __future__ import annotations

__all__ = ["HomoglyphDataError", "LanguageModelError", "LexiconError", "RulesDataError"]


class RulesDataError(RuntimeError):
    """A shipped data file (lexicon, language model, homoglyph table) is missing or corrupt.

    The message names the file and, for generated files, the command that rebuilds it.
    """


class HomoglyphDataError(RulesDataError):
    """The shipped homoglyph table is missing or unreadable."""


class LanguageModelError(RulesDataError):
    """The shipped language model is missing or corrupt."""


class LexiconError(RulesDataError, ValueError):
    """A lexicon file is missing or malformed."""
