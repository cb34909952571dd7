"""Parse a typed command line ("/mute @anna 10m spamming") against the shared command specs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.specs import OptionKind, Target, spec_for

__all__ = ["CommandLineError", "ParsedCommand", "parse_command_line"]

_DURATION = re.compile(r"^(\d+[smhdw]|forever)$", re.IGNORECASE)


class CommandLineError(ValueError):
    """The line is not a valid command; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    target_user: str | None  # a user name ("anna") or id, without the "@"
    target_message_id: str | None
    options: dict[str, str]


def parse_command_line(line: str) -> ParsedCommand:
    tokens = line.strip().split()
    if not tokens or not tokens[0].startswith("/"):
        raise CommandLineError("a command starts with '/', e.g. /warn @anna reason")
    name = tokens[0][1:].lower()
    if name == "pasici":  # the Telegram-style alias of "notice"
        name = "notice"
    spec = spec_for(name)
    if spec is None:
        raise CommandLineError(f"unknown command /{name}; type /help for the list")
    rest = tokens[1:]
    target_user: str | None = None
    target_message: str | None = None
    if spec.target is Target.USER:
        if not rest or not rest[0].startswith("@"):
            raise CommandLineError(f"/{name} needs a member: /{name} @name ...")
        target_user = rest.pop(0)[1:]
    elif spec.target is Target.MESSAGE:
        if not rest or not rest[0].startswith("#"):
            raise CommandLineError(f"/{name} needs a message: /{name} #<message id> ...")
        target_message = rest.pop(0)[1:]
    options: dict[str, str] = {}
    for option in spec.options:
        if option.kind is OptionKind.TEXT:
            if rest:
                options[option.name] = " ".join(rest)
                rest = []
        elif option.kind is OptionKind.DURATION:
            if rest and _DURATION.match(rest[0]):
                options[option.name] = rest.pop(0).lower()
        elif option.kind in (OptionKind.INTEGER, OptionKind.CASE):
            if rest and rest[0].lstrip("#").isdigit():
                options[option.name] = rest.pop(0).lstrip("#")
        elif option.kind is OptionKind.CHOICE and rest and rest[0] in option.choices:
            options[option.name] = rest.pop(0)
        if option.required and option.name not in options:
            raise CommandLineError(f"/{name} needs {option.name} ({option.description})")
    if rest:
        raise CommandLineError(f"/{name}: unexpected {' '.join(rest)!r}")
    return ParsedCommand(name, target_user, target_message, options)
