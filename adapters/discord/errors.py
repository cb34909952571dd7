"""Errors the Discord adapter raises to its caller."""

from __future__ import annotations

__all__ = ["AdapterStartError"]


class AdapterStartError(RuntimeError):
    """The adapter could not connect; the message says why in plain words (no traceback)."""
