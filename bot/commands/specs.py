"""What each command is: its name, target, options and default permission level.

Adapters build their native command UIs (Discord slash commands, Telegram /commands, the console
shell) from ``COMMAND_SPECS``, parse what the user typed, and hand the core a
:class:`bot.events.CommandCall` with ``name`` and ``options`` named exactly as here. Levels:
0 member, 1 helper, 2 moderator, 3 admin (a community config may raise or lower them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "COMMAND_SPECS",
    "CommandSpec",
    "Level",
    "OptionKind",
    "OptionSpec",
    "Target",
    "spec_for",
]


class Level(IntEnum):
    MEMBER = 0
    HELPER = 1
    MODERATOR = 2
    ADMIN = 3


class Target(StrEnum):
    NONE = "none"
    USER = "user"  # a member: by reply, mention, user id or context menu
    MESSAGE = "message"  # a message: by reply or context menu (its author is the target user)


class OptionKind(StrEnum):
    TEXT = "text"
    DURATION = "duration"  # "10m", "2h", "1d", "28d", "forever"
    INTEGER = "integer"
    CASE = "case"  # a case number of the community
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    kind: OptionKind
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    description: str
    level: Level
    target: Target = Target.NONE
    options: tuple[OptionSpec, ...] = ()
    private_reply: bool = True


_REASON = OptionSpec(
    "reason", OptionKind.TEXT, "Why (recorded on the case and shown in the mod log)"
)
_CASE = OptionSpec("case", OptionKind.CASE, "Case number", required=True)

COMMAND_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "notice",
        "Send the pasici.be notice to this message's author",
        Level.HELPER,
        Target.MESSAGE,
        (_REASON,),
    ),
    CommandSpec("warn", "Warn a member (adds points)", Level.MODERATOR, Target.USER, (_REASON,)),
    CommandSpec(
        "mute",
        "Mute a member for a while",
        Level.MODERATOR,
        Target.USER,
        (OptionSpec("duration", OptionKind.DURATION, "How long, e.g. 10m, 1h, 1d"), _REASON),
    ),
    CommandSpec("unmute", "Lift a member's mute", Level.MODERATOR, Target.USER, (_REASON,)),
    CommandSpec(
        "kick", "Remove a member (they may rejoin)", Level.MODERATOR, Target.USER, (_REASON,)
    ),
    CommandSpec(
        "ban",
        "Ban a member, for good or for a duration",
        Level.MODERATOR,
        Target.USER,
        (OptionSpec("duration", OptionKind.DURATION, "Leave empty to ban for good"), _REASON),
    ),
    CommandSpec(
        "tempban",
        "Ban a member for a duration",
        Level.MODERATOR,
        Target.USER,
        (OptionSpec("duration", OptionKind.DURATION, "How long, e.g. 7d", required=True), _REASON),
    ),
    CommandSpec("unban", "Lift a member's ban", Level.MODERATOR, Target.USER, (_REASON,)),
    CommandSpec(
        "pardon",
        "Remove a member's points",
        Level.MODERATOR,
        Target.USER,
        (OptionSpec("points", OptionKind.INTEGER, "How many (all when empty)"), _REASON),
    ),
    CommandSpec("strikes", "Show a member's points, cases and notes", Level.HELPER, Target.USER),
    CommandSpec(
        "case",
        "Show a case, or edit its reason",
        Level.HELPER,
        Target.NONE,
        (_CASE, OptionSpec("reason", OptionKind.TEXT, "New reason (moderators only)")),
    ),
    CommandSpec(
        "note",
        "Add a private note about a member",
        Level.HELPER,
        Target.USER,
        (OptionSpec("text", OptionKind.TEXT, "The note", required=True),),
    ),
    CommandSpec(
        "evidence", "Export a case's evidence bundle", Level.MODERATOR, Target.NONE, (_CASE,)
    ),
    CommandSpec(
        "confirm", "Confirm a case (mod log button)", Level.MODERATOR, Target.NONE, (_CASE,)
    ),
    CommandSpec(
        "undo",
        "Undo a case: lift its sanction and mark it a false positive",
        Level.MODERATOR,
        Target.NONE,
        (_CASE, _REASON),
    ),
    CommandSpec(
        "escalate",
        "Escalate a case one step up the ladder",
        Level.MODERATOR,
        Target.NONE,
        (_CASE, _REASON),
    ),
    CommandSpec(
        "report",
        "Flag a message for the moderators",
        Level.MEMBER,
        Target.MESSAGE,
        (_REASON,),
    ),
    CommandSpec(
        "config",
        "Check or reload this bot's configuration",
        Level.ADMIN,
        Target.NONE,
        (
            OptionSpec(
                "action",
                OptionKind.CHOICE,
                "check or reload",
                required=True,
                choices=("check", "reload"),
            ),
        ),
    ),
    CommandSpec("status", "Show the bot's status for this community", Level.HELPER),
)

_BY_NAME = {spec.name: spec for spec in COMMAND_SPECS}


def spec_for(name: str) -> CommandSpec | None:
    """The spec of command ``name``, or None for an unknown command."""
    return _BY_NAME.get(name)
