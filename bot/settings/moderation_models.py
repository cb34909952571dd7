"""Moderation settings of a community: points, ladder, exemptions, overrides, moderators."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from bot.commands.specs import COMMAND_SPECS
from bot.settings.common import Level, PlatformId, StrictModel
from bot.settings.detection_models import ThresholdOverrides
from bot.settings.durations import Duration, DurationOrForever
from bot.verdicts import Category

__all__ = [
    "Condition",
    "DecaySettings",
    "Exemptions",
    "LadderStep",
    "ModeratorSettings",
    "Override",
    "OverrideSet",
    "PointsSettings",
]

StepAction = Literal["notice", "warn", "mute", "kick", "ban"]


class PointsSettings(StrictModel):
    """Points added to the member's total per category of abuse."""

    insult: int = Field(1, ge=0, le=100)
    hate: int = Field(2, ge=0, le=100)
    sexual: int = Field(2, ge=0, le=100)
    threat: int = Field(5, ge=0, le=100)
    trolling: int = Field(1, ge=0, le=100)

    def of(self, category: Category) -> int:
        value: int = getattr(self, category.value)
        return value


class LadderStep(StrictModel):
    """What happens once a member's active points reach ``at_points``.

    ``duration``: required for mute (finite); for ban, omitted or "forever" means for good.
    """

    at_points: int = Field(ge=1, le=1000)
    action: StepAction
    delete: bool = False
    duration: DurationOrForever = None

    @model_validator(mode="after")
    def _duration_fits_action(self) -> LadderStep:
        if self.action == "mute" and self.duration is None:
            raise ValueError('a mute step needs a finite duration, e.g. duration: "10m"')
        if self.action in ("notice", "warn", "kick") and self.duration is not None:
            raise ValueError(f"a {self.action} step takes no duration")
        return self


class DecaySettings(StrictModel):
    """Points expire this long after they were given (finite: pardon removes them earlier)."""

    points_expire_after: Duration = Field("30d", validate_default=True)


class Exemptions(StrictModel):
    """Messages from these places or people are never acted on."""

    channels: tuple[PlatformId, ...] = ()
    roles: tuple[PlatformId, ...] = ()  # role ids or names
    users: tuple[PlatformId, ...] = ()
    min_level: Level | None = 2  # members at this moderator level or above are exempt


class Condition(StrictModel):
    """When an override applies. Every field given must match (AND); ``any`` needs one of its
    conditions, ``all`` every one, ``not`` the opposite. ``roles`` matches any listed role."""

    channels: tuple[PlatformId, ...] = ()
    roles: tuple[PlatformId, ...] = ()
    users: tuple[PlatformId, ...] = ()
    min_level: Level | None = None
    any: tuple[Condition, ...] = ()
    all: tuple[Condition, ...] = ()
    not_: Condition | None = Field(None, alias="not")

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not (
            self.channels
            or self.roles
            or self.users
            or self.min_level is not None
            or self.any
            or self.all
            or self.not_ is not None
        ):
            raise ValueError(
                "an empty condition matches everything: give channels, roles, users, "
                "min_level, any, all or not"
            )
        return self


class OverrideSet(StrictModel):
    """What an override changes; fields left out keep the community's value."""

    exempt: bool = False
    dry_run: bool | None = None
    thresholds: ThresholdOverrides | None = None
    disabled_categories: tuple[Category, ...] = ()


class Override(StrictModel):
    when: Condition
    set: OverrideSet


_KNOWN_COMMANDS = tuple(spec.name for spec in COMMAND_SPECS)


class ModeratorSettings(StrictModel):
    """``roles``: role id or name -> level; ``commands``: command -> minimum level."""

    roles: dict[PlatformId, Level] = Field(default_factory=dict)
    commands: dict[str, Level] = Field(default_factory=dict)

    @field_validator("commands")
    @classmethod
    def _known_commands(cls, commands: dict[str, int]) -> dict[str, int]:
        unknown = sorted(name for name in commands if name not in _KNOWN_COMMANDS)
        if unknown:
            raise ValueError(
                f"unknown command(s) {', '.join(unknown)}; known: {', '.join(_KNOWN_COMMANDS)}"
            )
        return commands
