"""What a carried-out sanction changes: state and timers (pure, table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import ActionOutcome, Ban, MemberRef, MessageRef, Mute, SendNotice, Unban, Unmute
from bot.pipeline.sanctions import REAPPLY_MARGIN, sanction_change
from bot.records import SanctionChange, SanctionState, ScheduledKind

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
KEVIN = MemberRef("acme", "kevin")
OK = ActionOutcome(ok=True)
FOREVER = SanctionState(banned_forever=True)


@pytest.mark.parametrize(
    ("action", "outcome", "state", "expected"),
    [
        pytest.param(
            Mute(KEVIN, NOW + DAY),
            OK,
            SanctionState(),
            SanctionChange(
                SanctionState(muted_until=NOW + DAY),
                schedule=((ScheduledKind.UNMUTE, NOW + DAY),),
                cancel=(ScheduledKind.REAPPLY_MUTE,),
            ),
            id="mute: unmute timer, no renewal",
        ),
        pytest.param(
            Mute(KEVIN, NOW + 60 * DAY),
            ActionOutcome(ok=True, applied_until=NOW + 28 * DAY),
            SanctionState(),
            SanctionChange(
                SanctionState(muted_until=NOW + 60 * DAY),
                schedule=(
                    (ScheduledKind.UNMUTE, NOW + 60 * DAY),
                    (ScheduledKind.REAPPLY_MUTE, NOW + 28 * DAY - REAPPLY_MARGIN),
                ),
            ),
            id="capped mute: renewed before the cap runs out",
        ),
        pytest.param(
            Unmute(KEVIN),
            OK,
            SanctionState(muted_until=NOW + DAY, banned_until=NOW + 2 * DAY),
            SanctionChange(
                SanctionState(banned_until=NOW + 2 * DAY),
                cancel=(ScheduledKind.UNMUTE, ScheduledKind.REAPPLY_MUTE),
            ),
            id="unmute keeps a ban",
        ),
        pytest.param(
            Ban(KEVIN, until=None),
            OK,
            SanctionState(banned_until=NOW + DAY),
            SanctionChange(FOREVER, cancel=(ScheduledKind.UNBAN,)),
            id="permanent ban drops the unban timer",
        ),
        pytest.param(
            Ban(KEVIN, until=NOW + 7 * DAY),
            OK,
            SanctionState(),
            SanctionChange(
                SanctionState(banned_until=NOW + 7 * DAY),
                schedule=((ScheduledKind.UNBAN, NOW + 7 * DAY),),
            ),
            id="temp-ban: unban timer",
        ),
        pytest.param(
            Ban(KEVIN, until=NOW + 7 * DAY),
            OK,
            FOREVER,
            SanctionChange(SanctionState(banned_until=NOW + 7 * DAY, banned_forever=True)),
            id="temp-ban never shortens a permanent ban",
        ),
        pytest.param(
            Unban(KEVIN),
            OK,
            FOREVER,
            SanctionChange(SanctionState(), cancel=(ScheduledKind.UNBAN,)),
            id="unban",
        ),
    ],
)
def test_sanction_change(action, outcome, state, expected) -> None:
    assert sanction_change(action, outcome, state, NOW) == expected


def test_a_renewal_already_due_is_set_for_now_not_the_past() -> None:
    mute = Mute(KEVIN, NOW + 60 * DAY)
    capped = ActionOutcome(ok=True, applied_until=NOW + timedelta(minutes=10))
    change = sanction_change(mute, capped, SanctionState(), NOW)
    assert change is not None
    assert (ScheduledKind.REAPPLY_MUTE, NOW) in change.schedule


def test_other_actions_change_nothing() -> None:
    notice = SendNotice(
        MessageRef("acme", "c", "m", "kevin"), "nl", "Niet hier", "https://pasici.be"
    )
    assert sanction_change(notice, OK, SanctionState(), NOW) is None
