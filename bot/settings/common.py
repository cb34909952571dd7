"""Shared building blocks of the settings models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "LEVEL_NAMES",
    "ConfigLanguage",
    "Level",
    "PlatformId",
    "Probability",
    "StrictModel",
]


class StrictModel(BaseModel):
    """Frozen, rejects unknown keys: a typo in a config file is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _id_to_text(value: Any) -> Any:
    # Platform ids are opaque strings in the core; YAML reads bare digits as integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


PlatformId = Annotated[
    str,
    BeforeValidator(_id_to_text),
    Field(min_length=1, max_length=100, pattern=r"^\S+$"),
]
"""A platform id (user, channel, role, guild, chat): digits or text, kept as a string."""

Probability = Annotated[float, Field(gt=0.0, le=1.0)]
"""A score threshold: above 0, at most 1."""

ConfigLanguage = Literal["nl", "fr", "en", "de"]

LEVEL_NAMES: dict[str, int] = {"member": 0, "helper": 1, "moderator": 2, "admin": 3}


def _level(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in LEVEL_NAMES:
        return LEVEL_NAMES[value.strip().lower()]
    return value


Level = Annotated[int, BeforeValidator(_level), Field(ge=0, le=3)]
"""A permission level: 0 member, 1 helper, 2 moderator, 3 admin (number or name)."""
