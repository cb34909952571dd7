"""Notice settings of a community: rate limit and per-language wording overrides."""

from __future__ import annotations

import string
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from bot.settings.common import ConfigLanguage, StrictModel
from bot.settings.durations import Duration

__all__ = [
    "NOTICE_PLACEHOLDERS",
    "NoticeKind",
    "NoticeRateLimit",
    "NoticeSettings",
    "NoticeWording",
    "template_problem",
]


class NoticeKind(StrEnum):
    NOTICE = "notice"  # the pasici.be notice, in the channel
    WARN = "warn"  # the warning to the member
    MUTE = "mute"  # in-channel notice when muting
    KICK = "kick"  # in-channel notice when removing
    BAN = "ban"  # in-channel notice when banning
    BAN_FAREWELL = "ban_farewell"  # sent to the member before the ban
    APPEAL = "appeal"  # how to appeal, inserted as {appeal} into the farewell


_COMMON = ("user", "charter_url", "community")
NOTICE_PLACEHOLDERS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.NOTICE: _COMMON,
    NoticeKind.WARN: _COMMON,
    NoticeKind.MUTE: (*_COMMON, "duration"),
    NoticeKind.KICK: _COMMON,
    NoticeKind.BAN: (*_COMMON, "period", "case"),
    NoticeKind.BAN_FAREWELL: (*_COMMON, "period", "case", "appeal"),
    NoticeKind.APPEAL: ("charter_url", "community", "case"),
}
"""The ``{placeholders}`` each kind of text may use."""


def template_problem(template: str, allowed: tuple[str, ...]) -> str | None:
    """Why ``template`` cannot be rendered with ``allowed`` fields, or None when it can."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        return f"invalid template ({error}); write a literal brace as {{{{ or }}}}"
    for name in fields:
        if name not in allowed:
            shown = name or "{}"
            return f"unknown placeholder {{{shown}}}; allowed: " + ", ".join(
                f"{{{item}}}" for item in allowed
            )
    return None


_TEXT = Field(None, min_length=1, max_length=1800)


class NoticeWording(StrictModel):
    """One language's own texts; anything left out uses the built-in pasici.be wording."""

    notice: str | None = _TEXT
    warn: str | None = _TEXT
    mute: str | None = _TEXT
    kick: str | None = _TEXT
    ban: str | None = _TEXT
    ban_farewell: str | None = _TEXT
    appeal: str | None = _TEXT

    @field_validator("*")
    @classmethod
    def _placeholders(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or info.field_name is None:
            return value
        kind = NoticeKind(info.field_name)
        problem = template_problem(value, NOTICE_PLACEHOLDERS[kind])
        if problem:
            raise ValueError(problem)
        return value

    def template(self, kind: NoticeKind) -> str | None:
        value: str | None = getattr(self, kind.value)
        return value


class NoticeRateLimit(StrictModel):
    """At most ``count`` notices per channel within ``window``; beyond that they are dropped."""

    count: int = Field(3, ge=1, le=1000)
    window: Duration = Field("1m", validate_default=True)


class NoticeSettings(StrictModel):
    rate_limit: NoticeRateLimit = NoticeRateLimit()
    wording: dict[ConfigLanguage, NoticeWording] = Field(default_factory=dict)
