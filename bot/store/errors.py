"""Errors the store raises: each carries a message a person running the bot can act on."""

from __future__ import annotations

__all__ = [
    "DatabaseLockedError",
    "DatabaseNotMigratedError",
    "StoreConstraintError",
    "StoreError",
    "StoreInputError",
    "StoreUnavailableError",
]


class StoreError(Exception):
    """Base class of every store error; ``str(error)`` is a human message."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached or written (locked, read-only, missing directory, down)."""


class DatabaseLockedError(StoreUnavailableError):
    """Another process holds the database's write lock (SQLite); worth retrying shortly."""


class DatabaseNotMigratedError(StoreError):
    """The schema is missing or older than this code: run ``pasici db upgrade``."""


class StoreConstraintError(StoreError):
    """A write broke an integrity rule (bad input); the whole transaction was rolled back."""


class StoreInputError(StoreError, ValueError):
    """A value the store cannot take (e.g. a naive datetime); nothing was written."""
