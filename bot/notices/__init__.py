"""The pasici.be notice texts in nl, fr, en and de, and their rendering."""

from __future__ import annotations

from bot.notices.durations import duration_words, period_words
from bot.notices.render import (
    CASE_PLACEHOLDER,
    NoticeFieldError,
    fill_case_number,
    notice_language,
    render_notice,
)
from bot.notices.texts import BUILT_IN_TEXTS, LANGUAGES
from bot.settings.notice_models import NoticeKind

__all__ = [
    "BUILT_IN_TEXTS",
    "CASE_PLACEHOLDER",
    "LANGUAGES",
    "NoticeFieldError",
    "NoticeKind",
    "duration_words",
    "fill_case_number",
    "notice_language",
    "period_words",
    "render_notice",
]
