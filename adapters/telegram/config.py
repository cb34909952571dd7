"""The Telegram adapter's own settings (a frozen dataclass; built from bot settings by the app)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import TelegramSettings

__all__ = [
    "ChatBinding",
    "TelegramAdapterConfig",
    "TelegramConfigError",
    "UpdateMode",
    "offset_path_for_database",
]

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit
TELEGRAM_FLOOD_LIMIT_PER_MINUTE = 20  # Telegram: about 20 bot messages a minute in one group


class TelegramConfigError(ValueError):
    """The Telegram adapter settings are inconsistent; the message says what to fix."""


class UpdateMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class ChatBinding:
    """One watched Telegram group: the community it belongs to and where its mod log goes."""

    community: str
    mod_log_chat_id: int | None = None


def _no_chats() -> Mapping[int, ChatBinding]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TelegramAdapterConfig:
    """Everything the adapter needs; ``chats`` maps a Telegram chat id to its binding."""

    token: str
    chats: Mapping[int, ChatBinding] = field(default_factory=_no_chats)
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    max_attachment_bytes: int = MAX_DOWNLOAD_BYTES
    mode: UpdateMode = UpdateMode.POLLING
    webhook_path: str = "/telegram/webhook"
    webhook_secret_token: str = ""
    webhook_public_url: str = ""
    flood_limit_per_minute: int = TELEGRAM_FLOOD_LIMIT_PER_MINUTE
    poll_timeout_seconds: float = 10.0
    offset_path: Path | None = None
    member_cache_seconds: float = 60.0
    max_retry_wait_seconds: float = 30.0
    network_retries: int = 3
    network_retry_delay_seconds: float = 1.0
    flood_summary_interval_seconds: float = 60.0
    http_timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.token.strip():
            problems.append("token is empty")
        if self.mode is UpdateMode.WEBHOOK:
            if not self.webhook_secret_token:
                problems.append("webhook mode needs webhook_secret_token")
            if not self.webhook_public_url.startswith("https://"):
                problems.append("webhook mode needs webhook_public_url starting with https://")
        if not self.webhook_path.startswith("/"):
            problems.append("webhook_path must start with '/'")
        if self.flood_limit_per_minute < 1:
            problems.append("flood_limit_per_minute must be at least 1")
        if self.poll_timeout_seconds < 0:
            problems.append("poll_timeout_seconds must not be negative")
        if self.network_retries < 0:
            problems.append("network_retries must not be negative")
        for chat_id, binding in self.chats.items():
            if not binding.community:
                problems.append(f"chat {chat_id} has an empty community key")
        if problems:
            raise TelegramConfigError("Telegram adapter settings: " + "; ".join(problems))
        # Freeze a caller's plain dict so the config really is immutable.
        object.__setattr__(self, "chats", MappingProxyType(dict(self.chats)))

    @classmethod
    def from_settings(
        cls, settings: TelegramSettings, *, offset_path: Path | None = None
    ) -> TelegramAdapterConfig:
        """Build from the bot file's ``adapters.telegram`` section (bot.settings)."""
        base_url, base_file_url = _api_urls(str(settings.base_url) if settings.base_url else "")
        webhook = settings.webhook
        return cls(
            token=settings.token.get_secret_value() if settings.token else "",
            chats={
                _chat_id(chat.chat_id, "chat_id"): ChatBinding(
                    chat.community,
                    _chat_id(chat.mod_log_chat_id, "mod_log_chat_id")
                    if chat.mod_log_chat_id is not None
                    else None,
                )
                for chat in settings.chats
            },
            base_url=base_url,
            base_file_url=base_file_url,
            mode=UpdateMode(settings.mode),
            webhook_path=webhook.path if webhook else "/telegram/webhook",
            webhook_secret_token=webhook.secret_token.get_secret_value() if webhook else "",
            webhook_public_url=str(webhook.public_url) if webhook else "",
            flood_limit_per_minute=settings.flood_limit_per_minute,
            poll_timeout_seconds=settings.poll_timeout,
            offset_path=offset_path,
        )

    def binding(self, chat_id: int) -> ChatBinding | None:
        return self.chats.get(chat_id)

    def chats_of(self, community: str) -> tuple[int, ...]:
        """The watched chats of ``community`` (a group and, say, a channel's discussion group)."""
        return tuple(chat_id for chat_id, b in self.chats.items() if b.community == community)

    def mod_log_chat(self, community: str) -> int | None:
        for chat_id in self.chats_of(community):
            target = self.chats[chat_id].mod_log_chat_id
            if target is not None:
                return target
        return None

    def communities_logged_in(self, mod_log_chat_id: int) -> tuple[str, ...]:
        found = {b.community for b in self.chats.values() if b.mod_log_chat_id == mod_log_chat_id}
        return tuple(sorted(found))


def _chat_id(value: str, field_name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise TelegramConfigError(
            f"Telegram {field_name} must be a number like -1001234567890, got {value!r}"
        ) from None


def _api_urls(base_url: str) -> tuple[str, str]:
    """(Bot API base, file base) for a self-hosted server given as ``http://host:8081[/bot]``."""
    if not base_url:
        return DEFAULT_BASE_URL, DEFAULT_BASE_FILE_URL
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def offset_path_for_database(database_url: str) -> Path | None:
    """Where to keep the update offset: next to a SQLite database; None for PostgreSQL
    (wire an OffsetStore backed by the store instead)."""
    prefix = "sqlite+aiosqlite:///"
    if not database_url.startswith(prefix):
        return None
    database = Path(database_url.removeprefix(prefix))
    if not database.name or database.name == ":memory:":
        return None
    return database.with_name(database.name + ".telegram-offset")
