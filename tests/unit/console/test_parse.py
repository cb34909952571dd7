"""The console's command-line parser, against the shared command specs."""

from __future__ import annotations

import pytest

from adapters.console.parse import CommandLineError, parse_command_line


@pytest.mark.parametrize(
    ("line", "name", "user", "message", "options"),
    [
        ("/warn @anna rude to staff", "warn", "anna", None, {"reason": "rude to staff"}),
        ("/mute @anna 10m", "mute", "anna", None, {"duration": "10m"}),
        ("/mute @anna spamming links", "mute", "anna", None, {"reason": "spamming links"}),
        ("/ban @anna 7d raid", "ban", "anna", None, {"duration": "7d", "reason": "raid"}),
        ("/ban @anna", "ban", "anna", None, {}),
        ("/notice #12", "notice", None, "12", {}),
        ("/pasici #3 insult", "notice", None, "3", {"reason": "insult"}),
        ("/pardon @anna 2", "pardon", "anna", None, {"points": "2"}),
        ("/case #4", "case", None, None, {"case": "4"}),
        ("/case 4 wrong category", "case", None, None, {"case": "4", "reason": "wrong category"}),
        ("/config reload", "config", None, None, {"action": "reload"}),
        ("/status", "status", None, None, {}),
    ],
)
def test_parses(line, name, user, message, options):
    parsed = parse_command_line(line)
    assert (parsed.name, parsed.target_user, parsed.target_message_id) == (name, user, message)
    assert parsed.options == options


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("warn @anna", "starts with '/'"),
        ("/frobnicate", "unknown command"),
        ("/mute anna", "needs a member"),
        ("/notice 12", "needs a message"),
        ("/tempban @anna", "needs duration"),
        ("/case", "needs case"),
        ("/config restart", "needs action"),
        ("/status now", "unexpected"),
    ],
)
def test_rejects_with_a_clear_message(line, message):
    with pytest.raises(CommandLineError, match=message):
        parse_command_line(line)
