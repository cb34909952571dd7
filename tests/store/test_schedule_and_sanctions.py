"""Scheduled unmute/unban: replace, due, next, claim exactly once, cancel; sanctions round-trip."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.records import SanctionChange, SanctionState, ScheduledKind
from bot.store import SqlStore
from tests.store.support import DAY, T0

UNMUTE = ScheduledKind.UNMUTE
UNBAN = ScheduledKind.UNBAN
HOUR = timedelta(hours=1)


async def test_schedule_returns_a_pending_action(store: SqlStore) -> None:
    action = await store.schedule("acme", "discord", "u1", UNMUTE, T0 + HOUR, case_number=4)
    assert (action.community, action.platform, action.user_id, action.kind) == (
        "acme",
        "discord",
        "u1",
        UNMUTE,
    )
    assert (action.due_at, action.case_number, action.fired_at, action.cancelled) == (
        T0 + HOUR,
        4,
        None,
        False,
    )


async def test_scheduling_again_replaces_only_the_same_kind_for_the_same_member(
    store: SqlStore,
) -> None:
    await store.schedule("acme", "discord", "u1", UNMUTE, T0 + HOUR)
    unban = await store.schedule("acme", "discord", "u1", UNBAN, T0 + 2 * HOUR)
    other = await store.schedule("acme", "discord", "u2", UNMUTE, T0 + 3 * HOUR)
    later = await store.schedule("acme", "discord", "u1", UNMUTE, T0 + DAY)
    due = await store.due_actions(T0 + 2 * DAY)
    assert [action.id for action in due] == [unban.id, other.id, later.id]


async def test_due_actions_include_overdue_ones_in_due_order(store: SqlStore) -> None:
    late = await store.schedule("acme", "discord", "u1", UNMUTE, T0 + 2 * HOUR)
    early = await store.schedule("acme", "discord", "u2", UNBAN, T0 - DAY)  # missed while down
    await store.schedule("acme", "discord", "u3", UNMUTE, T0 + DAY)
    assert await store.due_actions(T0 - 2 * DAY) == []
    assert [a.id for a in await store.due_actions(T0 + 2 * HOUR)] == [early.id, late.id]


async def test_next_due_at_is_the_earliest_pending_time(store: SqlStore) -> None:
    assert await store.next_due_at() is None
    first = await store.schedule("acme", "discord", "u1", UNMUTE, T0 + DAY)
    await store.schedule("stib", "telegram", "u9", UNBAN, T0 + 2 * DAY)
    assert await store.next_due_at() == T0 + DAY
    assert await store.claim_scheduled(first.id, T0 + DAY)
    assert await store.next_due_at() == T0 + 2 * DAY
    await store.cancel_scheduled("stib", "u9", UNBAN)
    assert await store.next_due_at() is None


async def test_claim_fires_once_even_after_a_restart(store: SqlStore, migrated_url: str) -> None:
    action = await store.schedule("acme", "discord", "u1", UNMUTE, T0)
    assert await store.claim_scheduled(action.id, T0) is True
    assert await store.claim_scheduled(action.id, T0 + HOUR) is False
    assert await store.due_actions(T0 + DAY) == []
    await store.close()
    from bot.store import open_store

    reopened = await open_store(migrated_url)
    try:
        assert await reopened.claim_scheduled(action.id, T0 + DAY) is False
        assert await reopened.due_actions(T0 + DAY) == []
    finally:
        await reopened.close()


async def test_concurrent_claims_have_exactly_one_winner(store: SqlStore) -> None:
    action = await store.schedule("acme", "discord", "u1", UNBAN, T0)
    results = await asyncio.gather(*(store.claim_scheduled(action.id, T0) for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_cancelled_and_replaced_actions_cannot_be_claimed(store: SqlStore) -> None:
    replaced = await store.schedule("acme", "discord", "u1", UNMUTE, T0)
    current = await store.schedule("acme", "discord", "u1", UNMUTE, T0 + HOUR)
    assert await store.claim_scheduled(replaced.id, T0) is False
    assert await store.cancel_scheduled("acme", "u1", UNMUTE) == 1
    assert await store.cancel_scheduled("acme", "u1", UNMUTE) == 0
    assert await store.claim_scheduled(current.id, T0 + HOUR) is False
    assert await store.claim_scheduled(999_999, T0) is False


async def test_concurrent_schedules_for_one_member_leave_one_pending(store: SqlStore) -> None:
    await asyncio.gather(
        *(
            store.schedule("acme", "discord", "u1", UNMUTE, T0 + index * HOUR)
            for index in range(1, 6)
        )
    )
    assert len(await store.due_actions(T0 + DAY)) == 1


@pytest.mark.parametrize(
    "state",
    [
        SanctionState(muted_until=T0 + HOUR),
        SanctionState(banned_until=T0 + DAY),
        SanctionState(banned_forever=True),
        SanctionState(muted_until=T0 + HOUR, banned_until=T0 + DAY, banned_forever=True),
    ],
)
async def test_sanctions_round_trip(store: SqlStore, state: SanctionState) -> None:
    assert await store.get_sanction("acme", "u1") == SanctionState()
    await store.set_sanction("acme", "u1", state)
    assert await store.get_sanction("acme", "u1") == state
    assert await store.get_sanction("stib", "u1") == SanctionState()
    await store.set_sanction("acme", "u1", SanctionState())
    assert await store.get_sanction("acme", "u1") == SanctionState()
    assert (await store.export_user("u1"))["sanctions"] == []


async def test_set_sanction_overwrites_the_previous_state(store: SqlStore) -> None:
    await store.set_sanction("acme", "u1", SanctionState(muted_until=T0 + HOUR))
    await store.set_sanction("acme", "u1", SanctionState(banned_forever=True))
    assert await store.get_sanction("acme", "u1") == SanctionState(banned_forever=True)


async def test_update_sanction_writes_state_and_timers_in_one_go(store: SqlStore) -> None:
    await store.schedule("acme", "discord", "u1", ScheduledKind.REAPPLY_MUTE, T0 + DAY, 1)
    seen: list[SanctionState] = []

    def change(state: SanctionState) -> SanctionChange:
        seen.append(state)
        return SanctionChange(
            SanctionState(muted_until=T0 + 2 * DAY),
            schedule=((ScheduledKind.UNMUTE, T0 + 2 * DAY),),
            cancel=(ScheduledKind.REAPPLY_MUTE,),
        )

    await store.update_sanction("acme", "u1", "discord", 4, change)
    assert seen == [SanctionState()]
    assert await store.get_sanction("acme", "u1") == SanctionState(muted_until=T0 + 2 * DAY)
    due = await store.due_actions(T0 + 3 * DAY)
    assert [(item.kind, item.due_at, item.case_number) for item in due] == [
        (ScheduledKind.UNMUTE, T0 + 2 * DAY, 4)
    ]


async def test_update_sanction_with_no_change_writes_nothing(store: SqlStore) -> None:
    await store.set_sanction("acme", "u1", SanctionState(banned_forever=True))
    await store.update_sanction("acme", "u1", "discord", None, lambda _: None)
    assert await store.get_sanction("acme", "u1") == SanctionState(banned_forever=True)
    assert await store.due_actions(T0 + 365 * DAY) == []


async def test_concurrent_sanction_updates_lose_nothing(store: SqlStore) -> None:
    until = T0 + DAY

    def ban(state: SanctionState) -> SanctionChange:
        return SanctionChange(replace(state, banned_forever=True))

    def mute(state: SanctionState) -> SanctionChange:
        return SanctionChange(replace(state, muted_until=until))

    for index in range(10):
        user = f"u{index}"
        await asyncio.gather(
            store.update_sanction("acme", user, "console", None, ban),
            store.update_sanction("acme", user, "console", None, mute),
        )
        assert await store.get_sanction("acme", user) == SanctionState(
            muted_until=until, banned_forever=True
        )
