"""Exemptions and overrides, resolved in one place into the rules for one message."""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import Message
from bot.pipeline.levels import resolve_command_level
from bot.settings.community import CommunityPolicy
from bot.settings.detection_models import CategoryThresholds
from bot.settings.moderation_models import Condition
from bot.verdicts import Category

__all__ = ["MessageRules", "condition_matches", "resolve_rules"]


@dataclass(frozen=True, slots=True)
class MessageRules:
    """What applies to one message once exemptions and overrides are resolved."""

    exempt_reason: str
    dry_run: bool
    thresholds: CategoryThresholds
    disabled: frozenset[Category]
    applied_overrides: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Facts:
    channels: frozenset[str]
    roles: frozenset[str]
    user_id: str
    level: int


def resolve_rules(message: Message, policy: CommunityPolicy, lang: str) -> MessageRules:
    """Exemptions first, then every matching override in file order (later ones win)."""
    facts = _facts_of(message, policy)
    thresholds = policy.detection.thresholds_for(lang)
    exempt = _exemption(facts, policy)
    if exempt:
        return MessageRules(exempt, policy.dry_run, thresholds, frozenset())
    dry_run = policy.dry_run
    disabled: set[Category] = set()
    applied: list[int] = []
    for index, override in enumerate(policy.overrides):
        if not condition_matches(override.when, facts):
            continue
        applied.append(index)
        change = override.set
        if change.exempt:
            return MessageRules(
                f"exempt by overrides[{index}]", dry_run, thresholds, frozenset(), tuple(applied)
            )
        if change.dry_run is not None:
            dry_run = change.dry_run
        if change.thresholds is not None:
            thresholds = change.thresholds.applied_to(thresholds)
        disabled.update(change.disabled_categories)
    return MessageRules("", dry_run, thresholds, frozenset(disabled), tuple(applied))


def condition_matches(condition: Condition, facts: _Facts) -> bool:
    """Every criterion given must hold; ``roles`` and ``channels`` match any listed value."""
    checks: list[bool] = []
    if condition.channels:
        checks.append(not facts.channels.isdisjoint(condition.channels))
    if condition.roles:
        checks.append(not facts.roles.isdisjoint(condition.roles))
    if condition.users:
        checks.append(facts.user_id in condition.users)
    if condition.min_level is not None:
        checks.append(facts.level >= condition.min_level)
    if condition.any:
        checks.append(any(condition_matches(item, facts) for item in condition.any))
    if condition.all:
        checks.append(all(condition_matches(item, facts) for item in condition.all))
    if condition.not_ is not None:
        checks.append(not condition_matches(condition.not_, facts))
    return all(checks)


def _facts_of(message: Message, policy: CommunityPolicy) -> _Facts:
    # A thread counts as its own channel and as its parent, so exempting a channel covers it.
    channels = {message.chat.channel_id}
    if message.chat.thread_id:
        channels.add(message.chat.thread_id)
    return _Facts(
        channels=frozenset(channels),
        roles=frozenset(message.author.roles),
        user_id=message.author.user_id,
        level=resolve_command_level(message.author, policy),
    )


def _exemption(facts: _Facts, policy: CommunityPolicy) -> str:
    exemptions = policy.exemptions
    channel = sorted(facts.channels.intersection(exemptions.channels))
    if channel:
        return f"channel {channel[0]} is exempt"
    role = sorted(facts.roles.intersection(exemptions.roles))
    if role:
        return f"role {role[0]} is exempt"
    if facts.user_id in exemptions.users:
        return f"user {facts.user_id} is exempt"
    if exemptions.min_level is not None and facts.level >= exemptions.min_level:
        return f"moderator level {facts.level} is exempt (min_level {exemptions.min_level})"
    return ""
