"""``pasici config check FILE...``, ``pasici config schema [--out DIR] [--check]`` and
``pasici config hash-password``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.settings.errors import ConfigError
from bot.settings.loader import load_all, load_community_policy
from bot.settings.passwords import hash_password
from bot.settings.schema import stale_schema_files, write_schemas

__all__ = ["add_parser", "detect_kind"]

DEFAULT_SCHEMA_DIR = Path("config/schema")
_BOT_KEYS = frozenset(
    {"database", "web", "communities", "retention", "scheduler", "logging", "adapters"}
)
_COMMUNITY_KEYS = frozenset(
    {
        "key",
        "display_name",
        "default_language",
        "charter_url",
        "dry_run",
        "detection",
        "points",
        "ladder",
        "decay",
        "evidence_categories",
        "exemptions",
        "overrides",
        "moderators",
        "notices",
    }
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("config", help="check configuration files, write JSON Schema")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check", help="validate bot and community files; every error as FILE:LINE: path: message"
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument(
        "--kind",
        choices=("auto", "bot", "community"),
        default="auto",
        help="what the files are (auto: told from their keys)",
    )
    check.set_defaults(handler=_check)

    schema = actions.add_parser("schema", help="write bot.schema.json and community.schema.json")
    schema.add_argument("--out", type=Path, default=DEFAULT_SCHEMA_DIR, metavar="DIR")
    schema.add_argument(
        "--check", action="store_true", help="only verify the files are up to date (exit 1 if not)"
    )
    schema.set_defaults(handler=_schema)

    hasher = actions.add_parser(
        "hash-password",
        help="print a password hash for web.users[].password_hash (password read from stdin)",
    )
    hasher.set_defaults(handler=_hash_password)


def _hash_password(arguments: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        print(hash_password(password))
    except ValueError as error:
        print(f"cannot hash: {error}", file=sys.stderr)
        return 1
    return 0


def detect_kind(path: Path) -> str:
    """ "bot" or "community", from the top-level keys (community when unsure)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "community"  # the loader reports the real problem
    if not isinstance(data, dict):
        return "community"
    keys = set(map(str, data))
    return "bot" if len(keys & _BOT_KEYS) > len(keys & _COMMUNITY_KEYS) else "community"


def _check(arguments: argparse.Namespace) -> int:
    errors: list[str] = []
    summaries: list[str] = []
    for path in arguments.files:
        kind = arguments.kind if arguments.kind != "auto" else detect_kind(path)
        try:
            if kind == "bot":
                loaded = load_all(path)
                names = ", ".join(sorted(loaded.communities))
                summaries.append(f"{path}: bot file, communities: {names}")
            else:
                policy = load_community_policy(path)
                summaries.append(f"{path}: community '{policy.key}'")
        except ConfigError as error:
            errors.extend(error.errors)
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        noun = "error" if len(errors) == 1 else "errors"
        print(
            f"{len(errors)} {noun}; nothing is applied until every file is valid", file=sys.stderr
        )
        return 1
    for line in summaries:
        print(f"OK {line}")
    print(f"OK: {len(summaries)} file(s) valid")
    return 0


def _schema(arguments: argparse.Namespace) -> int:
    directory: Path = arguments.out
    if arguments.check:
        stale = stale_schema_files(directory)
        for path in stale:
            print(
                f"{path}: out of date; run `pasici config schema --out {directory}`",
                file=sys.stderr,
            )
        if stale:
            return 1
        print(f"OK: schema files in {directory} are up to date")
        return 0
    try:
        written = write_schemas(directory)
    except OSError as error:
        print(f"{directory}: cannot write: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0
