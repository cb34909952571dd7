"""Commands about records: pardon, strikes, case, note, evidence, confirm, undo, escalate,
report, config and status."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.actions import Action, AlertModerators, MemberRef, Unban, Unmute
from bot.commands.context import CommandContext
from bot.commands.escalation import escalate_case
from bot.commands.specs import Level
from bot.events import CommandReply
from bot.pipeline.modlog import case_summary
from bot.records import CaseRecord, CaseStatus, NewCase

__all__ = ["CASE_HANDLERS"]


def _case_number(ctx: CommandContext) -> int | None:
    raw = ctx.option("case")
    if raw is None or not raw.lstrip("#").isdigit():
        return None
    return int(raw.lstrip("#"))


async def _load_case(ctx: CommandContext) -> CaseRecord | CommandReply:
    number = _case_number(ctx)
    if number is None:
        return CommandReply(ok=False, text="Give a case number, e.g. 12.")
    case = await ctx.store.get_case(ctx.community, number)
    if case is None:
        return CommandReply(ok=False, text=f"There is no case #{number} in this community.")
    return case


async def pardon(ctx: CommandContext) -> CommandReply:
    member = ctx.target_member()
    raw = ctx.option("points")
    points = int(raw) if raw and raw.isdigit() else None
    removed = await ctx.store.pardon(ctx.community, member.user_id, ctx.actor, ctx.now, points)
    left = await ctx.store.active_points(ctx.community, member.user_id, ctx.now)
    return CommandReply(
        ok=True, text=f"Removed {removed} point(s) from {member.display_name}; {left} left."
    )


async def strikes(ctx: CommandContext) -> CommandReply:
    member = ctx.target_member()
    points = await ctx.store.active_points(ctx.community, member.user_id, ctx.now)
    cases = await ctx.store.list_cases(ctx.community, member.user_id, limit=10)
    notes = await ctx.store.list_notes(ctx.community, member.user_id)
    sanction = await ctx.store.get_sanction(ctx.community, member.user_id)
    lines = [f"{member.display_name}: {points} active point(s)."]
    if sanction.is_banned(ctx.now):
        lines.append("Banned " + ("for good." if sanction.banned_forever else "for now."))
    elif sanction.is_muted(ctx.now) and sanction.muted_until is not None:
        lines.append(f"Muted until {sanction.muted_until:%Y-%m-%d %H:%M} UTC.")
    for case in cases:
        category = f" [{case.category}]" if case.category else ""
        lines.append(
            f"#{case.number} {case.created_at:%Y-%m-%d} {case.action}{category} "
            f"({case.status.value}) - {case.reason}"
        )
    for note in notes[-5:]:
        lines.append(f"note by {note.author} {note.created_at:%Y-%m-%d}: {note.text}")
    if not cases and not notes:
        lines.append("No cases and no notes.")
    return CommandReply(ok=True, text="\n".join(lines))


async def case(ctx: CommandContext) -> CommandReply:
    loaded = await _load_case(ctx)
    if isinstance(loaded, CommandReply):
        return loaded
    new_reason = ctx.option("reason")
    if new_reason is None:
        return CommandReply(ok=True, text=case_summary(loaded), case_number=loaded.number)
    if ctx.invoker_level < Level.MODERATOR:
        return CommandReply(ok=False, text="Editing a case's reason needs the moderator level.")
    updated = await ctx.store.update_case_reason(
        ctx.community, loaded.number, new_reason, ctx.actor, ctx.now
    )
    assert updated is not None
    return CommandReply(ok=True, text=f"Case #{updated.number} reason set: {updated.reason}")


async def note(ctx: CommandContext) -> CommandReply:
    member = ctx.target_member()
    text = ctx.option("text") or ""
    saved = await ctx.store.add_note(ctx.community, member.user_id, ctx.actor, text, ctx.now)
    return CommandReply(ok=True, text=f"Note saved about {member.display_name} (#{saved.id}).")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "value"):
        return value.value
    return value


async def evidence(ctx: CommandContext) -> CommandReply:
    loaded = await _load_case(ctx)
    if isinstance(loaded, CommandReply):
        return loaded
    notes = await ctx.store.list_notes(ctx.community, loaded.user_id)
    audit = [
        entry
        for entry in await ctx.store.list_audit(ctx.community, limit=1000)
        if entry.case_number == loaded.number
    ]
    body = {
        "case": _jsonable(asdict(loaded)),
        "notes": [_jsonable(asdict(n)) for n in notes if n.case_number in (None, loaded.number)],
        "audit": [_jsonable(asdict(entry)) for entry in audit],
        "exported_by": ctx.actor,
        "exported_at": ctx.now.isoformat(),
    }
    payload = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()
    digest = hashlib.sha256(payload).hexdigest()
    bundle = json.dumps(
        {"sha256_of_content": digest, "content": body}, ensure_ascii=False, indent=2, sort_keys=True
    ).encode()
    await ctx.store.set_legal_hold(ctx.community, loaded.number, True, ctx.actor, ctx.now)
    return CommandReply(
        ok=True,
        text=f"Evidence bundle of case #{loaded.number} (sha256 {digest[:16]}...); "
        "the case is now under legal hold and kept past the retention period.",
        case_number=loaded.number,
        attachment_name=f"pasici-case-{ctx.community}-{loaded.number}.json",
        attachment_bytes=bundle,
    )


async def confirm(ctx: CommandContext) -> CommandReply:
    loaded = await _load_case(ctx)
    if isinstance(loaded, CommandReply):
        return loaded
    await ctx.store.set_case_status(
        ctx.community, loaded.number, CaseStatus.CONFIRMED, ctx.actor, ctx.now
    )
    return CommandReply(ok=True, text=f"Case #{loaded.number} confirmed.", private=False)


async def undo(ctx: CommandContext) -> CommandReply:
    loaded = await _load_case(ctx)
    if isinstance(loaded, CommandReply):
        return loaded
    if loaded.status is CaseStatus.UNDONE:
        return CommandReply(ok=False, text=f"Case #{loaded.number} was already undone.")
    await ctx.store.set_case_status(
        ctx.community, loaded.number, CaseStatus.UNDONE, ctx.actor, ctx.now
    )
    removed = await ctx.store.pardon_case(ctx.community, loaded.number, ctx.actor, ctx.now)
    member = MemberRef(ctx.community, loaded.user_id, loaded.user_name)
    reason = ctx.reason(f"case #{loaded.number} undone (false positive)")
    lifts: list[Action] = []
    sanction = await ctx.store.get_sanction(ctx.community, loaded.user_id)
    if loaded.action == "mute" and sanction.is_muted(ctx.now):
        lifts.append(Unmute(member, reason))
    if loaded.action == "ban" and sanction.is_banned(ctx.now):
        lifts.append(Unban(member, reason))
    if lifts and not loaded.shadow:
        await ctx.executor.carry_out(loaded.platform, tuple(lifts), loaded, ctx.actor)
    lifted = f", {', '.join(a.__class__.__name__.lower() for a in lifts)}" if lifts else ""
    return CommandReply(
        ok=True,
        text=f"Case #{loaded.number} undone: marked a false positive{lifted}, "
        f"{removed} point(s) removed.",
        private=False,
    )


async def escalate(ctx: CommandContext) -> CommandReply:
    loaded = await _load_case(ctx)
    if isinstance(loaded, CommandReply):
        return loaded
    return await escalate_case(ctx, loaded)


async def report(ctx: CommandContext) -> CommandReply:
    target = ctx.call.target_user
    if target is None or ctx.call.target_message_id is None:
        return CommandReply(ok=False, text="Reply to the message you want to report.")
    opened = await ctx.store.open_case(
        NewCase(
            community=ctx.community,
            platform=ctx.call.chat.platform,
            user_id=target.user_id,
            user_name=target.display_name,
            action="report",
            actor=ctx.actor,
            reason=ctx.reason("reported by a member"),
            created_at=ctx.now,
            channel_id=ctx.call.chat.channel_id,
            message_id=ctx.call.target_message_id,
            message_text=ctx.call.target_message_text,
            status=CaseStatus.REVIEW,
        )
    )
    alert = AlertModerators(
        community=ctx.community,
        text=f"Reported by {ctx.call.invoker.display_name}\n{case_summary(opened)}",
        review=True,
        case_number=opened.number,
        message=ctx.target_message(),
        case=opened,
    )
    await ctx.executor.carry_out(ctx.call.chat.platform, (alert,), opened, ctx.actor)
    return CommandReply(ok=True, text="Thank you: the moderators will look at it.")


async def config(ctx: CommandContext) -> CommandReply:
    if ctx.config is None:
        return CommandReply(ok=False, text="Config commands are not available here.")
    if ctx.option("action") == "check":
        errors = list(await ctx.config.check())
        if errors:
            return CommandReply(ok=False, text="Config errors:\n" + "\n".join(errors[:20]))
        return CommandReply(ok=True, text="The config files on disk are valid.")
    return CommandReply(ok=True, text=await ctx.config.reload())


async def status(ctx: CommandContext) -> CommandReply:
    return CommandReply(ok=True, text="\n".join(ctx.status_lines()))


CASE_HANDLERS = {
    "pardon": pardon,
    "strikes": strikes,
    "case": case,
    "note": note,
    "evidence": evidence,
    "confirm": confirm,
    "undo": undo,
    "escalate": escalate,
    "report": report,
    "config": config,
    "status": status,
}
