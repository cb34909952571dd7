"""The bot file: adapters, database, web console, retention, scheduler, logging."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AnyHttpUrl,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.records import RetentionPolicy
from bot.settings.common import PlatformId, StrictModel
from bot.settings.passwords import PASSWORD_HASH_PATTERN

__all__ = [
    "AdaptersSettings",
    "BotSettings",
    "ConsoleSettings",
    "DatabaseSettings",
    "DiscordGuild",
    "DiscordSettings",
    "LoggingSettings",
    "RetentionSettings",
    "SchedulerSettings",
    "TelegramChat",
    "TelegramSettings",
    "TelegramWebhook",
    "WebSettings",
    "WebUser",
]

CommunityKey = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class DatabaseSettings(StrictModel):
    url: str = Field("sqlite+aiosqlite:///pasici.sqlite3", min_length=1)

    @field_validator("url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "database url must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return url


class WebUser(StrictModel):
    """A web console login. ``password_hash`` is ``pbkdf2_sha256$iterations$salt$hash``."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password_hash: SecretStr | None = None
    communities: tuple[CommunityKey, ...] = ()  # empty: every community

    @field_validator("password_hash")
    @classmethod
    def _hash_format(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(PASSWORD_HASH_PATTERN, value.get_secret_value()):
            raise ValueError(
                "password_hash must look like pbkdf2_sha256$ITERATIONS$SALT$HASH "
                "(never a plain password)"
            )
        return value


class WebSettings(StrictModel):
    enabled: bool = True
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8080, ge=1, le=65535)
    admin_token: SecretStr | None = None
    users: tuple[WebUser, ...] = ()

    @field_validator("users")
    @classmethod
    def _unique_names(cls, users: tuple[WebUser, ...]) -> tuple[WebUser, ...]:
        names = [user.name for user in users]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate web user name(s): {', '.join(duplicates)}")
        return users


def _days(value: Any) -> Any:
    return None if isinstance(value, str) and value.strip().lower() == "forever" else value


RetentionDays = Annotated[Annotated[int, Field(ge=1, le=36_500)] | None, BeforeValidator(_days)]


class RetentionSettings(StrictModel):
    """Days each kind of personal data is kept ("forever" keeps it)."""

    message_text_days: RetentionDays = 30
    evidence_days: RetentionDays = 365
    audit_days: RetentionDays = 730
    processed_ids_days: RetentionDays = 14

    def to_policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            message_text_days=self.message_text_days,
            evidence_days=self.evidence_days,
            audit_days=self.audit_days,
            processed_ids_days=self.processed_ids_days,
        )


class SchedulerSettings(StrictModel):
    poll_seconds: float = Field(5.0, gt=0, le=3600)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class LoggingSettings(StrictModel):
    level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)
    ] = "INFO"


class ConsoleSettings(StrictModel):
    """The local console channel; ``community`` left out means the first community file's."""

    enabled: bool = True
    community: CommunityKey | None = None
    channel: str = Field("general", min_length=1, max_length=100)


class DiscordGuild(StrictModel):
    guild_id: PlatformId
    community: CommunityKey
    mod_log_channel_id: PlatformId | None = None
    mute_role_id: PlatformId | None = None


def _token_when_enabled(token: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
    # ``enabled`` is declared before ``token``, so it is already in info.data.
    if info.data.get("enabled") and (token is None or not token.get_secret_value().strip()):
        raise ValueError("a token is required when the adapter is enabled")
    return token


class DiscordSettings(StrictModel):
    enabled: bool = False
    token: SecretStr | None = Field(None, validate_default=True)
    api_base_url: AnyHttpUrl | None = None
    gateway_url: Annotated[str, Field(pattern=r"^wss?://\S+$")] | None = None
    shard_count: int | None = Field(None, ge=1, le=10_000)
    shard_ids: tuple[Annotated[int, Field(ge=0)], ...] | None = None
    guilds: tuple[DiscordGuild, ...] = ()
    ignore_bots: bool = True
    ignore_webhooks: bool = True
    exempt_channel_ids: tuple[PlatformId, ...] = ()
    message_content_intent: bool = True

    _token = field_validator("token")(_token_when_enabled)

    @model_validator(mode="after")
    def _consistent(self) -> DiscordSettings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count")
            outside = [shard for shard in self.shard_ids if shard >= self.shard_count]
            if outside:
                raise ValueError(f"shard_ids {outside} outside 0..{self.shard_count - 1}")
        ids = [guild.guild_id for guild in self.guilds]
        duplicates = sorted({guild for guild in ids if ids.count(guild) > 1})
        if duplicates:
            raise ValueError(f"guild(s) listed twice: {', '.join(duplicates)}")
        return self


class TelegramWebhook(StrictModel):
    path: str = Field("/telegram/webhook", pattern=r"^/[A-Za-z0-9/_-]*$")
    # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -.
    secret_token: SecretStr
    public_url: AnyHttpUrl

    @field_validator("secret_token")
    @classmethod
    def _token_charset(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("secret_token must be 1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @field_validator("public_url")
    @classmethod
    def _https(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        if value.scheme != "https":
            raise ValueError("Telegram only delivers webhooks to https:// URLs")
        return value


class TelegramChat(StrictModel):
    chat_id: PlatformId
    community: CommunityKey
    mod_log_chat_id: PlatformId | None = None


class TelegramSettings(StrictModel):
    enabled: bool = False
    token: SecretStr | None = Field(None, validate_default=True)
    base_url: AnyHttpUrl | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook: TelegramWebhook | None = None
    chats: tuple[TelegramChat, ...] = ()
    flood_limit_per_minute: int = Field(20, ge=1, le=60)
    poll_timeout: float = Field(30.0, ge=0, le=600)

    _token = field_validator("token")(_token_when_enabled)

    @model_validator(mode="after")
    def _consistent(self) -> TelegramSettings:
        if self.mode == "webhook" and self.webhook is None:
            raise ValueError("mode webhook needs a webhook section: path, secret_token, public_url")
        ids = [chat.chat_id for chat in self.chats]
        duplicates = sorted({chat for chat in ids if ids.count(chat) > 1})
        if duplicates:
            raise ValueError(f"chat(s) listed twice: {', '.join(duplicates)}")
        return self


class AdaptersSettings(StrictModel):
    console: ConsoleSettings = ConsoleSettings()
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()


class BotSettings(StrictModel):
    """The bot file. ``communities`` are paths (or globs) relative to the bot file."""

    database: DatabaseSettings = DatabaseSettings()
    web: WebSettings = WebSettings()
    communities: tuple[Annotated[str, Field(min_length=1)], ...] = Field(min_length=1)
    retention: RetentionSettings = RetentionSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    logging: LoggingSettings = LoggingSettings()
    adapters: AdaptersSettings = AdaptersSettings()

    def referenced_communities(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(key path, community key) of every community named by an enabled adapter or a web
        user, so the loader can check each one exists."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        for user_index, user in enumerate(self.web.users):
            for index, key in enumerate(user.communities):
                found.append((("web", "users", user_index, "communities", index), key))
        console = self.adapters.console
        if console.enabled and console.community is not None:
            found.append((("adapters", "console", "community"), console.community))
        if self.adapters.discord.enabled:
            for index, guild in enumerate(self.adapters.discord.guilds):
                path = ("adapters", "discord", "guilds", index, "community")
                found.append((path, guild.community))
        if self.adapters.telegram.enabled:
            for index, chat in enumerate(self.adapters.telegram.chats):
                path = ("adapters", "telegram", "chats", index, "community")
                found.append((path, chat.community))
        return found
