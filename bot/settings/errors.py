"""Turn pydantic validation errors into ``FILE:LINE: key.path: message`` lines."""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.settings.yaml_source import KeyPath, YamlSource

__all__ = ["ConfigError", "validation_messages"]

_SECRET_KEYS = frozenset({"token", "secret_token", "admin_token", "password_hash"})
_ECHO_TYPES = frozenset(
    {
        "bool_parsing",
        "bool_type",
        "enum",
        "float_parsing",
        "float_type",
        "greater_than",
        "greater_than_equal",
        "int_from_float",
        "int_parsing",
        "int_type",
        "less_than",
        "less_than_equal",
        "literal_error",
        "string_pattern_mismatch",
        "string_type",
        "url_parsing",
        "url_scheme",
    }
)


class ConfigError(Exception):
    """One or more configuration problems, each a ready-to-print ``FILE:LINE: ...`` line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def validation_messages(
    source: YamlSource, model: type[BaseModel], error: ValidationError
) -> list[str]:
    """Every error of ``error`` as a line pointing into ``source``, in line order.

    Left out: a "too short" error on a list whose items failed (it only echoes them), and
    errors under a key whose ``${ENV}`` reference was unset (already reported).
    """
    details = error.errors(include_url=False)
    locs = [tuple(detail["loc"]) for detail in details]
    kept = [
        (source.line_of(loc), _message(source, model, detail))
        for detail, loc in zip(details, locs, strict=True)
        if not (detail["type"] == "too_short" and any(_under(other, loc) for other in locs))
        and not any(_under(loc, bad) or loc == bad for bad in source.unset_env_paths)
    ]
    return [message for _, message in sorted(kept, key=lambda item: item[0])]


def _under(loc: KeyPath, parent: KeyPath) -> bool:
    """True when ``loc`` lies strictly inside ``parent``."""
    return len(loc) > len(parent) and loc[: len(parent)] == parent


def _message(source: YamlSource, model: type[BaseModel], detail: ErrorDetails) -> str:
    loc: KeyPath = tuple(detail["loc"])
    is_key_error = bool(loc) and loc[-1] == "[key]"
    if is_key_error:
        loc = loc[:-1]
    kind = detail["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        text = f"unknown key '{name}'"
        known = _known_keys(model, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            text += f" (did you mean '{close[0]}'?)"
        elif known:
            text += f"; allowed keys: {', '.join(known)}"
    elif kind == "missing":
        text = "required key is missing"
    else:
        text = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if is_key_error:
            text = f"invalid key: {text}"
        secret = any(isinstance(part, str) and part in _SECRET_KEYS for part in loc)
        value = detail.get("input")
        if kind in _ECHO_TYPES and not secret and _short_scalar(value):
            text += f" (got {value!r})"
    return source.error(loc, text)


def _short_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 60


def _known_keys(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """Keys accepted by the model found at ``loc`` (empty when it cannot be told)."""
    target: Any = model
    for part in loc:
        target = _container_of(target)
        if isinstance(target, type) and issubclass(target, BaseModel):
            target = _field_annotation(target, str(part))
        elif get_origin(target) in (tuple, list) and isinstance(part, int):
            target = get_args(target)[0]
        elif get_origin(target) is dict:
            target = get_args(target)[1]
        else:
            return []
    target = _container_of(target)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return sorted(info.alias or name for name, info in target.model_fields.items())
    return []


def _field_annotation(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _container_of(annotation: Any) -> Any:
    """Strip Annotated and Optional so the model or container underneath shows."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
            if len(members) != 1:
                return annotation
        else:
            return annotation
