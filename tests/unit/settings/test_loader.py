"""Loading valid files: defaults, env expansion, secrets, globs, revisions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.records import RetentionPolicy
from bot.settings import (
    ConfigError,
    default_config_path,
    load_all,
    load_bot_settings,
    load_community_policy,
)

REPO = Path(__file__).resolve().parents[3]
VALID = REPO / "tests" / "data" / "config" / "valid"
ENVIRON = {
    "PASICI_TEST_DB_PASSWORD": "pw",
    "PASICI_TEST_ADMIN_TOKEN": "admin-token-value",
    "PASICI_TEST_DISCORD_TOKEN": "discord-token-value",
    "PASICI_TEST_TELEGRAM_TOKEN": "123:telegram-token-value",
}


def test_full_bot_file_expands_secrets_and_keeps_them_hidden() -> None:
    loaded = load_all(VALID / "bot_full.yaml", environ=ENVIRON)
    bot = loaded.bot
    assert bot.database.url == "postgresql+asyncpg://pasici:pw@127.0.0.1/pasici"
    discord = bot.adapters.discord
    assert discord.token is not None
    assert discord.token.get_secret_value() == "discord-token-value"
    assert "discord-token-value" not in repr(bot)
    assert "discord-token-value" not in str(bot.model_dump())
    assert discord.guilds[0].guild_id == "111111111111111111"  # ids stay opaque strings
    assert discord.shard_ids == (1,)
    webhook = bot.adapters.telegram.webhook
    assert webhook is not None
    assert webhook.secret_token.get_secret_value() == "s3cret_default"  # ${X:-default}
    assert bot.adapters.telegram.chats[0].chat_id == "-1001234567890"
    assert bot.logging.level == "DEBUG"
    assert bot.retention.to_policy() == RetentionPolicy(
        message_text_days=7, evidence_days=None, audit_days=730, processed_ids_days=14
    )
    assert list(loaded.communities) == ["minimal"]  # found by the glob


def test_defaults_of_a_minimal_bot_file(tmp_path: Path) -> None:
    (tmp_path / "bot.yaml").write_text("communities: [c.yaml]\n", encoding="utf-8")
    bot = load_bot_settings(tmp_path / "bot.yaml", environ={})
    assert bot.database.url == "sqlite+aiosqlite:///pasici.sqlite3"
    assert (bot.web.host, bot.web.port, bot.web.admin_token) == ("127.0.0.1", 8080, None)
    assert bot.adapters.console.enabled
    assert bot.adapters.console.community is None  # -> the first community, see below
    assert not bot.adapters.discord.enabled
    assert bot.adapters.telegram.flood_limit_per_minute == 20
    assert bot.scheduler.poll_seconds == 5.0


def test_community_defaults_follow_the_pasici_ladder() -> None:
    policy = load_community_policy(VALID / "minimal_community.yaml", environ={})
    assert policy.charter_url == "https://pasici.be"
    assert policy.default_language == "nl"
    assert [step.action for step in policy.ladder] == ["notice", "warn", "mute", "mute", "ban"]
    assert policy.ladder[2].duration == timedelta(minutes=10)
    assert policy.ladder[4].duration is None
    assert policy.decay.points_expire_after == timedelta(days=30)
    assert policy.points.threat == 5
    assert [str(category) for category in policy.evidence_categories] == ["threat"]


def test_dollar_dollar_is_a_literal_and_embedded_references_expand(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("key: c\ndisplay_name: 'Price $${FARE} for ${WHO}'\n", encoding="utf-8")
    policy = load_community_policy(path, environ={"WHO": "everyone"})
    assert policy.display_name == "Price ${FARE} for everyone"


def test_secrets_of_a_disabled_adapter_must_still_resolve(tmp_path: Path) -> None:
    path = tmp_path / "bot.yaml"
    path.write_text(
        "communities: [c.yaml]\nadapters:\n  discord:\n    token: ${NOPE}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_bot_settings(path, environ={})
    assert raised.value.errors == [
        f"{path}:4: adapters.discord.token: environment variable NOPE is not set"
    ]


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_community_policy(tmp_path / "absent.yaml")
    assert raised.value.errors == [f"{tmp_path / 'absent.yaml'}: file not found"]


def test_empty_file_reports_the_required_keys(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_community_policy(path)
    assert raised.value.errors == [
        f"{path}:1: key: required key is missing",
        f"{path}:1: display_name: required key is missing",
    ]


def test_all_files_are_validated_before_failing(tmp_path: Path) -> None:
    (tmp_path / "bot.yaml").write_text(
        "communities: [a.yaml, b.yaml]\nweb: {port: 0}\n", encoding="utf-8"
    )
    (tmp_path / "a.yaml").write_text("key: a\ndisplay_name: A\ndry_run: 3\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("key: b\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_all(tmp_path / "bot.yaml", environ={})
    # The bot file is broken, so its community list cannot be trusted: only its errors show.
    assert raised.value.errors == [
        f"{tmp_path / 'bot.yaml'}:2: web.port: Input should be greater than or equal to 1 (got 0)"
    ]
    (tmp_path / "bot.yaml").write_text("communities: [a.yaml, b.yaml]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_all(tmp_path / "bot.yaml", environ={})
    assert [error.split(": ")[0] for error in raised.value.errors] == [
        f"{tmp_path / 'a.yaml'}:3",
        f"{tmp_path / 'b.yaml'}:1",
    ]


def test_snapshots_carry_each_file_for_config_revisions() -> None:
    loaded = load_all(default_config_path(), environ={})
    scopes = [snapshot.scope for snapshot in loaded.snapshots]
    assert scopes == ["bot", "community:demo"]
    assert loaded.snapshots[0].content == default_config_path().read_text(encoding="utf-8")
    assert len(loaded.sha256) == 64


@pytest.mark.parametrize(
    "path",
    [REPO / "config" / "pasici.example.yaml", default_config_path()],
    ids=["example", "embedded-default"],
)
def test_shipped_configs_are_valid(path: Path) -> None:
    loaded = load_all(path, environ={})
    assert loaded.communities
    for key, policy in loaded.communities.items():
        assert policy.key == key


def test_every_community_reference_must_exist(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("key: c\ndisplay_name: C\n", encoding="utf-8")
    (tmp_path / "bot.yaml").write_text(
        "communities: [c.yaml]\n"
        "web:\n  users:\n    - {name: an, communities: [c, x]}\n"
        "adapters:\n  console: {community: c}\n"
        "  discord:\n    enabled: true\n    token: t\n    guilds:\n"
        "      - {guild_id: 1, community: y}\n"
        "  telegram:\n    enabled: false\n    chats: [{chat_id: 5, community: z}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_all(tmp_path / "bot.yaml", environ={})
    bot = tmp_path / "bot.yaml"
    assert raised.value.errors == [
        f"{bot}:4: web.users[0].communities[1]: unknown community 'x' (known: c)",
        f"{bot}:11: adapters.discord.guilds[0].community: unknown community 'y' (known: c)",
    ]  # the disabled telegram adapter is not checked


def test_console_community_defaults_to_the_first_community(tmp_path: Path) -> None:
    for key in ("b", "a"):
        (tmp_path / f"{key}.yaml").write_text(f"key: {key}\ndisplay_name: X\n", encoding="utf-8")
    (tmp_path / "bot.yaml").write_text("communities: [b.yaml, a.yaml]\n", encoding="utf-8")
    assert load_all(tmp_path / "bot.yaml", environ={}).console_community == "b"
    (tmp_path / "bot.yaml").write_text(
        "communities: [b.yaml, a.yaml]\nadapters: {console: {community: a}}\n", encoding="utf-8"
    )
    assert load_all(tmp_path / "bot.yaml", environ={}).console_community == "a"
