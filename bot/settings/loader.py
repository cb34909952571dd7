"""Load and validate the bot file and its community files, all of them before any is used."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.settings.bot_models import BotSettings
from bot.settings.community import CommunityPolicy
from bot.settings.errors import ConfigError, validation_messages
from bot.settings.yaml_source import YamlSource, load_yaml_source

__all__ = [
    "ConfigSnapshot",
    "LoadedConfig",
    "load_all",
    "load_bot_settings",
    "load_community_policy",
]

ModelT = TypeVar("ModelT", bound=BaseModel)
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """One file as applied: what the store keeps as a config revision."""

    scope: str  # "bot" or "community:<key>"
    path: Path
    sha256: str
    content: str


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A complete, validated configuration: the bot file and every community by key."""

    bot: BotSettings
    communities: Mapping[str, CommunityPolicy]
    bot_path: Path
    snapshots: tuple[ConfigSnapshot, ...]

    @property
    def console_community(self) -> str:
        """The console adapter's community (the first community when the file names none)."""
        configured = self.bot.adapters.console.community
        return configured if configured is not None else next(iter(self.communities))

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(snapshot.path for snapshot in self.snapshots)

    @property
    def sha256(self) -> str:
        """Fingerprint of the whole set (changes when any file's content changes)."""
        digest = hashlib.sha256()
        for snapshot in self.snapshots:
            digest.update(f"{snapshot.path}\0{snapshot.sha256}\0".encode())
        return digest.hexdigest()


def load_bot_settings(path: Path | str, environ: Mapping[str, str] | None = None) -> BotSettings:
    """Validate one bot file (not its communities); raises :class:`ConfigError`."""
    model, _, errors = _validate(Path(path), BotSettings, environ)
    if model is None:
        raise ConfigError(errors)
    return model


def load_community_policy(
    path: Path | str, environ: Mapping[str, str] | None = None
) -> CommunityPolicy:
    """Validate one community file; raises :class:`ConfigError`."""
    model, _, errors = _validate(Path(path), CommunityPolicy, environ)
    if model is None:
        raise ConfigError(errors)
    return model


def load_all(bot_path: Path | str, environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Validate the bot file and all its communities together; raises :class:`ConfigError`
    listing every problem of every file."""
    bot_path = Path(bot_path)
    bot, bot_source, errors = _validate(bot_path, BotSettings, environ)
    if bot is None:
        raise ConfigError(errors)
    community_files = _community_files(bot, bot_path, bot_source, errors)
    communities: dict[str, CommunityPolicy] = {}
    defined_in: dict[str, Path] = {}
    snapshots = [_snapshot("bot", bot_source)]
    for path in community_files:
        policy, source, file_errors = _validate(path, CommunityPolicy, environ)
        errors.extend(file_errors)
        if policy is None:
            continue
        if policy.key in communities:
            errors.append(
                source.error(
                    ("key",),
                    f"duplicate community key '{policy.key}' (also in {defined_in[policy.key]})",
                )
            )
            continue
        communities[policy.key] = policy
        defined_in[policy.key] = path
        snapshots.append(_snapshot(f"community:{policy.key}", source))
    if not errors:
        for key_path, key in bot.referenced_communities():
            if key not in communities:
                known = ", ".join(sorted(communities)) or "none"
                message = f"unknown community '{key}' (known: {known})"
                errors.append(bot_source.error(key_path, message))
    if errors:
        raise ConfigError(errors)
    return LoadedConfig(bot, MappingProxyType(communities), bot_path, tuple(snapshots))


def _validate(
    path: Path, model: type[ModelT], environ: Mapping[str, str] | None
) -> tuple[ModelT | None, YamlSource, list[str]]:
    source = load_yaml_source(path, environ)
    errors = list(source.errors)
    if source.data is None and errors:
        return None, source, errors
    if not isinstance(source.data, dict):
        errors.append(f"{path}:1: the file must be a mapping of keys, not {_kind(source.data)}")
        return None, source, errors
    try:
        validated = model.model_validate(source.data)
    except ValidationError as error:
        errors.extend(validation_messages(source, model, error))
        return None, source, errors
    return (None if errors else validated), source, errors


def _kind(data: object) -> str:
    return "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"


def _community_files(
    bot: BotSettings, bot_path: Path, source: YamlSource, errors: list[str]
) -> list[Path]:
    base = bot_path.parent
    found: list[Path] = []
    for index, entry in enumerate(bot.communities):
        key_path = ("communities", index)
        candidate = base / entry
        if _GLOB_CHARACTERS & set(entry):
            matches = [Path(item) for item in sorted(glob.glob(str(candidate)))]
            if not matches:
                errors.append(source.error(key_path, f"no file matches '{entry}'"))
        elif candidate.is_file():
            matches = [candidate]
        else:
            errors.append(source.error(key_path, f"community file not found: {candidate}"))
            matches = []
        for path in matches:
            if path.resolve() in {item.resolve() for item in found}:
                errors.append(source.error(key_path, f"community file listed twice: {path}"))
            else:
                found.append(path)
    return found


def _snapshot(scope: str, source: YamlSource) -> ConfigSnapshot:
    digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    return ConfigSnapshot(scope, source.path, digest, source.text)
