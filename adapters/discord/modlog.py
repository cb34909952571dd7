"""Mod-log entries: an embed per case with confirm / undo / escalate buttons.

Button clicks arrive as component interactions whose ``custom_id`` is ``pasici:<command>:<case>``
(see translate.parse_button_custom_id); the adapter turns them into CommandCalls.
"""

from __future__ import annotations

import discord

from adapters.discord.translate import button_custom_id
from bot.actions import AlertModerators
from bot.records import CaseRecord

__all__ = ["MODLOG_BUTTONS", "build_modlog_embed", "build_modlog_view", "spans_text"]

MODLOG_BUTTONS: tuple[tuple[str, str, discord.ButtonStyle], ...] = (
    ("confirm", "Confirm", discord.ButtonStyle.success),
    ("undo", "Undo (false positive)", discord.ButtonStyle.secondary),
    ("escalate", "Escalate", discord.ButtonStyle.danger),
)
_FIELD_LIMIT = 1024
_REVIEW_COLOUR = discord.Colour.gold()
_CASE_COLOUR = discord.Colour.red()
_INFO_COLOUR = discord.Colour.blurple()


def _clip(text: str, limit: int = _FIELD_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def spans_text(case: CaseRecord) -> str:
    """The matched spans as quoted excerpts with their labels, e.g. ``"idiot" (insult)``."""
    source = case.message_text or ""
    shown = []
    for start, end, label in case.spans:
        excerpt = source[start:end] if 0 <= start < end <= len(source) else f"{start}-{end}"
        shown.append(f'"{excerpt}" ({label})')
    return ", ".join(shown)


def build_modlog_embed(alert: AlertModerators) -> discord.Embed:
    """Who, what, why, spans, score, language and a link to the message."""
    case = alert.case
    number = alert.case_number if alert.case_number is not None else (case and case.number)
    title = "Review needed" if alert.review else "Moderation case"
    if number:
        title = f"{title} #{number}"
    colour = _REVIEW_COLOUR if alert.review else (_CASE_COLOUR if case else _INFO_COLOUR)
    embed = discord.Embed(title=title, description=_clip(alert.text, 4000), colour=colour)
    link = alert.message.link if alert.message else ""
    if case is not None:
        embed.add_field(name="Who", value=f"<@{case.user_id}> ({case.user_name})", inline=True)
        embed.add_field(name="Action", value=f"{case.action} ({case.status})", inline=True)
        if case.category:
            embed.add_field(name="Category", value=case.category, inline=True)
        if case.message_text:
            embed.add_field(name="What", value=_clip(case.message_text), inline=False)
        why = "; ".join((case.reason, *case.reasons)) if case.reasons else case.reason
        if why:
            embed.add_field(name="Why", value=_clip(why), inline=False)
        if case.spans:
            embed.add_field(name="Matched", value=_clip(spans_text(case)), inline=False)
        if case.score is not None:
            embed.add_field(name="Score", value=f"{case.score:.2f}", inline=True)
        if case.lang:
            embed.add_field(name="Language", value=case.lang, inline=True)
        link = link or case.message_link
    elif alert.message is not None:
        embed.add_field(name="Who", value=f"<@{alert.message.author_id}>", inline=True)
    if link:
        embed.add_field(name="Message", value=link, inline=False)
    return embed


def build_modlog_view(case_number: int | None) -> discord.ui.View | None:
    """Confirm / undo / escalate buttons for a case (None when there is no case to act on)."""
    if case_number is None:
        return None
    view = discord.ui.View(timeout=None)
    for command, label, style in MODLOG_BUTTONS:
        view.add_item(
            discord.ui.Button(
                label=label, style=style, custom_id=button_custom_id(command, case_number)
            )
        )
    return view
