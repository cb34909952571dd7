"""What a carried-out sanction changes (pure): the member's state and the timers to keep.

- mute: muted until its end, an unmute timer; if the platform capped it (``applied_until``
  earlier than the end, e.g. Discord's 28 days) a renewal timer a little before the cap;
- unmute: no mute, both timers cancelled;
- ban: permanent (unban timer cancelled) or until a time (unban timer, unless a permanent ban
  is already in force: a temp-ban never shortens it);
- unban: no ban, unban timer cancelled.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.actions import Action, ActionOutcome, Ban, Mute, Unban, Unmute
from bot.records import SanctionChange, SanctionState, ScheduledKind

__all__ = ["REAPPLY_MARGIN", "sanction_change"]

# How long before a platform-capped mute runs out the scheduler renews it.
REAPPLY_MARGIN = timedelta(hours=1)


def sanction_change(
    action: Action, outcome: ActionOutcome, state: SanctionState, now: datetime
) -> SanctionChange | None:
    """The change ``action`` (carried out with ``outcome``) makes to ``state``; None if none."""
    if isinstance(action, Mute):
        applied = outcome.applied_until
        if applied is not None and applied < action.until:
            renew_at = max(now, applied - REAPPLY_MARGIN)
            return SanctionChange(
                replace(state, muted_until=action.until),
                schedule=(
                    (ScheduledKind.UNMUTE, action.until),
                    (ScheduledKind.REAPPLY_MUTE, renew_at),
                ),
            )
        return SanctionChange(
            replace(state, muted_until=action.until),
            schedule=((ScheduledKind.UNMUTE, action.until),),
            cancel=(ScheduledKind.REAPPLY_MUTE,),
        )
    if isinstance(action, Unmute):
        return SanctionChange(
            replace(state, muted_until=None),
            cancel=(ScheduledKind.UNMUTE, ScheduledKind.REAPPLY_MUTE),
        )
    if isinstance(action, Ban):
        if action.until is None:
            return SanctionChange(
                replace(state, banned_forever=True, banned_until=None),
                cancel=(ScheduledKind.UNBAN,),
            )
        timer = () if state.banned_forever else ((ScheduledKind.UNBAN, action.until),)
        return SanctionChange(replace(state, banned_until=action.until), schedule=timer)
    if isinstance(action, Unban):
        return SanctionChange(
            replace(state, banned_forever=False, banned_until=None),
            cancel=(ScheduledKind.UNBAN,),
        )
    return None
