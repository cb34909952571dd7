"""From a ladder step to concrete actions, with explicit fallbacks for missing capabilities."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.actions import (
    Action,
    AlertModerators,
    Ban,
    Capability,
    DeleteMessage,
    Kick,
    MemberRef,
    MessageRef,
    Mute,
    SendNotice,
    Warn,
    action_name,
)
from bot.events import Message
from bot.notices.render import render_notice
from bot.settings.community import CommunityPolicy
from bot.settings.moderation_models import LadderStep
from bot.settings.notice_models import NoticeKind

__all__ = ["ActionPlan", "apply_fallbacks", "build_actions", "plan_for_step", "strongest_action"]

_STEP_NOTICE = {
    "notice": NoticeKind.NOTICE,
    "warn": NoticeKind.NOTICE,
    "mute": NoticeKind.MUTE,
    "kick": NoticeKind.KICK,
    "ban": NoticeKind.BAN,
}
_STRENGTH = ("alert", "notice", "delete", "warn", "mute", "kick", "ban")


@dataclass(frozen=True, slots=True)
class ActionPlan:
    """What should happen, before it is turned into actions.

    ``notice_via_warn``: the notice goes to the member as a warning (no notice capability);
    ``warn_via_notice``: the warning is appended to the channel notice (no warn capability).
    """

    notice_kind: NoticeKind | None = NoticeKind.NOTICE
    delete: bool = False
    warn: bool = False
    mute_for: timedelta | None = None
    kick: bool = False
    ban: bool = False
    ban_for: timedelta | None = None  # None with ban=True: for good
    alerts: tuple[str, ...] = ()
    notice_via_warn: bool = False
    warn_via_notice: bool = False


def plan_for_step(step: LadderStep | None) -> ActionPlan:
    """The plan of a ladder step; below the first step the notice alone."""
    if step is None:
        return ActionPlan()
    return ActionPlan(
        notice_kind=_STEP_NOTICE[step.action],
        delete=step.delete,
        warn=step.action == "warn",
        mute_for=step.duration if step.action == "mute" else None,
        kick=step.action == "kick",
        ban=step.action == "ban",
        ban_for=step.duration if step.action == "ban" else None,
    )


def apply_fallbacks(
    plan: ActionPlan, capabilities: frozenset[Capability]
) -> tuple[ActionPlan, tuple[str, ...]]:
    """Replace what the platform cannot do, in a fixed order; each change is explained."""
    notes: list[str] = []
    if plan.ban and Capability.BAN not in capabilities:
        if Capability.KICK in capabilities:
            plan = replace(plan, ban=False, ban_for=None, kick=True, notice_kind=NoticeKind.KICK)
            notes.append("no ban capability: kick instead")
        else:
            plan = _delete_warn_alert(plan, "could not ban (platform cannot): please act")
            notes.append("no ban or kick capability: delete + warn + alert instead")
    if plan.kick and Capability.KICK not in capabilities:
        plan = _delete_warn_alert(plan, "could not remove (platform cannot): please act")
        notes.append("no kick capability: delete + warn + alert instead")
    if plan.mute_for is not None and Capability.MUTE not in capabilities:
        plan = replace(plan, mute_for=None, delete=True, warn=True, notice_kind=NoticeKind.NOTICE)
        notes.append("no mute capability: delete + warn instead")
    if plan.notice_kind is not None and Capability.NOTICE not in capabilities:
        if Capability.WARN in capabilities:
            plan = replace(plan, notice_via_warn=True)
            notes.append("no notice capability: the notice is sent as a warning")
        else:
            plan = replace(plan, notice_kind=None, alerts=(*plan.alerts, "could not send notice"))
            notes.append("no notice or warn capability: moderators alerted instead")
    if plan.warn and Capability.WARN not in capabilities:
        if Capability.NOTICE in capabilities:
            kind = plan.notice_kind or NoticeKind.NOTICE
            plan = replace(plan, warn=False, warn_via_notice=True, notice_kind=kind)
            notes.append("no warn capability: the warning is added to the notice")
        else:
            plan = replace(plan, warn=False, alerts=(*plan.alerts, "could not warn the member"))
            notes.append("no warn capability: moderators alerted instead")
    if plan.delete and Capability.DELETE not in capabilities:
        alert = "could not delete the message (platform cannot): please delete it"
        plan = replace(plan, delete=False, alerts=(*plan.alerts, alert))
        notes.append("no delete capability: moderators asked to delete")
    if plan.alerts and Capability.ALERT not in capabilities:
        plan = replace(plan, alerts=())
        notes.append("no alert capability: moderators not alerted")
    return plan, tuple(notes)


def _delete_warn_alert(plan: ActionPlan, alert: str) -> ActionPlan:
    return replace(
        plan,
        ban=False,
        ban_for=None,
        kick=False,
        delete=True,
        warn=True,
        notice_kind=NoticeKind.NOTICE,
        alerts=(*plan.alerts, alert),
    )


def build_actions(
    plan: ActionPlan,
    message: Message,
    policy: CommunityPolicy,
    lang: str,
    now: datetime,
    reason: str,
) -> tuple[Action, ...]:
    """Actions in execution order: notice, delete, warn, mute, kick, ban, alert."""
    user = message.author.display_name
    member = MemberRef(message.community, message.author.user_id, user)
    message_ref = message_ref_of(message)
    channel = message.chat.thread_id or message.chat.channel_id
    notice_text = _notice_text(plan, policy, lang, user)
    warn_text = render_notice(policy, lang, NoticeKind.WARN, user=user)
    actions: list[Action] = []
    if plan.notice_kind is not None and not plan.notice_via_warn:
        text = f"{notice_text}\n{warn_text}" if plan.warn_via_notice else notice_text
        actions.append(SendNotice(message_ref, lang, text, policy.charter_url))
    if plan.delete:
        actions.append(DeleteMessage(message_ref, reason))
    if plan.warn or plan.notice_via_warn:
        text = warn_text if plan.warn else notice_text
        actions.append(Warn(member, channel, lang, text))
    if plan.mute_for is not None:
        actions.append(Mute(member, now + plan.mute_for, reason))
    if plan.kick:
        actions.append(Kick(member, reason))
    if plan.ban:
        until = now + plan.ban_for if plan.ban_for is not None else None
        farewell = render_notice(
            policy, lang, NoticeKind.BAN_FAREWELL, user=user, period=plan.ban_for
        )
        actions.append(Ban(member, until, reason, farewell=farewell))
    if plan.alerts:
        text = "\n".join(plan.alerts)
        actions.append(AlertModerators(message.community, text, message=message_ref))
    return tuple(actions)


def _notice_text(plan: ActionPlan, policy: CommunityPolicy, lang: str, user: str) -> str:
    kind = plan.notice_kind or NoticeKind.NOTICE
    if kind is NoticeKind.MUTE and plan.mute_for is not None:
        return render_notice(policy, lang, kind, user=user, duration=plan.mute_for)
    if kind is NoticeKind.BAN:
        return render_notice(policy, lang, kind, user=user, period=plan.ban_for)
    if kind in (NoticeKind.NOTICE, NoticeKind.KICK):
        return render_notice(policy, lang, kind, user=user)
    return render_notice(policy, lang, NoticeKind.NOTICE, user=user)


def message_ref_of(message: Message) -> MessageRef:
    return MessageRef(
        community=message.community,
        channel_id=message.chat.channel_id,
        message_id=message.message_id,
        author_id=message.author.user_id,
        thread_id=message.chat.thread_id,
        link=message.link,
    )


def strongest_action(actions: tuple[Action, ...]) -> str:
    """Name of the strongest action ("ban" > "kick" > "mute" > "warn" > "delete" > "notice" >
    "alert"), or "none"."""
    names = [action_name(action) for action in actions]
    ranked = [name for name in _STRENGTH if name in names]
    return ranked[-1] if ranked else "none"
