"""Table tests for command authorisation: levels, self, owner, bot, hierarchy."""

from __future__ import annotations

import pytest

from bot.commands.authorise import AuthorityCheck, refusal_reason
from bot.commands.specs import Level, spec_for
from bot.events import Author

MOD = Author("mod", "Mod", top_role_position=5)
MEMBER = Author("anna", "Anna", top_role_position=1)
OWNER = Author("boss", "Boss", is_owner=True, top_role_position=9)
SENIOR = Author("senior", "Senior", top_role_position=7)
BOT = Author("bot-1", "pasici", is_bot=True)
ANON = Author("group", "Group", is_anonymous_admin=True)


def check(name: str, invoker: Author, level: int, target: Author | None, target_level: int = 0):
    spec = spec_for(name)
    assert spec is not None
    return refusal_reason(
        AuthorityCheck(
            spec=spec,
            invoker=invoker,
            invoker_level=level,
            required_level=spec.level,
            target=target,
            target_level=target_level,
            bot_user_id="bot-1",
        )
    )


@pytest.mark.parametrize(
    ("name", "invoker", "level", "target", "target_level", "expected"),
    [
        ("mute", MOD, Level.MODERATOR, MEMBER, 0, None),
        ("ban", MOD, Level.MODERATOR, MEMBER, 0, None),
        ("ban", MEMBER, Level.MEMBER, MOD, 0, "needs the moderator level"),
        ("notice", MEMBER, Level.MEMBER, MOD, 0, "needs the helper level"),
        ("config", MOD, Level.MODERATOR, None, 0, "needs the admin level"),
        ("mute", MOD, Level.MODERATOR, MOD, 0, "on yourself"),
        ("mute", MOD, Level.MODERATOR, BOT, 0, "the bot itself"),
        ("ban", MOD, Level.MODERATOR, OWNER, 0, "owner"),
        ("ban", MOD, Level.MODERATOR, SENIOR, 0, "top role is equal to or above"),
        ("ban", MOD, Level.MODERATOR, MEMBER, Level.MODERATOR, "same or a higher moderator"),
        ("ban", MOD, Level.MODERATOR, ANON, 0, "anonymous administrator"),
        ("ban", OWNER, Level.ADMIN, SENIOR, Level.MODERATOR, None),
        ("warn", MOD, Level.MODERATOR, None, 0, "needs a member"),
        ("report", MEMBER, Level.MEMBER, MOD, 0, None),
        ("strikes", MOD, Level.HELPER, SENIOR, 0, None),
        ("status", MEMBER, Level.HELPER, None, 0, None),
    ],
)
def test_refusal_reason(name, invoker, level, target, target_level, expected):
    reason = check(name, invoker, level, target, target_level)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None
        assert expected in reason


def test_equal_top_role_is_refused_but_lower_allowed():
    peer = Author("peer", "Peer", top_role_position=MOD.top_role_position)
    assert check("mute", MOD, Level.MODERATOR, peer) is not None
    junior = Author("junior", "Junior", top_role_position=MOD.top_role_position - 1)
    assert check("mute", MOD, Level.MODERATOR, junior) is None
