"""Who may run which command on whom: checked on every call, pure and table-tested."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.specs import CommandSpec, Level, Target
from bot.events import Author

__all__ = ["AuthorityCheck", "refusal_reason"]

# Commands aimed at a member that only read or annotate: no hierarchy check needed.
_NON_SANCTION = frozenset({"strikes", "note", "report"})


@dataclass(frozen=True, slots=True)
class AuthorityCheck:
    """The facts needed to authorise one call (levels come from config + platform rights)."""

    spec: CommandSpec
    invoker: Author
    invoker_level: int
    required_level: int
    target: Author | None = None
    target_level: int = 0
    bot_user_id: str | None = None


def refusal_reason(check: AuthorityCheck) -> str | None:
    """None when the call is allowed, else a sentence telling the invoker why not."""
    name = check.spec.name
    if check.invoker_level < check.required_level:
        needed = Level(min(check.required_level, Level.ADMIN)).name.lower()
        return f"/{name} needs the {needed} level; you do not have it here."
    if check.spec.target is Target.NONE or name in _NON_SANCTION:
        return None
    target = check.target
    if target is None:
        return f"/{name} needs a member or a message to act on."
    if target.user_id == check.invoker.user_id:
        return f"You cannot use /{name} on yourself."
    if check.bot_user_id is not None and target.user_id == check.bot_user_id:
        return f"You cannot use /{name} on the bot itself."
    if target.is_owner:
        return f"You cannot use /{name} on the owner of this community."
    if check.invoker.is_owner:
        return None
    if target.is_anonymous_admin:
        return f"You cannot use /{name} on an anonymous administrator."
    if check.target_level >= check.invoker_level and check.target_level > Level.MEMBER:
        return f"You cannot use /{name} on someone with the same or a higher moderator level."
    outranked = (
        check.invoker.top_role_position > 0
        and target.top_role_position >= check.invoker.top_role_position
    )
    if outranked:
        return f"You cannot use /{name} on someone whose top role is equal to or above yours."
    return None
