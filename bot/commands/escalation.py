"""Escalate a case: apply the ladder step one point above the member's current total."""

from __future__ import annotations

from bot.actions import Action, Ban, Kick, MemberRef, Mute, Warn
from bot.commands.context import CommandContext
from bot.events import CommandReply
from bot.notices import render_notice
from bot.records import CaseRecord, NewCase

__all__ = ["escalate_case"]


async def escalate_case(ctx: CommandContext, case: CaseRecord) -> CommandReply:
    """Add one point to ``case``'s member and carry out the ladder step that reaches."""
    points_now = await ctx.store.active_points(ctx.community, case.user_id, ctx.now)
    step = ctx.policy.step_for(points_now + 1)
    action_name = "warn" if step is None or step.action == "notice" else step.action
    lang = case.lang or ctx.policy.default_language
    member = MemberRef(ctx.community, case.user_id, case.user_name)
    reason = ctx.reason(f"escalated from case #{case.number}")
    until = ctx.now + step.duration if step is not None and step.duration is not None else None
    opened = await ctx.store.open_case(
        NewCase(
            community=ctx.community,
            platform=case.platform,
            user_id=case.user_id,
            user_name=case.user_name,
            action=action_name,
            actor=ctx.actor,
            reason=reason,
            created_at=ctx.now,
            category=case.category,
            lang=case.lang,
            channel_id=case.channel_id,
            message_id=case.message_id,
            points=1,
            points_expire_at=ctx.now + ctx.policy.decay.points_expire_after,
            action_until=until,
        )
    )
    action: Action
    if action_name == "mute" and until is not None:
        action = Mute(member, until, reason, opened.number)
    elif action_name == "kick":
        action = Kick(member, reason, opened.number)
    elif action_name == "ban":
        farewell = render_notice(
            ctx.policy, lang, "ban_farewell", user=case.user_name, case=str(opened.number)
        )
        action = Ban(member, until, reason, farewell=farewell, case_number=opened.number)
    else:
        text = render_notice(ctx.policy, lang, "warn", user=case.user_name)
        action = Warn(member, case.channel_id or "", lang, text, opened.number)
    outcomes = await ctx.executor.carry_out(case.platform, (action,), opened, ctx.actor)
    failed = [outcome.detail for outcome in outcomes if not outcome.ok]
    suffix = f" but: {'; '.join(failed)}" if failed else "."
    return CommandReply(
        ok=not failed,
        text=f"Case #{case.number} escalated: case #{opened.number} ({action_name}){suffix}",
        case_number=opened.number,
        private=False,
    )
