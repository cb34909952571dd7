"""Permission levels: who may run which command in a community."""

from __future__ import annotations

from bot.commands.specs import Level, spec_for
from bot.events import Author
from bot.settings.community import CommunityPolicy

__all__ = ["UnknownCommandError", "required_level", "resolve_command_level"]


class UnknownCommandError(ValueError):
    """A level was asked for a command that does not exist."""


def resolve_command_level(author: Author, policy: CommunityPolicy) -> int:
    """The author's level: the highest of their roles in ``moderators.roles``; platform
    administrators are at least moderators (2); the owner is admin (3)."""
    level = max((policy.moderators.roles.get(role, 0) for role in author.roles), default=0)
    if author.is_platform_admin or author.is_anonymous_admin:
        level = max(level, int(Level.MODERATOR))
    if author.is_owner:
        level = int(Level.ADMIN)
    return level


def required_level(command_name: str, policy: CommunityPolicy) -> int:
    """Minimum level for ``command_name``: the community's ``moderators.commands`` entry, else
    the command's default (notice/note/strikes/case/status 1, report 0, config 3, others 2)."""
    configured = policy.moderators.commands.get(command_name)
    if configured is not None:
        return configured
    spec = spec_for(command_name)
    if spec is None:
        raise UnknownCommandError(f"unknown command {command_name!r}")
    return int(spec.level)
