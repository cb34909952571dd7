"""Privacy: ``pasici user export``, ``pasici user erase`` and ``pasici purge``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.cli.run_commands import load_config_or_report
from bot.clock import SystemClock
from bot.store import StoreError, open_store

__all__ = ["add_parser"]


async def _export(url: str, user_id: str) -> dict[str, object]:
    store = await open_store(url)
    try:
        return await store.export_user(user_id)
    finally:
        await store.close()


async def _erase(url: str, user_id: str) -> dict[str, int]:
    store = await open_store(url)
    try:
        return await store.erase_user(user_id, SystemClock().now())
    finally:
        await store.close()


def _user(arguments: argparse.Namespace) -> int:
    config = load_config_or_report(arguments.config)
    if config is None:
        return 1
    url = config.bot.database.url
    try:
        if arguments.user_command == "export":
            data = asyncio.run(_export(url, arguments.user_id))
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return 0
        if not arguments.yes:
            print("Erasing is final: add --yes to confirm.", file=sys.stderr)
            return 1
        counts = asyncio.run(_erase(url, arguments.user_id))
    except StoreError as error:
        print(f"pasici: {error}", file=sys.stderr)
        return 1
    print(
        f"Erased user {arguments.user_id}: "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
        + " (cases under legal hold are kept)."
    )
    return 0


async def _purge_now(url: str, retention: Any) -> dict[str, int]:
    store = await open_store(url)
    try:
        return await store.purge_expired(SystemClock().now(), retention)
    finally:
        await store.close()


def _purge(arguments: argparse.Namespace) -> int:
    config = load_config_or_report(arguments.config)
    if config is None:
        return 1
    try:
        counts = asyncio.run(_purge_now(config.bot.database.url, config.bot.retention.to_policy()))
    except StoreError as error:
        print(f"pasici: {error}", file=sys.stderr)
        return 1
    print("Purged: " + ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())))
    return 0


def add_parser(subparsers: Any) -> None:
    user = subparsers.add_parser("user", help="a member's data: export or erase (GDPR)")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    for name, text in (
        ("export", "print everything stored about a member as JSON"),
        ("erase", "erase a member's data (legal holds are kept)"),
    ):
        command = user_commands.add_parser(name, help=text)
        command.add_argument("user_id", help="the member's platform user id")
        command.add_argument("--config", help="bot YAML file (default: the embedded config)")
        if name == "erase":
            command.add_argument("--yes", action="store_true", help="confirm the erasure")
        command.set_defaults(handler=_user)
    purge = subparsers.add_parser("purge", help="apply the retention periods now")
    purge.add_argument("--config", help="bot YAML file (default: the embedded config)")
    purge.set_defaults(handler=_purge)
