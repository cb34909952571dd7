"""Configuration: pydantic models of the bot and community files, the YAML loader with
``FILE:LINE`` errors, hot reload, and the embedded default configuration."""

from __future__ import annotations

from pathlib import Path

from bot.settings.bot_models import (
    AdaptersSettings,
    BotSettings,
    ConsoleSettings,
    DatabaseSettings,
    DiscordGuild,
    DiscordSettings,
    LoggingSettings,
    RetentionSettings,
    SchedulerSettings,
    TelegramChat,
    TelegramSettings,
    TelegramWebhook,
    WebSettings,
    WebUser,
)
from bot.settings.community import DEFAULT_LADDER, CommunityPolicy
from bot.settings.detection_models import (
    CategoryThresholds,
    CustomTermsSettings,
    DetectionSettings,
    ThresholdOverrides,
)
from bot.settings.durations import (
    Duration,
    DurationError,
    DurationOrForever,
    format_duration,
    parse_duration,
)
from bot.settings.errors import ConfigError
from bot.settings.loader import (
    ConfigSnapshot,
    LoadedConfig,
    load_all,
    load_bot_settings,
    load_community_policy,
)
from bot.settings.moderation_models import (
    Condition,
    DecaySettings,
    Exemptions,
    LadderStep,
    ModeratorSettings,
    Override,
    OverrideSet,
    PointsSettings,
)
from bot.settings.notice_models import (
    NOTICE_PLACEHOLDERS,
    NoticeKind,
    NoticeRateLimit,
    NoticeSettings,
    NoticeWording,
)
from bot.settings.watcher import ConfigWatcher

__all__ = [
    "DEFAULT_LADDER",
    "NOTICE_PLACEHOLDERS",
    "AdaptersSettings",
    "BotSettings",
    "CategoryThresholds",
    "CommunityPolicy",
    "Condition",
    "ConfigError",
    "ConfigSnapshot",
    "ConfigWatcher",
    "ConsoleSettings",
    "CustomTermsSettings",
    "DatabaseSettings",
    "DecaySettings",
    "DetectionSettings",
    "DiscordGuild",
    "DiscordSettings",
    "Duration",
    "DurationError",
    "DurationOrForever",
    "Exemptions",
    "LadderStep",
    "LoadedConfig",
    "LoggingSettings",
    "ModeratorSettings",
    "NoticeKind",
    "NoticeRateLimit",
    "NoticeSettings",
    "NoticeWording",
    "Override",
    "OverrideSet",
    "PointsSettings",
    "RetentionSettings",
    "SchedulerSettings",
    "TelegramChat",
    "TelegramSettings",
    "TelegramWebhook",
    "ThresholdOverrides",
    "WebSettings",
    "WebUser",
    "default_config_path",
    "format_duration",
    "load_all",
    "load_bot_settings",
    "load_community_policy",
    "parse_duration",
]

_DEFAULTS = Path(__file__).resolve().parent / "defaults"


def default_config_path() -> Path:
    """The embedded bot file (console adapter + SQLite + one community) used by the demo."""
    return _DEFAULTS / "bot.yaml"
