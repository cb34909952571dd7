"""TelegramAdapterConfig validation and the offset stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.telegram import ChatBinding, TelegramAdapterConfig, UpdateMode
from adapters.telegram.config import TelegramConfigError, offset_path_for_database
from adapters.telegram.offsets import FileOffsetStore, MemoryOffsetStore
from bot.settings import TelegramSettings


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"token": " "}, "token is empty"),
        ({"mode": UpdateMode.WEBHOOK, "webhook_public_url": "https://x"}, "webhook_secret_token"),
        (
            {
                "mode": UpdateMode.WEBHOOK,
                "webhook_secret_token": "s",
                "webhook_public_url": "http://x",
            },
            "starting with https://",
        ),
        ({"webhook_path": "hook"}, "webhook_path must start with '/'"),
        ({"flood_limit_per_minute": 0}, "flood_limit_per_minute"),
        ({"network_retries": -1}, "network_retries"),
        ({"chats": {-1: ChatBinding("")}}, "chat -1 has an empty community key"),
    ],
    ids=["token", "secret", "https", "path", "flood", "retries", "community"],
)
def test_bad_settings_say_what_to_fix(overrides: dict[str, Any], problem: str) -> None:
    values: dict[str, Any] = {"token": "1:x", **overrides}

    with pytest.raises(TelegramConfigError, match=problem):
        TelegramAdapterConfig(**values)


def test_chat_lookups_and_immutability() -> None:
    chats = {-1: ChatBinding("sncb", -99), -2: ChatBinding("sncb"), -3: ChatBinding("stib", -98)}
    config = TelegramAdapterConfig(token="1:x", chats=chats)
    chats[-4] = ChatBinding("late")  # the caller's dict changing later must not leak in

    assert config.chats_of("sncb") == (-1, -2)
    assert config.mod_log_chat("sncb") == -99
    assert config.mod_log_chat("nobody") is None
    assert config.communities_logged_in(-98) == ("stib",)
    assert config.binding(-4) is None
    with pytest.raises(TypeError):
        config.chats[-5] = ChatBinding("x")  # type: ignore[index]


async def test_file_offset_store_round_trip(tmp_path: Path) -> None:
    store = FileOffsetStore(tmp_path / "state" / "telegram.offset")

    assert await store.load() is None
    await store.save(41)
    await store.save(42)

    assert await FileOffsetStore(store.path).load() == 42
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["telegram.offset"]


async def test_corrupt_offset_file_is_ignored_with_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "telegram.offset"
    path.write_text("garbage", encoding="utf-8")

    assert await FileOffsetStore(path).load() is None
    assert "corrupt" in caplog.text


async def test_memory_offset_store() -> None:
    store = MemoryOffsetStore(5)
    await store.save(6)

    assert await store.load() == 6


def test_from_settings_builds_the_adapter_config() -> None:
    settings = TelegramSettings.model_validate(
        {
            "enabled": True,
            "token": "123:abc",
            "base_url": "http://127.0.0.1:8081",
            "mode": "webhook",
            "webhook": {
                "path": "/tg/hook",
                "secret_token": "s3cret_token",
                "public_url": "https://bot.example.org",
            },
            "chats": [
                {"chat_id": -1001, "community": "sncb", "mod_log_chat_id": -1099},
                {"chat_id": "-1002", "community": "stib"},
            ],
            "flood_limit_per_minute": 15,
            "poll_timeout": 25,
        }
    )

    config = TelegramAdapterConfig.from_settings(settings, offset_path=Path("x.offset"))

    assert config.token == "123:abc"
    assert config.base_url == "http://127.0.0.1:8081/bot"
    assert config.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert config.mode is UpdateMode.WEBHOOK
    assert (config.webhook_path, config.webhook_secret_token) == ("/tg/hook", "s3cret_token")
    assert config.webhook_public_url.startswith("https://bot.example.org")
    assert dict(config.chats) == {-1001: ChatBinding("sncb", -1099), -1002: ChatBinding("stib")}
    assert (config.flood_limit_per_minute, config.poll_timeout_seconds) == (15, 25.0)
    assert config.offset_path == Path("x.offset")


def test_from_settings_defaults_to_the_public_bot_api() -> None:
    settings = TelegramSettings.model_validate({"enabled": True, "token": "1:x"})

    config = TelegramAdapterConfig.from_settings(settings)

    assert config.base_url == "https://api.telegram.org/bot"
    assert config.mode is UpdateMode.POLLING


def test_from_settings_rejects_non_numeric_chat_ids() -> None:
    settings = TelegramSettings.model_validate(
        {"enabled": True, "token": "1:x", "chats": [{"chat_id": "@group", "community": "sncb"}]}
    )

    with pytest.raises(TelegramConfigError, match="chat_id must be a number"):
        TelegramAdapterConfig.from_settings(settings)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///data/pasici.sqlite3", Path("data/pasici.sqlite3.telegram-offset")),
        ("sqlite+aiosqlite:////var/lib/p.db", Path("/var/lib/p.db.telegram-offset")),
        ("sqlite+aiosqlite:///:memory:", None),
        ("postgresql+asyncpg://u@h/db", None),
    ],
)
def test_offset_file_lives_next_to_a_sqlite_database(url: str, expected: Path | None) -> None:
    assert offset_path_for_database(url) == expected
