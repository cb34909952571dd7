"""Render a community's notice texts in the author's language."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import timedelta

from bot.actions import Action, AlertModerators, Ban, Kick, Mute, SendNotice, Warn
from bot.notices.durations import duration_words, period_words
from bot.notices.texts import BUILT_IN_TEXTS, LANGUAGES
from bot.settings.community import CommunityPolicy
from bot.settings.notice_models import NOTICE_PLACEHOLDERS, NoticeKind

__all__ = [
    "CASE_PLACEHOLDER",
    "NoticeFieldError",
    "fill_case_number",
    "notice_language",
    "render_notice",
]

CASE_PLACEHOLDER = "{case}"
"""Left in texts rendered before the case exists; :func:`fill_case_number` replaces it."""

_MAX_NAME_CHARS = 64


class NoticeFieldError(ValueError):
    """A notice was rendered with a field its kind does not have, or without one it needs."""


def notice_language(lang: object, policy: CommunityPolicy) -> str:
    """``lang`` when it is one of nl/fr/en/de, else the community's default language."""
    value = str(lang) if lang is not None else ""
    return value if value in LANGUAGES else policy.default_language


def render_notice(
    policy: CommunityPolicy, lang: object, kind: NoticeKind | str, **fields: object
) -> str:
    """The text of ``kind`` in ``lang`` (fallback: the community default), with the community's
    wording override when it has one.

    ``charter_url`` and ``community`` come from the policy; ``user`` is the member's name;
    ``duration`` (mute) and ``period`` (ban; None = for good) take a timedelta; ``case`` the case
    number (left as ``{case}`` when not given); ``appeal`` defaults to the appeal text.
    """
    try:
        kind = NoticeKind(kind)
    except ValueError:
        raise NoticeFieldError(f"unknown notice kind {kind!r}") from None
    language = notice_language(lang, policy)
    allowed = NOTICE_PLACEHOLDERS[kind]
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise NoticeFieldError(f"{kind.value} has no field(s) {', '.join(unknown)}")
    values: dict[str, str] = {
        "charter_url": policy.charter_url,
        "community": policy.display_name,
        "case": CASE_PLACEHOLDER,
    }
    for name, value in fields.items():
        values[name] = _field_text(name, value, language)
    if "period" in allowed and "period" not in fields:
        values["period"] = period_words(None, language)
    if kind is NoticeKind.BAN_FAREWELL and "appeal" not in fields:
        values["appeal"] = render_notice(policy, language, NoticeKind.APPEAL, case=values["case"])
    template = _template(policy, language, kind)
    try:
        return template.format_map(values)
    except KeyError as error:
        raise NoticeFieldError(f"{kind.value} text needs the field {error.args[0]}") from None


def fill_case_number(action: Action, number: int) -> Action:
    """Stamp ``number`` on ``action`` and put it in place of ``{case}`` in its texts."""
    digits = str(number)
    if isinstance(action, SendNotice | Warn | AlertModerators):
        text = action.text.replace(CASE_PLACEHOLDER, digits)
        return replace(action, text=text, case_number=number)
    if isinstance(action, Ban):
        farewell = action.farewell.replace(CASE_PLACEHOLDER, digits)
        return replace(action, farewell=farewell, case_number=number)
    if isinstance(action, Mute | Kick):
        return replace(action, case_number=number)
    return action


def _template(policy: CommunityPolicy, language: str, kind: NoticeKind) -> str:
    wording = policy.notices.wording.get(language)  # type: ignore[call-overload]
    override = wording.template(kind) if wording is not None else None
    return override if override is not None else BUILT_IN_TEXTS[language][kind]


def _field_text(name: str, value: object, language: str) -> str:
    if name == "duration":
        if not isinstance(value, timedelta):
            raise NoticeFieldError("duration must be a timedelta")
        return duration_words(value, language)
    if name == "period":
        if value is not None and not isinstance(value, timedelta):
            raise NoticeFieldError("period must be a timedelta or None (for good)")
        return period_words(value, language)
    if name == "user":
        return _clean_name(str(value))
    return str(value)


def _clean_name(name: str) -> str:
    """Display names are user input: no control characters, no braces, bounded length."""
    cleaned = "".join(
        char for char in name if not unicodedata.category(char).startswith("C")
    ).strip()
    cleaned = cleaned.replace("{", "(").replace("}", ")")
    if len(cleaned) > _MAX_NAME_CHARS:
        cleaned = cleaned[: _MAX_NAME_CHARS - 1] + "…"
    return cleaned or "?"
