"""Commands that act on a member: notice, warn, mute, unmute, kick, ban, tempban, unban."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.actions import Action, Ban, Kick, Mute, SendNotice, Unban, Unmute, Warn
from bot.commands.context import CommandContext
from bot.events import CommandReply
from bot.notices import render_notice
from bot.records import CaseRecord, NewCase
from bot.settings import DurationError, parse_duration

__all__ = ["SANCTION_HANDLERS"]

DEFAULT_MUTE = timedelta(minutes=10)
MANUAL_POINTS = {"notice": 1, "warn": 1}


async def _language(ctx: CommandContext) -> str:
    """The target's language: of the message acted on, else of their latest case."""
    text = ctx.call.target_message_text
    if text:
        lang = ctx.classifier.classify(text).lang.value
        if lang != "und":
            return lang
    target = ctx.call.target_user
    if target is not None:
        for case in await ctx.store.list_cases(ctx.community, target.user_id, limit=5):
            if case.lang and case.lang != "und":
                return case.lang
    return str(ctx.policy.default_language)


async def _open_manual_case(
    ctx: CommandContext, action: str, reason: str, until: datetime | None = None
) -> CaseRecord:
    target = ctx.call.target_user
    assert target is not None
    points = MANUAL_POINTS.get(action, 0)
    return await ctx.store.open_case(
        NewCase(
            community=ctx.community,
            platform=ctx.call.chat.platform,
            user_id=target.user_id,
            user_name=target.display_name,
            action=action,
            actor=ctx.actor,
            reason=reason,
            created_at=ctx.now,
            channel_id=ctx.call.chat.channel_id,
            message_id=ctx.call.target_message_id,
            message_text=ctx.call.target_message_text,
            points=points,
            points_expire_at=ctx.now + ctx.policy.decay.points_expire_after if points else None,
            action_until=until,
        )
    )


async def _run(ctx: CommandContext, case: CaseRecord, actions: tuple[Action, ...]) -> CommandReply:
    outcomes = await ctx.executor.carry_out(ctx.call.chat.platform, actions, case, ctx.actor)
    failed = [outcome.detail for outcome in outcomes if not outcome.ok]
    who = case.user_name or case.user_id
    if failed:
        return CommandReply(
            ok=False,
            text=f"Case #{case.number} ({case.action}, {who}) recorded, but: {'; '.join(failed)}",
            case_number=case.number,
        )
    return CommandReply(
        ok=True, text=f"Case #{case.number}: {case.action} - {who}.", case_number=case.number
    )


async def notice(ctx: CommandContext) -> CommandReply:
    message = ctx.target_message()
    if message is None:
        return CommandReply(ok=False, text="/notice needs a message (reply to it).")
    lang = await _language(ctx)
    case = await _open_manual_case(ctx, "notice", ctx.reason("pasici.be notice by a moderator"))
    text = render_notice(ctx.policy, lang, "notice", user=case.user_name)
    action = SendNotice(message, lang, text, str(ctx.policy.charter_url), case.number)
    return await _run(ctx, case, (action,))


async def warn(ctx: CommandContext) -> CommandReply:
    lang = await _language(ctx)
    reason = ctx.reason("warned by a moderator")
    case = await _open_manual_case(ctx, "warn", reason)
    text = render_notice(ctx.policy, lang, "warn", user=case.user_name)
    action = Warn(ctx.target_member(), ctx.call.chat.channel_id, lang, text, case.number)
    return await _run(ctx, case, (action,))


def _duration(ctx: CommandContext, default: timedelta | None) -> timedelta | None:
    """The duration option (None = forever); raises DurationError for bad input."""
    raw = ctx.option("duration")
    if raw is None:
        return default
    return parse_duration(raw)


async def mute(ctx: CommandContext) -> CommandReply:
    try:
        duration = _duration(ctx, DEFAULT_MUTE)
    except DurationError as error:
        return CommandReply(ok=False, text=str(error))
    if duration is None:
        return CommandReply(ok=False, text="A mute needs an end; use /ban to remove for good.")
    until = ctx.now + duration
    reason = ctx.reason("muted by a moderator")
    case = await _open_manual_case(ctx, "mute", reason, until)
    return await _run(ctx, case, (Mute(ctx.target_member(), until, reason, case.number),))


async def unmute(ctx: CommandContext) -> CommandReply:
    reason = ctx.reason("unmuted by a moderator")
    case = await _open_manual_case(ctx, "unmute", reason)
    return await _run(ctx, case, (Unmute(ctx.target_member(), reason),))


async def kick(ctx: CommandContext) -> CommandReply:
    reason = ctx.reason("kicked by a moderator")
    case = await _open_manual_case(ctx, "kick", reason)
    return await _run(ctx, case, (Kick(ctx.target_member(), reason, case.number),))


async def _ban(ctx: CommandContext, duration: timedelta | None) -> CommandReply:
    until = None if duration is None else ctx.now + duration
    reason = ctx.reason("banned by a moderator")
    case = await _open_manual_case(ctx, "ban", reason, until)
    farewell = render_notice(
        ctx.policy, await _language(ctx), "ban_farewell", user=case.user_name, case=str(case.number)
    )
    action = Ban(ctx.target_member(), until, reason, farewell=farewell, case_number=case.number)
    return await _run(ctx, case, (action,))


async def ban(ctx: CommandContext) -> CommandReply:
    try:
        duration = _duration(ctx, None)
    except DurationError as error:
        return CommandReply(ok=False, text=str(error))
    return await _ban(ctx, duration)


async def tempban(ctx: CommandContext) -> CommandReply:
    try:
        duration = _duration(ctx, None)
    except DurationError as error:
        return CommandReply(ok=False, text=str(error))
    if duration is None:
        return CommandReply(ok=False, text="/tempban needs a duration such as 7d.")
    return await _ban(ctx, duration)


async def unban(ctx: CommandContext) -> CommandReply:
    reason = ctx.reason("unbanned by a moderator")
    case = await _open_manual_case(ctx, "unban", reason)
    return await _run(ctx, case, (Unban(ctx.target_member(), reason),))


SANCTION_HANDLERS = {
    "notice": notice,
    "warn": warn,
    "mute": mute,
    "unmute": unmute,
    "kick": kick,
    "ban": ban,
    "tempban": tempban,
    "unban": unban,
}
