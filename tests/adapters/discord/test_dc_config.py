"""DiscordAdapterConfig: validation, settings mapping, no token in repr; modlog helpers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.discord.config import DiscordAdapterConfig, GuildConfig
from adapters.discord.modlog import build_modlog_view, spans_text
from bot.records import CaseRecord, CaseStatus
from bot.settings import DiscordSettings


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"token": " "}, "Discord token is empty"),
        ({"shard_count": 0}, "shard_count must be >= 1"),
        ({"shard_ids": (0,)}, "shard_ids needs shard_count"),
        ({"shard_count": 2, "shard_ids": (0, 2)}, r"shard_ids \[2\] outside 0..1"),
        ({"action_attempts": 0}, "action_attempts must be >= 1"),
        ({"max_ratelimit_wait_seconds": 5.0}, "must be >= 30"),
    ],
)
def test_invalid_config_is_refused(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"token": "t", **options}
    with pytest.raises(ValueError, match=message):
        DiscordAdapterConfig(**arguments)  # type: ignore[arg-type]


def test_repr_hides_the_token() -> None:
    config = DiscordAdapterConfig("super-secret", guilds={1: GuildConfig("acme")})
    assert "super-secret" not in repr(config)
    assert "acme" in repr(config)


def test_guild_community_lookups() -> None:
    config = DiscordAdapterConfig("t", guilds={1: GuildConfig("acme"), 2: GuildConfig("beta")})
    assert config.guild_for_community("beta") == 2
    assert config.guild_for_community("nope") is None
    assert config.community_for_guild(1) == "acme"
    assert config.community_for_guild(3) is None
    assert config.community_for_guild(None) is None


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASICI_DISCORD_TOKEN", "env-token")
    config = DiscordAdapterConfig.from_env({1: GuildConfig("acme")}, shard_count=2)
    assert config.token == "env-token"
    assert config.shard_count == 2


def test_from_settings() -> None:
    settings = DiscordSettings.model_validate(
        {
            "enabled": True,
            "token": "from-yaml",
            "api_base_url": "http://127.0.0.1:9999/api/v10/",
            "gateway_url": "ws://127.0.0.1:9999/gateway",
            "shard_count": 2,
            "shard_ids": [1],
            "guilds": [
                {"guild_id": "111", "community": "acme", "mod_log_channel_id": 222},
                {"guild_id": "333", "community": "beta", "mute_role_id": "444"},
            ],
            "ignore_bots": False,
            "exempt_channel_ids": ["555"],
            "message_content_intent": False,
        }
    )
    config = DiscordAdapterConfig.from_settings(settings, ready_timeout_seconds=3.0)
    assert config.token == "from-yaml"
    assert dict(config.guilds) == {
        111: GuildConfig("acme", mod_log_channel_id=222),
        333: GuildConfig("beta", mute_role_id=444),
    }
    assert config.api_base_url == "http://127.0.0.1:9999/api/v10"
    assert config.gateway_url == "ws://127.0.0.1:9999/gateway"
    assert (config.shard_count, config.shard_ids) == (2, (1,))
    assert config.ignore_bots is False
    assert config.exempt_channel_ids == frozenset({555})
    assert config.message_content_intent is False
    assert config.ready_timeout_seconds == 3.0


def test_from_settings_refuses_non_numeric_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASICI_DISCORD_TOKEN", "env-token")
    settings = DiscordSettings.model_validate(
        {"guilds": [{"guild_id": "my-server", "community": "acme"}]}
    )
    with pytest.raises(ValueError, match="guild_id must be a numeric id, got 'my-server'"):
        DiscordAdapterConfig.from_settings(settings)


def _case(text: str | None, spans: tuple[tuple[int, int, str], ...]) -> CaseRecord:
    return CaseRecord(
        id=1,
        community="acme",
        number=1,
        platform="discord",
        user_id="1",
        user_name="a",
        action="notice",
        actor="bot",
        reason="r",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        status=CaseStatus.OPEN,
        message_text=text,
        spans=spans,
    )


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("you idiot", ((4, 9, "insult"),), '"idiot" (insult)'),
        ("a b", ((0, 1, "x"), (2, 3, "y")), '"a" (x), "b" (y)'),
        (None, ((4, 9, "insult"),), '"4-9" (insult)'),  # text purged: positions only
        ("short", ((3, 99, "x"),), '"3-99" (x)'),
    ],
)
def test_spans_text(
    text: str | None, spans: tuple[tuple[int, int, str], ...], expected: str
) -> None:
    assert spans_text(_case(text, spans)) == expected


async def test_no_case_number_no_buttons() -> None:
    assert build_modlog_view(None) is None
    view = build_modlog_view(4)
    assert view is not None
    assert [item.custom_id for item in view.children] == [  # type: ignore[attr-defined]
        "pasici:confirm:4",
        "pasici:undo:4",
        "pasici:escalate:4",
    ]
