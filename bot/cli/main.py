"""Entry point of the ``pasici`` command: one sub-command module per concern.

Each module in ``SUBCOMMAND_MODULES`` exposes ``add_parser(subparsers)``, which registers its
parser(s) and sets ``handler`` (a callable taking the parsed ``argparse.Namespace`` and returning
an exit code) as a default. Modules are imported lazily so ``pasici --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import cast

from bot.cli.blas import pin_kernels

pin_kernels(os.environ)  # before any sub-command imports numpy (see bot.cli.blas)

SUBCOMMAND_MODULES: tuple[str, ...] = (
    "bot.cli.run_commands",  # run, demo, shell, db upgrade
    "bot.cli.config_commands",  # config check / schema
    "bot.cli.user_commands",  # user export / erase, purge
    "bot.cli.detection_commands",  # classify, eval, scan, train
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasici",
        description="Pas ici / Niet hier: moderation for company and public-service channels.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a sub-command module not written yet
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    handler = getattr(arguments, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return cast(Callable[[argparse.Namespace], int], handler)(arguments)


if __name__ == "__main__":
    sys.exit(main())
