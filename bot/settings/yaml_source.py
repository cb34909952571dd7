"""Read YAML into plain data while remembering the line of every key and list item.

Environment references (``${NAME}`` or ``${NAME:-default}``; ``$${`` is a literal ``${``) are
expanded in string values here, so a missing variable is reported at its own line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["KeyPath", "YamlSource", "format_key_path", "load_yaml_source", "parse_yaml_text"]

KeyPath = tuple[str | int, ...]

_ENV_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True, slots=True)
class YamlSource:
    """Parsed data of one file, the line (1-based) of each key path, and problems found."""

    path: Path
    text: str
    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    unset_env_paths: frozenset[KeyPath] = frozenset()

    def line_of(self, key_path: KeyPath) -> int:
        """Line of the deepest known prefix of ``key_path`` (missing keys -> their parent)."""
        for end in range(len(key_path), -1, -1):
            line = self.lines.get(key_path[:end])
            if line is not None:
                return line
        return 1

    def error(self, key_path: KeyPath, message: str) -> str:
        """``FILE:LINE: key.path: message`` for a problem at ``key_path``."""
        where = format_key_path(key_path)
        prefix = f"{self.path}:{self.line_of(key_path)}:"
        return f"{prefix} {where}: {message}" if where else f"{prefix} {message}"


def _yaml_error(path: Path, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}"
    problem = error.problem or error.context or "invalid YAML"
    context = error.context_mark
    if error.context and context is not None and error.problem:
        problem += f" ({error.context} started at line {context.line + 1})"
    return f"{where}: yaml error: {problem}"


def format_key_path(key_path: KeyPath) -> str:
    """``("ladder", 2, "action")`` -> ``ladder[2].action``."""
    text = ""
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def load_yaml_source(path: Path, environ: Mapping[str, str] | None = None) -> YamlSource:
    """Read and parse ``path``; unreadable files become errors, never exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return YamlSource(path, "", None, errors=(f"{path}: file not found",))
    except (OSError, UnicodeDecodeError) as error:
        return YamlSource(path, "", None, errors=(f"{path}: cannot read: {error}",))
    return parse_yaml_text(path, text, os.environ if environ is None else environ)


def parse_yaml_text(path: Path, text: str, environ: Mapping[str, str]) -> YamlSource:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        return YamlSource(path, text, None, errors=(_yaml_error(path, error),))
    except yaml.YAMLError as error:
        return YamlSource(path, text, None, errors=(f"{path}: yaml error: {error}",))
    finally:
        loader.dispose()
    if root is None:
        return YamlSource(path, text, {}, {(): 1})
    builder = _Builder(path, environ)
    try:
        data = builder.build(root, ())
    except _StructureError as error:
        return YamlSource(path, text, None, errors=(f"{path}:{error.line}: {error.problem}",))
    except yaml.YAMLError as error:  # e.g. an unknown tag or a bad merge key
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}"
        problem = getattr(error, "problem", None) or str(error)
        return YamlSource(path, text, None, errors=(f"{where}: yaml error: {problem}",))
    return YamlSource(
        path, text, data, builder.lines, tuple(builder.errors), frozenset(builder.unset_env_paths)
    )


class _StructureError(Exception):
    """The document is too big or refers to itself (alias loops, "billion laughs")."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


_MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_NODES = 200_000
"""A config file is a few hundred nodes; aliases must not blow it up beyond this."""


class _Builder:
    """Turn a composed node tree into Python data, recording lines and expanding ${ENV}."""

    def __init__(self, path: Path, environ: Mapping[str, str]) -> None:
        self._path = path
        self._environ = environ
        self._constructor = yaml.SafeLoader("")
        self._open: set[int] = set()  # ids of nodes being built: an alias loop if seen again
        self._budget = MAX_NODES
        self.lines: dict[KeyPath, int] = {}
        self.errors: list[str] = []
        self.unset_env_paths: set[KeyPath] = set()

    def build(self, node: Node, key_path: KeyPath) -> Any:
        line = node.start_mark.line + 1
        self.lines.setdefault(key_path, line)
        self._budget -= 1
        if self._budget < 0:
            raise _StructureError(line, f"the document has more than {MAX_NODES} values")
        if not isinstance(node, MappingNode | SequenceNode):
            value = self._constructor.construct_object(node, deep=True)
            if isinstance(node, ScalarNode) and isinstance(value, str):
                return self._expand(value, key_path, line)
            return value
        if id(node) in self._open:
            raise _StructureError(line, "an alias refers to the node that contains it")
        self._open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, key_path)
            return [self.build(item, (*key_path, index)) for index, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: MappingNode, key_path: KeyPath) -> dict[str, Any]:
        own_count = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
        self._constructor.flatten_mapping(node)  # "<<" merge keys: merged pairs come first
        merged_count = len(node.value) - own_count
        result: dict[str, Any] = {}
        own_line: dict[str, int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            raw_key = self._constructor.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(raw_key, str | int | float | bool):
                self.errors.append(f"{self._path}:{line}: a mapping key must be plain text")
                continue
            key = str(raw_key)
            child_path = (*key_path, key)
            if index >= merged_count:  # written here, not merged in: duplicates are mistakes
                if key in own_line:
                    self.errors.append(
                        f"{self._path}:{line}: {_render(child_path)}: duplicate key "
                        f"(first written at line {own_line[key]})"
                    )
                    continue
                own_line[key] = line
            self.lines[child_path] = line
            result[key] = self.build(value_node, child_path)
        return result

    def _expand(self, value: str, key_path: KeyPath, line: int) -> str:
        if "$" not in value:
            return value

        def substitute(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            name, default = match.group(1), match.group(2)
            found = self._environ.get(name)
            if found is not None:
                return found
            if default is not None:
                return default
            self.unset_env_paths.add(key_path)
            self.errors.append(
                f"{self._path}:{line}: {_render(key_path)}: environment variable {name} is not set"
            )
            return ""

        return _ENV_REFERENCE.sub(substitute, value)


def _render(key_path: KeyPath) -> str:
    return format_key_path(key_path) or "(top level)"
