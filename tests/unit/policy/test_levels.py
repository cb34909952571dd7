"""Command permission levels from roles, platform rights and config overrides."""

from __future__ import annotations

import pytest

from bot.commands.specs import COMMAND_SPECS
from bot.events import Author
from bot.pipeline.policy import UnknownCommandError, required_level, resolve_command_level
from tests.unit.policy.helpers import make_policy

POLICY = make_policy(
    moderators={
        "roles": {"Helpers": "helper", "Mods": 2, "111": "admin"},
        "commands": {"ban": "admin", "report": 1},
    }
)


@pytest.mark.parametrize(
    ("author", "level"),
    [
        (Author("u", "member"), 0),
        (Author("u", "unknown role", roles=("Fans",)), 0),
        (Author("u", "helper", roles=("Helpers",)), 1),
        (Author("u", "mod", roles=("Helpers", "Mods")), 2),
        (Author("u", "by id", roles=("111",)), 3),
        (Author("u", "platform admin", is_platform_admin=True), 2),
        (Author("u", "anonymous admin", is_anonymous_admin=True), 2),
        (Author("u", "admin role + platform", roles=("111",), is_platform_admin=True), 3),
        (Author("u", "owner", is_owner=True), 3),
    ],
    ids=lambda value: value.display_name if isinstance(value, Author) else str(value),
)
def test_resolve_command_level(author: Author, level: int) -> None:
    assert resolve_command_level(author, POLICY) == level


DEFAULTS = {
    "notice": 1, "note": 1, "strikes": 1, "case": 1, "status": 1, "report": 0,
    "warn": 2, "mute": 2, "unmute": 2, "pardon": 2, "kick": 2, "ban": 2, "tempban": 2,
    "unban": 2, "evidence": 2, "confirm": 2, "undo": 2, "escalate": 2, "config": 3,
}  # fmt: skip


@pytest.mark.parametrize(("command", "level"), sorted(DEFAULTS.items()))
def test_default_required_levels(command: str, level: int) -> None:
    assert required_level(command, make_policy()) == level


def test_every_command_has_a_default_level() -> None:
    assert {spec.name for spec in COMMAND_SPECS} == set(DEFAULTS)


def test_config_overrides_required_levels() -> None:
    assert required_level("ban", POLICY) == 3
    assert required_level("report", POLICY) == 1
    assert required_level("warn", POLICY) == 2


def test_unknown_command_is_an_error() -> None:
    with pytest.raises(UnknownCommandError, match="'shout'"):
        required_level("shout", POLICY)
