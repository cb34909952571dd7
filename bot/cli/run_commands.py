"""``pasici run``, ``pasici db upgrade``, ``pasici demo`` and ``pasici shell``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from bot.settings import ConfigError, LoadedConfig, default_config_path, load_all
from bot.store import StoreError, upgrade_database

__all__ = ["add_parser", "load_config_or_report"]

log = logging.getLogger("pasici")


def load_config_or_report(path: str | None) -> LoadedConfig | None:
    """The loaded config, or None after printing every error with its file:line."""
    try:
        return load_all(Path(path) if path else default_config_path())
    except ConfigError as error:
        print("The configuration is not valid:", file=sys.stderr)
        for line in error.errors:
            print(f"  {line}", file=sys.stderr)
        return None


def _run(arguments: argparse.Namespace) -> int:
    from bot.app import PasiciApp

    config = load_config_or_report(arguments.config)
    if config is None:
        return 1
    logging.basicConfig(
        level=config.bot.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(PasiciApp(config).run())
    except StoreError as error:
        print(f"pasici: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        start_error = _adapter_start_error(error)
        if start_error is None:
            raise
        print(f"pasici: {start_error}", file=sys.stderr)
        return 2
    return 0


def _adapter_start_error(error: Exception) -> str | None:
    """Adapters raise ``AdapterStartError`` (bad token, unreachable API): a message, no trace."""
    if type(error).__name__ in ("AdapterStartError", "AdapterSetupError"):
        return str(error)
    return None


def _db_upgrade(arguments: argparse.Namespace) -> int:
    config = load_config_or_report(arguments.config)
    if config is None:
        return 1
    try:
        asyncio.run(upgrade_database(config.bot.database.url))
    except StoreError as error:
        print(f"pasici: {error}", file=sys.stderr)
        return 1
    print("Database is up to date.")
    return 0


def _demo(arguments: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    return asyncio.run(run_demo(print))


def _shell(arguments: argparse.Namespace) -> int:
    from bot.cli.shell import run_shell

    return asyncio.run(run_shell(arguments.config, arguments.database))


def add_parser(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run the bot (migrates the database first)")
    run.add_argument("--config", help="bot YAML file (default: the embedded console demo)")
    run.set_defaults(handler=_run)

    database = subparsers.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    upgrade = database_commands.add_parser("upgrade", help="apply the schema migrations")
    upgrade.add_argument("--config", help="bot YAML file (default: the embedded config)")
    upgrade.set_defaults(handler=_db_upgrade)

    demo = subparsers.add_parser(
        "demo", help="a scripted conversation in nl/fr/en/de through the whole pipeline"
    )
    demo.set_defaults(handler=_demo)

    shell = subparsers.add_parser("shell", help="an interactive local channel (console adapter)")
    shell.add_argument("--config", help="bot YAML file (default: the embedded config)")
    shell.add_argument(
        "--database", help="SQLite file to use (default: a throw-away temporary file)"
    )
    shell.set_defaults(handler=_shell)
