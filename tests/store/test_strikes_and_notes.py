"""Points: expiry, pardon (whole and partial, oldest first), strike listing, and notes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import SqlStore, StoreConstraintError
from tests.store.support import DAY, T0, new_case


async def _three_strikes(store: SqlStore) -> None:
    """1 point expiring at day 10, 2 points at day 20, 3 points that never expire."""
    await store.open_case(new_case(points=1, points_expire_at=T0 + 10 * DAY))
    await store.open_case(new_case(points=2, points_expire_at=T0 + 20 * DAY, created_at=T0 + DAY))
    await store.open_case(new_case(points=3, points_expire_at=None, created_at=T0 + 2 * DAY))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (T0 + 3 * DAY, 6),
        (T0 + 10 * DAY - timedelta(seconds=1), 6),
        (T0 + 10 * DAY, 5),  # expiry is exclusive: at expires_at the points are gone
        (T0 + 25 * DAY, 3),
        (T0 + 3650 * DAY, 3),
    ],
)
async def test_active_points_drop_as_strikes_expire(
    store: SqlStore, when: object, expected: int
) -> None:
    await _three_strikes(store)
    assert await store.active_points("acme", "u1", when) == expected  # type: ignore[arg-type]


async def test_points_are_per_member_and_per_community(store: SqlStore) -> None:
    await store.open_case(new_case(points=2))
    await store.open_case(new_case(user_id="u2", points=1))
    await store.open_case(new_case(community="stib", points=4))
    assert await store.active_points("acme", "u1", T0) == 2
    assert await store.active_points("acme", "u2", T0) == 1
    assert await store.active_points("stib", "u1", T0) == 4
    assert await store.active_points("acme", "nobody", T0) == 0


async def test_pardon_all_removes_every_active_point(store: SqlStore) -> None:
    await _three_strikes(store)
    now = T0 + 3 * DAY
    assert await store.pardon("acme", "u1", "mod7", now) == 6
    assert await store.active_points("acme", "u1", now) == 0
    assert await store.list_strikes("acme", "u1", now) == []
    pardoned = await store.list_strikes("acme", "u1", now, include_inactive=True)
    assert [strike.pardoned_at for strike in pardoned] == [now, now, now]
    entry = (await store.list_audit("acme"))[0]
    assert (entry.action, entry.actor, entry.target_user_id) == ("pardon", "mod7", "u1")
    assert entry.detail == "removed 6 point(s)"


async def test_partial_pardon_takes_the_oldest_points_first_and_splits_a_strike(
    store: SqlStore,
) -> None:
    await _three_strikes(store)
    now = T0 + 3 * DAY
    assert await store.pardon("acme", "u1", "mod7", now, points=2) == 2
    assert await store.active_points("acme", "u1", now) == 4
    active = await store.list_strikes("acme", "u1", now)
    # case 1 (1 point) fully pardoned; case 2 keeps 1 of its 2 points; case 3 untouched
    assert [(strike.case_number, strike.points) for strike in active] == [(2, 1), (3, 3)]
    every = await store.list_strikes("acme", "u1", now, include_inactive=True)
    assert sorted((s.case_number, s.points, s.pardoned_at is not None) for s in every) == [
        (1, 1, True),
        (2, 1, False),
        (2, 1, True),
        (3, 3, False),
    ]
    # the split-off part keeps the original expiry, so totals stay right as time passes
    assert await store.active_points("acme", "u1", T0 + 25 * DAY) == 3


async def test_pardon_more_than_active_removes_only_what_is_there(store: SqlStore) -> None:
    await store.open_case(new_case(points=2))
    assert await store.pardon("acme", "u1", "mod7", T0, points=5) == 2
    assert await store.pardon("acme", "u1", "mod7", T0) == 0
    assert await store.pardon("acme", "u1", "mod7", T0, points=0) == 0


async def test_pardon_ignores_expired_strikes(store: SqlStore) -> None:
    await _three_strikes(store)
    now = T0 + 15 * DAY  # case 1 expired
    assert await store.pardon("acme", "u1", "mod7", now, points=1) == 1
    every = await store.list_strikes("acme", "u1", now, include_inactive=True)
    first = next(strike for strike in every if strike.case_number == 1)
    assert first.pardoned_at is None  # expired, not pardoned


async def test_pardon_case_removes_only_that_cases_points(store: SqlStore) -> None:
    await _three_strikes(store)
    now = T0 + 3 * DAY
    assert await store.pardon_case("acme", 2, "mod7", now) == 2
    assert await store.active_points("acme", "u1", now) == 4  # cases 1 and 3 still count
    assert [s.case_number for s in await store.list_strikes("acme", "u1", now)] == [1, 3]
    entry = (await store.list_audit("acme"))[0]
    assert (entry.action, entry.case_number, entry.target_user_id) == ("pardon", 2, "u1")
    assert await store.pardon_case("acme", 2, "mod7", now) == 0  # nothing left to pardon
    assert await store.pardon_case("acme", 99, "mod7", now) == 0


async def test_negative_pardon_is_refused(store: SqlStore) -> None:
    with pytest.raises(StoreConstraintError, match="negative"):
        await store.pardon("acme", "u1", "mod7", T0, points=-1)


async def test_notes_round_trip_oldest_first(store: SqlStore) -> None:
    first = await store.add_note("acme", "u1", "mod7", "talked to them in DM", T0)
    second = await store.add_note("acme", "u1", "mod8", "apologised", T0 + DAY, case_number=3)
    await store.add_note("acme", "u2", "mod7", "someone else", T0)
    await store.add_note("stib", "u1", "mod7", "other community", T0)
    assert await store.list_notes("acme", "u1") == [first, second]
    assert (second.case_number, second.author, second.created_at) == (3, "mod8", T0 + DAY)
    assert await store.list_notes("acme", "nobody") == []
