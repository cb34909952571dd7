"""Configuration of the Discord adapter (the source of truth until bot/settings offers one)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import DiscordSettings

__all__ = ["DEFAULT_API_BASE_URL", "DEFAULT_GATEWAY_URL", "DiscordAdapterConfig", "GuildConfig"]

DEFAULT_API_BASE_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
TOKEN_ENV_VAR = "PASICI_DISCORD_TOKEN"


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """One Discord guild (server) watched by the bot, and the community it belongs to."""

    community: str
    mod_log_channel_id: int | None = None
    mute_role_id: int | None = None


def _snowflake(value: str, what: str) -> int:
    if not value.isdigit():
        raise ValueError(f"Discord {what} must be a numeric id, got {value!r}")
    return int(value)


def _optional_snowflake(value: str | None, what: str) -> int | None:
    return None if value is None else _snowflake(value, what)


def _no_guilds() -> Mapping[int, GuildConfig]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DiscordAdapterConfig:
    """Everything the adapter needs to connect and behave.

    ``api_base_url`` / ``gateway_url`` point discord.py at a REST proxy or a local fake.
    ``shard_count`` None means one connection (no sharding); with ``shard_ids`` the adapter runs
    only those shards of ``shard_count``.
    """

    token: str
    guilds: Mapping[int, GuildConfig] = field(default_factory=_no_guilds)
    api_base_url: str = DEFAULT_API_BASE_URL
    gateway_url: str = DEFAULT_GATEWAY_URL
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    ignore_bots: bool = True
    ignore_webhooks: bool = True
    exempt_channel_ids: frozenset[int] = frozenset()
    exempt_role_ids: frozenset[int] = frozenset()
    message_content_intent: bool = True
    members_intent: bool = False
    ready_timeout_seconds: float = 30.0
    # stop() waits this long for running event handlers (a judgement, a command) to finish.
    stop_timeout_seconds: float = 10.0
    guild_ready_timeout_seconds: float = 2.0
    # Pause between shard IDENTIFYs (Discord allows one per 5 s per max_concurrency bucket).
    identify_delay_seconds: float = 5.0
    # Our own retry loop for actions, on top of discord.py's rate limiter.
    action_attempts: int = 3
    action_retry_base_seconds: float = 0.5
    action_retry_max_wait_seconds: float = 5.0
    # discord.py sleeps on a 429 up to this long (its floor is 30 s); a longer one is handed
    # back to the runner as a retryable outcome instead of blocking the action.
    max_ratelimit_wait_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not self.token.strip():
            raise ValueError(f"Discord token is empty: set {TOKEN_ENV_VAR} or the config token")
        if self.shard_count is not None and self.shard_count < 1:
            raise ValueError(f"shard_count must be >= 1, got {self.shard_count}")
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count")
            bad = [shard for shard in self.shard_ids if not 0 <= shard < self.shard_count]
            if bad:
                raise ValueError(f"shard_ids {bad} outside 0..{self.shard_count - 1}")
        if self.max_ratelimit_wait_seconds < 30.0:
            raise ValueError("max_ratelimit_wait_seconds must be >= 30 (discord.py's floor)")
        if self.action_attempts < 1:
            raise ValueError("action_attempts must be >= 1")
        object.__setattr__(self, "guilds", MappingProxyType(dict(self.guilds)))

    @classmethod
    def from_env(
        cls, guilds: Mapping[int, GuildConfig], **overrides: object
    ) -> DiscordAdapterConfig:
        """Config with the token read from ``PASICI_DISCORD_TOKEN``."""
        token = os.environ.get(TOKEN_ENV_VAR, "")
        return cls(token, guilds, **overrides)  # type: ignore[arg-type]

    @classmethod
    def from_settings(cls, settings: DiscordSettings, **overrides: object) -> DiscordAdapterConfig:
        """Config from the validated ``adapters.discord`` section of the bot file.

        The token comes from the settings (usually ``${PASICI_DISCORD_TOKEN}`` there) and falls
        back to the environment; ids that are not numbers are refused with a clear error.
        """
        token = settings.token.get_secret_value() if settings.token is not None else ""
        token = token or os.environ.get(TOKEN_ENV_VAR, "")
        guilds = {
            _snowflake(guild.guild_id, "guild_id"): GuildConfig(
                community=guild.community,
                mod_log_channel_id=_optional_snowflake(
                    guild.mod_log_channel_id, "mod_log_channel_id"
                ),
                mute_role_id=_optional_snowflake(guild.mute_role_id, "mute_role_id"),
            )
            for guild in settings.guilds
        }
        options: dict[str, object] = {
            "guilds": guilds,
            "shard_count": settings.shard_count,
            "shard_ids": settings.shard_ids,
            "ignore_bots": settings.ignore_bots,
            "ignore_webhooks": settings.ignore_webhooks,
            "exempt_channel_ids": frozenset(
                _snowflake(channel, "exempt_channel_ids") for channel in settings.exempt_channel_ids
            ),
            "message_content_intent": settings.message_content_intent,
        }
        if settings.api_base_url is not None:
            options["api_base_url"] = str(settings.api_base_url).rstrip("/")
        if settings.gateway_url is not None:
            options["gateway_url"] = settings.gateway_url
        options.update(overrides)
        return cls(token, **options)  # type: ignore[arg-type]

    def guild_for_community(self, community: str) -> int | None:
        """The guild id mapped to ``community`` (first match), or None."""
        for guild_id, guild in self.guilds.items():
            if guild.community == community:
                return guild_id
        return None

    def community_for_guild(self, guild_id: int | None) -> str | None:
        if guild_id is None:
            return None
        guild = self.guilds.get(guild_id)
        return guild.community if guild else None

    def __repr__(self) -> str:  # never print the token
        return (
            f"DiscordAdapterConfig(guilds={dict(self.guilds)!r},"
            f" api_base_url={self.api_base_url!r},"
            f" gateway_url={self.gateway_url!r}, shard_count={self.shard_count!r},"
            f" shard_ids={self.shard_ids!r})"
        )
