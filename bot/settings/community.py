"""One community's policy file: language, detection, points ladder, exemptions, notices."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, Field, field_validator

from bot.settings.common import ConfigLanguage, StrictModel
from bot.settings.detection_models import DetectionSettings
from bot.settings.image_models import ImageSettings
from bot.settings.moderation_models import (
    DecaySettings,
    Exemptions,
    LadderStep,
    ModeratorSettings,
    Override,
    PointsSettings,
)
from bot.settings.notice_models import NoticeSettings
from bot.verdicts import Category

__all__ = ["DEFAULT_LADDER", "CommunityPolicy"]


def _http_url(value: str) -> str:
    url = AnyHttpUrl(value)  # raises a ValidationError with a clear message
    if not url.host:
        raise ValueError("the URL needs a host")
    return value


HttpUrlText = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_http_url)]
"""An http(s) URL kept exactly as written (notices show it verbatim)."""

DEFAULT_LADDER: tuple[LadderStep, ...] = (
    LadderStep(at_points=1, action="notice"),
    LadderStep(at_points=2, action="warn", delete=True),
    LadderStep(at_points=3, action="mute", delete=True, duration=timedelta(minutes=10)),
    LadderStep(at_points=4, action="mute", delete=True, duration=timedelta(days=1)),
    LadderStep(at_points=5, action="ban", delete=True),
)
"""1 notice, 2 delete + warn, 3 mute 10 min, 4 mute 1 day, 5 ban for good."""


class CommunityPolicy(StrictModel):
    """One community's policy file (see config/communities/example.yaml for every key)."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    display_name: str = Field(min_length=1, max_length=100)
    default_language: ConfigLanguage = "nl"
    charter_url: HttpUrlText = "https://pasici.be"
    dry_run: bool = False
    detection: DetectionSettings = DetectionSettings()
    images: ImageSettings = ImageSettings()
    points: PointsSettings = PointsSettings()
    ladder: tuple[LadderStep, ...] = Field(DEFAULT_LADDER, min_length=1)
    decay: DecaySettings = DecaySettings()
    evidence_categories: tuple[Category, ...] = (Category.THREAT,)
    exemptions: Exemptions = Exemptions()
    overrides: tuple[Override, ...] = ()
    moderators: ModeratorSettings = ModeratorSettings()
    notices: NoticeSettings = NoticeSettings()

    @field_validator("ladder")
    @classmethod
    def _increasing(cls, ladder: tuple[LadderStep, ...]) -> tuple[LadderStep, ...]:
        for previous, step in itertools.pairwise(ladder):
            if step.at_points <= previous.at_points:
                raise ValueError(
                    f"steps must be in increasing at_points order: {step.at_points} "
                    f"comes after {previous.at_points}"
                )
        return ladder

    def step_for(self, total_points: int) -> LadderStep | None:
        """The highest ladder step reached with ``total_points`` (None below the first)."""
        reached = [step for step in self.ladder if step.at_points <= total_points]
        return reached[-1] if reached else None
