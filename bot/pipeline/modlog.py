"""Readable mod-log text for a case (adapters may render richer embeds from the same case)."""

from __future__ import annotations

from bot.records import BOT_ACTOR, CaseRecord

__all__ = ["case_summary"]

MAX_QUOTE_CHARS = 300
MAX_WHY_CHARS = 600


def case_summary(case: CaseRecord) -> str:
    """One short paragraph: who, what, why, evidence, score, language, link.

    "Why" is the policy's reason followed by the detector's reasons (``image:nudity=0.93 ...``,
    ``rule:...``), as the Discord embed shows them: Telegram and the console only get this text.
    """
    who = f"{case.user_name or case.user_id} ({case.user_id})"
    by = "the bot" if case.actor == BOT_ACTOR else f"moderator {case.actor}"
    lines = [f"Case #{case.number} - {case.action} - {who} - by {by}"]
    if case.shadow:
        lines[0] += " - DRY RUN (nothing was done)"
    if case.category:
        score = f" {case.score:.2f}" if case.score is not None else ""
        lines.append(f"Category: {case.category}{score} - language: {case.lang or '?'}")
    why = "; ".join(item for item in (case.reason, *case.reasons) if item)
    if why:
        if len(why) > MAX_WHY_CHARS:
            why = why[: MAX_WHY_CHARS - 3] + "..."
        lines.append(f"Why: {why}")
    if case.spans:
        lines.append("Matched: " + ", ".join(repr(text) for _, _, text in case.spans[:5]))
    if case.message_text:
        quote = case.message_text[:MAX_QUOTE_CHARS]
        if len(case.message_text) > MAX_QUOTE_CHARS:
            quote += "..."
        lines.append(f"Message: {quote!r}")
    if case.points:
        lines.append(f"Points: +{case.points}")
    if case.evidence:
        lines.append("Evidence case: kept for a possible complaint.")
    if case.message_link:
        lines.append(f"Link: {case.message_link}")
    return "\n".join(lines)
