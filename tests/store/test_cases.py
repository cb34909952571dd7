"""Cases: numbering per community (also under concurrency), atomic case+strike+audit, updates."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.actions import ActionOutcome
from bot.decisions import MemberHistory
from bot.records import CaseStatus, NewCase, SanctionState
from bot.store import SqlStore, StoreConstraintError, StoreInputError, open_store
from tests.store.support import DAY, T0, new_case

BRUSSELS_WINTER = timezone(timedelta(hours=1))


async def test_case_numbers_are_per_community(store: SqlStore) -> None:
    numbers = [
        (await store.open_case(new_case(community=community))).number
        for community in ("acme", "acme", "stib", "acme", "stib")
    ]
    assert numbers == [1, 2, 1, 3, 2]


async def test_twenty_concurrent_cases_get_numbers_one_to_twenty(store: SqlStore) -> None:
    opened = await asyncio.gather(
        *(store.open_case(new_case(user_id=f"u{index}")) for index in range(20))
    )
    assert sorted(case.number for case in opened) == list(range(1, 21))
    listed = await store.list_cases("acme", limit=100)
    assert sorted(case.number for case in listed) == list(range(1, 21))
    assert len(await store.list_audit("acme", limit=100)) == 20


async def test_open_case_round_trips_every_field(store: SqlStore) -> None:
    wanted = new_case(
        action="mute",
        points=3,
        evidence=True,
        shadow=True,
        status=CaseStatus.REVIEW,
        action_until=T0 + timedelta(minutes=10),
        spans=((0, 3, "jij"), (8, 18, "een idioot")),
        reasons=("lexicon:idioot", "target:second-person"),
    )
    opened = await store.open_case(wanted)
    loaded = await store.get_case("acme", opened.number)
    assert loaded == opened
    assert loaded is not None
    for field in (
        "community", "platform", "user_id", "user_name", "action", "actor", "reason",
        "created_at", "status", "category", "score", "lang", "channel_id", "message_id",
        "message_text", "message_link", "spans", "reasons", "points", "evidence", "shadow",
        "action_until",
    ):  # fmt: skip
        assert getattr(loaded, field) == getattr(wanted, field), field
    assert loaded.legal_hold is False
    assert loaded.outcomes == ()


async def test_open_case_writes_strike_and_audit_with_it(store: SqlStore) -> None:
    opened = await store.open_case(new_case(points=2, points_expire_at=T0 + 10 * DAY))
    (strike,) = await store.list_strikes("acme", "u1", T0)
    assert (strike.case_number, strike.points, strike.expires_at) == (1, 2, T0 + 10 * DAY)
    (entry,) = await store.list_audit("acme")
    assert (entry.action, entry.case_number, entry.target_user_id) == ("case_opened", 1, "u1")
    assert entry.reason == opened.reason


async def test_a_case_without_points_writes_no_strike(store: SqlStore) -> None:
    await store.open_case(new_case(action="review", points=0, points_expire_at=None))
    assert await store.list_strikes("acme", "u1", T0, include_inactive=True) == []
    assert len(await store.list_audit("acme")) == 1


async def test_a_failure_mid_transaction_writes_nothing(store: SqlStore) -> None:
    # the case row goes in first; the strike then breaks its CHECK (expires before it is given)
    broken = new_case(points=2, points_expire_at=T0 - DAY)
    with pytest.raises(StoreConstraintError, match="rejected write"):
        await store.open_case(broken)
    assert await store.get_case("acme", 1) is None
    assert await store.list_cases("acme") == []
    assert await store.list_audit("acme") == []
    assert await store.active_points("acme", "u1", T0) == 0
    assert (await store.export_user("u1"))["memberships"] == []
    # the number was not consumed either
    assert (await store.open_case(new_case())).number == 1


async def test_negative_points_are_refused(store: SqlStore) -> None:
    with pytest.raises(StoreConstraintError, match="negative points"):
        await store.open_case(new_case(points=-1))


async def test_times_come_back_as_utc_whatever_zone_went_in(store: SqlStore) -> None:
    local = datetime(2026, 3, 1, 13, 0, tzinfo=BRUSSELS_WINTER)
    opened = await store.open_case(new_case(created_at=local, points_expire_at=local + DAY))
    assert opened.created_at == T0
    assert opened.created_at.tzinfo is UTC
    (strike,) = await store.list_strikes("acme", "u1", T0)
    assert strike.expires_at is not None
    assert strike.expires_at.tzinfo is UTC


async def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    with pytest.raises(StoreInputError, match="naive datetime"):
        await store.open_case(new_case(created_at=datetime(2026, 3, 1, 12, 0)))


async def test_list_cases_filters_by_member_newest_first_with_limit(store: SqlStore) -> None:
    for user in ("u1", "u2", "u1", "u1"):
        await store.open_case(new_case(user_id=user))
    assert [case.number for case in await store.list_cases("acme", "u1")] == [4, 3, 1]
    assert [case.number for case in await store.list_cases("acme", "u1", limit=2)] == [4, 3]
    assert [case.number for case in await store.list_cases("acme")] == [4, 3, 2, 1]
    assert await store.list_cases("other") == []


async def test_status_reason_and_legal_hold_updates_are_audited(store: SqlStore) -> None:
    await store.open_case(new_case())
    later = T0 + DAY
    confirmed = await store.set_case_status("acme", 1, CaseStatus.CONFIRMED, "mod7", later)
    assert confirmed is not None
    assert confirmed.status is CaseStatus.CONFIRMED
    reasoned = await store.update_case_reason("acme", 1, "repeated insults", "mod7", later)
    assert reasoned is not None
    assert reasoned.reason == "repeated insults"
    held = await store.set_legal_hold("acme", 1, True, "mod7", later)
    assert held is not None
    assert held.legal_hold is True
    released = await store.set_legal_hold("acme", 1, False, "mod7", later)
    assert released is not None
    assert released.legal_hold is False
    actions = [(e.action, e.actor, e.target_user_id) for e in await store.list_audit("acme")]
    assert actions == [
        ("legal_hold_off", "mod7", "u1"),
        ("legal_hold_on", "mod7", "u1"),
        ("case_reason", "mod7", "u1"),
        ("case_confirmed", "mod7", "u1"),
        ("case_opened", "bot", "u1"),
    ]


async def test_updating_a_missing_case_returns_none_and_audits_nothing(store: SqlStore) -> None:
    assert await store.set_case_status("acme", 9, CaseStatus.UNDONE, "mod7", T0) is None
    assert await store.update_case_reason("acme", 9, "x", "mod7", T0) is None
    assert await store.set_legal_hold("acme", 9, True, "mod7", T0) is None
    assert await store.list_audit("acme") == []


async def test_outcomes_are_appended_to_the_case_and_the_audit_log(store: SqlStore) -> None:
    await store.open_case(new_case(action="mute"))
    await store.record_outcome("acme", 1, "delete", ActionOutcome(ok=True), T0)
    await store.record_outcome(
        "acme", 1, "mute", ActionOutcome(ok=False, detail="missing permission"), T0
    )
    case = await store.get_case("acme", 1)
    assert case is not None
    assert case.outcomes == ("delete: ok", "mute: failed: missing permission")
    latest = (await store.list_audit("acme"))[0]
    assert (latest.action, latest.case_number, latest.detail) == (
        "mute",
        1,
        "failed: missing permission",
    )


async def test_an_outcome_for_an_unknown_case_is_still_audited(store: SqlStore) -> None:
    await store.record_outcome("acme", 42, "ban", ActionOutcome(ok=True, detail="done"), T0)
    (entry,) = await store.list_audit("acme")
    assert (entry.action, entry.case_number, entry.detail) == ("ban", 42, "ok: done")


async def test_member_name_follows_the_latest_case(store: SqlStore) -> None:
    await store.open_case(new_case())
    await store.open_case(replace(new_case(), user_name="renamed", created_at=T0 + DAY))
    memberships = (await store.export_user("u1"))["memberships"]
    assert isinstance(memberships, list)
    (membership,) = memberships
    assert membership["user_name"] == "renamed"
    assert membership["first_seen_at"] == T0.isoformat()
    assert membership["last_seen_at"] == (T0 + DAY).isoformat()


async def test_two_bot_processes_share_the_numbering(store: SqlStore, migrated_url: str) -> None:
    # a second store on the same database has its own engine and pool, like a second process
    second = await open_store(migrated_url)
    try:
        opened = await asyncio.gather(
            *(
                (store if index % 2 else second).open_case(new_case(user_id=f"u{index}"))
                for index in range(20)
            )
        )
    finally:
        await second.close()
    assert sorted(case.number for case in opened) == list(range(1, 21))


async def test_record_judgement_claims_reads_history_and_opens_the_case_at_once(
    store: SqlStore,
) -> None:
    await store.open_case(new_case(points=2, points_expire_at=T0 + 10 * DAY))
    seen: list[MemberHistory] = []

    def judge(history: MemberHistory) -> NewCase:
        seen.append(history)
        return new_case(points=1, points_expire_at=T0 + 10 * DAY)

    opened = await store.record_judgement("discord:1:9", "acme", "u1", T0, judge)
    assert opened is not None
    assert opened.number == 2
    assert seen == [MemberHistory(active_points=2, sanction=SanctionState())]
    assert await store.get_case("acme", 2) == opened
    assert await store.active_points("acme", "u1", T0) == 3
    # a replay of the same message is refused before judge is asked again
    assert await store.record_judgement("discord:1:9", "acme", "u1", T0, judge) is None
    assert len(seen) == 1


async def test_record_judgement_without_a_case_keeps_the_claim_only(store: SqlStore) -> None:
    assert await store.record_judgement("tg:5:1", "acme", "u1", T0, lambda _: None) is None
    assert await store.list_cases("acme") == []
    assert await store.claim_message("tg:5:1", T0) is False


async def test_a_failed_case_write_releases_the_claim(store: SqlStore) -> None:
    broken = new_case(points=2, points_expire_at=T0 - DAY)
    with pytest.raises(StoreConstraintError):
        await store.record_judgement("tg:5:2", "acme", "u1", T0, lambda _: broken)
    # nothing was written, so the message can still be judged (no silent loss)
    assert await store.claim_message("tg:5:2", T0) is True


async def test_concurrent_judgements_of_one_message_open_one_case(store: SqlStore) -> None:
    results = await asyncio.gather(
        *(
            store.record_judgement("tg:5:3", "acme", "u1", T0, lambda _: new_case())
            for _ in range(8)
        )
    )
    assert sum(result is not None for result in results) == 1
    assert len(await store.list_cases("acme")) == 1


async def test_record_judgement_sees_the_sanction_and_only_active_points(store: SqlStore) -> None:
    await store.open_case(new_case(points=2, points_expire_at=T0 + DAY))
    await store.open_case(new_case(points=5, points_expire_at=T0 + 10 * DAY, user_id="u2"))
    muted = SanctionState(muted_until=T0 + 3 * DAY)
    await store.set_sanction("acme", "u1", muted)
    seen: list[MemberHistory] = []

    def judge(history: MemberHistory) -> None:
        seen.append(history)

    later = T0 + 2 * DAY  # u1's strike has expired by then; u2's points are not u1's
    await store.record_judgement("tg:9:1", "acme", "u1", later, judge)
    assert seen == [MemberHistory(active_points=0, sanction=muted)]
    assert seen[0].sanction.muted_until is not None
    assert seen[0].sanction.muted_until.tzinfo is UTC


async def test_open_case_returns_the_text_as_stored(store: SqlStore) -> None:
    wanted = new_case(
        user_name="bad\x00name\ud800",
        message_text="msg \x00 \ud83d",
        spans=((0, 3, "a\x00b"),),
        reasons=("r\ud800",),
    )
    opened = await store.open_case(wanted)
    assert await store.get_case("acme", opened.number) == opened
    assert "\x00" not in opened.user_name


async def test_two_stores_judging_one_member_at_once_both_count(
    store: SqlStore, migrated_url: str
) -> None:
    other = await open_store(migrated_url)  # a second bot process on the same database
    try:
        seen: list[int] = []

        def judge(history: MemberHistory) -> NewCase:
            seen.append(history.active_points)
            return new_case(points=2, points_expire_at=T0 + 10 * DAY)

        await asyncio.gather(
            store.record_judgement("tg:1:1", "acme", "u1", T0, judge),
            other.record_judgement("tg:1:2", "acme", "u1", T0, judge),
        )
        assert sorted(seen) == [0, 2]  # the second judgement saw the first one's points
    finally:
        await other.close()
