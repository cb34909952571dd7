"""The pure ``decide`` stage: a judged message + the author's history + the community policy
-> what to do. No I/O, no clock: ``now`` is given.

Order of reasoning: exemptions and overrides; the worst category at or above its threshold (or
the review band); points and the ladder step; what is already in force (ban, longer mute);
capability fallbacks; dry run.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.actions import AlertModerators, Capability, DeleteMessage
from bot.decisions import Decision, MemberHistory
from bot.events import Message
from bot.notices.render import notice_language
from bot.pipeline.ladder import (
    apply_fallbacks,
    build_actions,
    message_ref_of,
    plan_for_step,
    strongest_action,
)
from bot.pipeline.levels import UnknownCommandError, required_level, resolve_command_level
from bot.pipeline.rules import MessageRules, resolve_rules
from bot.settings.community import CommunityPolicy
from bot.settings.notice_models import NoticeKind
from bot.verdicts import Category, Classification

__all__ = [
    "UnknownCommandError",
    "decide",
    "required_level",
    "resolve_command_level",
]

# Tie-break between categories with the same points: the more serious one wins.
_SEVERITY = (Category.THREAT, Category.HATE, Category.SEXUAL, Category.INSULT, Category.TROLLING)


def decide(
    message: Message,
    classification: Classification,
    history: MemberHistory,
    policy: CommunityPolicy,
    capabilities: frozenset[Capability],
    now: datetime,
) -> Decision:
    """What to do about ``message``; see the module docstring for the order of reasoning."""
    lang = notice_language(classification.lang, policy)
    rules = resolve_rules(message, policy, classification.lang.value)
    if rules.exempt_reason:
        return Decision(
            open_case=False, reason=rules.exempt_reason, exempt_reason=rules.exempt_reason
        )
    hit = _worst_hit(classification, rules, policy)
    if hit is None:
        return _review_or_allow(message, classification, rules, policy, capabilities)
    category, score = hit
    threshold = rules.thresholds.of(category)
    why = [f"{category.value} {score:.2f} >= threshold {threshold:.2f}"]
    if history.sanction.is_banned(now):
        return _already_banned(message, category, score, rules, capabilities, why)

    points = policy.points.of(category)
    total = history.active_points + points
    step = policy.step_for(total)
    why.append(f"points {history.active_points} + {points} = {total}")
    why.append(f"step at {step.at_points}: {step.action}" if step else "below the first step")
    plan = plan_for_step(step)
    evidence = category in policy.evidence_categories
    if evidence:
        plan = replace(plan, alerts=(*plan.alerts, _evidence_alert(message, category, score)))
        why.append("evidence category: moderators alerted")
    muted_until = history.sanction.muted_until
    if plan.mute_for is not None and muted_until is not None and muted_until >= now + plan.mute_for:
        # Never shorten a longer mute already in force.
        plan = replace(plan, mute_for=None, notice_kind=NoticeKind.NOTICE)
        why.append(f"already muted until {muted_until:%Y-%m-%d %H:%M}: longer mute kept")
    plan, notes = apply_fallbacks(plan, capabilities)
    why.extend(notes)
    if rules.dry_run:
        why.append("dry run: recorded, not carried out")
    reason = "; ".join(why)
    actions = build_actions(plan, message, policy, lang, now, reason)
    expire_after = policy.decay.points_expire_after
    return Decision(
        open_case=True,
        category=category.value,
        score=score,
        points=points,
        points_expire_at=now + expire_after if points else None,
        actions=actions,
        top_action=strongest_action(actions),
        reason=reason,
        evidence=evidence,
        shadow=rules.dry_run,
    )


def _worst_hit(
    classification: Classification, rules: MessageRules, policy: CommunityPolicy
) -> tuple[Category, float] | None:
    """The category at/above its threshold with the most points (then score, then severity)."""
    hits = [
        (item.category, item.score)
        for item in classification.scores
        if item.category not in rules.disabled
        and item.score >= rules.thresholds.of(item.category)
        and policy.detection.model_only.allows(item)
    ]
    if not hits:
        return None
    return max(
        hits,
        key=lambda hit: (policy.points.of(hit[0]), hit[1], -_SEVERITY.index(hit[0])),
    )


def _review_or_allow(
    message: Message,
    classification: Classification,
    rules: MessageRules,
    policy: CommunityPolicy,
    capabilities: frozenset[Capability],
) -> Decision:
    in_band = []
    model_only = False
    for item in classification.scores:
        if item.category in rules.disabled:
            continue
        if item.score >= rules.thresholds.of(item.category):  # over, but model-only: review
            in_band.append((item.score, -_SEVERITY.index(item.category), item.category))
            continue
        low = policy.detection.review_low.of(item.category)
        if low is not None and low <= item.score:
            in_band.append((item.score, -_SEVERITY.index(item.category), item.category))
    if not in_band:
        return Decision.allow()
    score, _, category = max(in_band)
    threshold = rules.thresholds.of(category)
    if score >= threshold:
        model_only = True
        discounted = classification.score_of(category).suppressed
        evidence = (
            f"its words were found but judged not abusive ({', '.join(discounted)})"
            if discounted
            else "without rule evidence"
        )
        reason = (
            f"model-only verdict: {category.value} {score:.2f} >= threshold {threshold:.2f} "
            f"{evidence}; a moderator decides"
        )
    else:
        reason = f"review band: {category.value} {score:.2f} < threshold {threshold:.2f}"
    actions: tuple[AlertModerators, ...] = ()
    if Capability.ALERT in capabilities:
        text = (
            f"Please review: possible {category.value} ({score:.2f}, acting at "
            f"{threshold:.2f}{', model only' if model_only else ''}) by "
            f"{message.author.display_name}. Nothing was done."
        )
        actions = (
            AlertModerators(message.community, text, review=True, message=message_ref_of(message)),
        )
    else:
        reason += "; no alert capability: review case recorded only"
    if rules.dry_run:
        reason += "; dry run: recorded, not carried out"
    return Decision(
        open_case=True,
        category=category.value,
        score=score,
        actions=actions,
        top_action="review",
        reason=reason,
        review=True,
        shadow=rules.dry_run,
    )


def _already_banned(
    message: Message,
    category: Category,
    score: float,
    rules: MessageRules,
    capabilities: frozenset[Capability],
    why: list[str],
) -> Decision:
    """A banned member's message (posted before the ban took, or a temp-ban race): delete it."""
    why.append("already banned: message removed only")
    ref = message_ref_of(message)
    if Capability.DELETE in capabilities:
        actions: tuple[DeleteMessage | AlertModerators, ...] = (DeleteMessage(ref, why[0]),)
    elif Capability.ALERT in capabilities:
        why.append("no delete capability: moderators asked to delete")
        text = "A banned member's message could not be deleted: please delete it."
        actions = (AlertModerators(message.community, text, message=ref),)
    else:
        actions = ()
    if rules.dry_run:
        why.append("dry run: recorded, not carried out")
    return Decision(
        open_case=True,
        category=category.value,
        score=score,
        actions=actions,
        top_action=strongest_action(actions),
        reason="; ".join(why),
        shadow=rules.dry_run,
    )


def _evidence_alert(message: Message, category: Category, score: float) -> str:
    return (
        f"Evidence case: possible {category.value} ({score:.2f}) by "
        f"{message.author.display_name} (id {message.author.user_id}). Keep the evidence; "
        "consider reporting it."
    )
