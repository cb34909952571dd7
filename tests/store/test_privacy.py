"""Retention purge (legal holds and evidence spared), and a member's export and erasure."""

from __future__ import annotations

import json

import pytest

from bot.actions import ActionOutcome
from bot.records import AuditEntry, RetentionPolicy, SanctionState, ScheduledKind
from bot.store import SqlStore
from tests.store.support import DAY, T0, new_case

POLICY = RetentionPolicy(
    message_text_days=30, evidence_days=365, audit_days=730, processed_ids_days=14
)


async def _text(store: SqlStore, number: int) -> tuple[str | None, tuple[str, ...]]:
    case = await store.get_case("acme", number)
    assert case is not None
    return case.message_text, tuple(text for _, _, text in case.spans)


async def test_purge_blanks_old_message_text_but_spares_evidence_and_legal_hold(
    store: SqlStore,
) -> None:
    await store.open_case(new_case())  # 1: plain, old
    await store.open_case(new_case(evidence=True))  # 2: evidence, old
    await store.open_case(new_case())  # 3: plain, old, then held
    await store.open_case(new_case(created_at=T0 + 40 * DAY))  # 4: plain, recent
    await store.set_legal_hold("acme", 3, True, "mod7", T0)
    now = T0 + 50 * DAY
    counts = await store.purge_expired(now, POLICY)
    assert counts["message_text"] == 1
    assert counts["evidence_text"] == 0
    assert await _text(store, 1) == (None, ("",))
    assert await _text(store, 2) == ("jij bent een idioot", ("een idioot",))
    assert await _text(store, 3) == ("jij bent een idioot", ("een idioot",))
    assert await _text(store, 4) == ("jij bent een idioot", ("een idioot",))
    purged = await store.get_case("acme", 1)
    assert purged is not None
    assert purged.spans == ((8, 18, ""),)  # offsets kept for statistics, text gone
    assert purged.reason == "insult at a person"  # the case itself stays
    # a second run finds nothing new to purge
    assert (await store.purge_expired(now, POLICY))["message_text"] == 0


async def test_evidence_text_goes_after_the_evidence_period_unless_held(store: SqlStore) -> None:
    await store.open_case(new_case(evidence=True))
    await store.open_case(new_case(evidence=True))
    await store.set_legal_hold("acme", 2, True, "mod7", T0)
    counts = await store.purge_expired(T0 + 400 * DAY, POLICY)
    assert counts["evidence_text"] == 1
    assert await _text(store, 1) == (None, ("",))
    assert await _text(store, 2) == ("jij bent een idioot", ("een idioot",))


async def test_purge_deletes_old_audit_rows_except_those_of_held_cases(store: SqlStore) -> None:
    await store.open_case(new_case())  # case 1 -> audit "case_opened" at T0
    await store.open_case(new_case())  # case 2, held below
    await store.set_legal_hold("acme", 2, True, "mod7", T0)
    await store.audit(AuditEntry("acme", "mod7", "kick", T0, target_user_id="u5"))
    await store.audit(AuditEntry("acme", "mod7", "kick", T0 + 700 * DAY, target_user_id="u6"))
    counts = await store.purge_expired(T0 + 731 * DAY, POLICY)
    assert counts["audit"] == 2  # case 1's opening and the old kick
    kept = {(entry.action, entry.case_number) for entry in await store.list_audit("acme")}
    assert kept == {("case_opened", 2), ("legal_hold_on", 2), ("kick", None)}


async def test_purge_forgets_old_processed_message_ids(store: SqlStore) -> None:
    await store.claim_message("old", T0)
    await store.claim_message("recent", T0 + 10 * DAY)
    counts = await store.purge_expired(T0 + 15 * DAY, POLICY)
    assert counts["processed_ids"] == 1
    assert await store.claim_message("old", T0 + 15 * DAY) is True  # forgotten
    assert await store.claim_message("recent", T0 + 15 * DAY) is False


async def test_a_policy_of_none_keeps_everything(store: SqlStore) -> None:
    await store.open_case(new_case())
    await store.claim_message("old", T0)
    keep_all = RetentionPolicy(None, None, None, None)
    counts = await store.purge_expired(T0 + 5000 * DAY, keep_all)
    assert counts == {"message_text": 0, "evidence_text": 0, "audit": 0, "processed_ids": 0}
    assert await _text(store, 1) == ("jij bent een idioot", ("een idioot",))


async def _member_with_history(store: SqlStore) -> None:
    await store.open_case(new_case(points=2))  # acme #1
    await store.open_case(new_case(points=1, evidence=True, action="ban"))  # acme #2, held
    await store.open_case(new_case(community="stib", points=3))  # stib #1
    await store.open_case(new_case(user_id="u2"))  # acme #3, someone else
    await store.set_legal_hold("acme", 2, True, "mod7", T0)
    await store.record_outcome("acme", 1, "warn", ActionOutcome(ok=True), T0)
    await store.add_note("acme", "u1", "mod7", "first warning given", T0)
    await store.add_note("acme", "u1", "mod7", "threat screenshot kept", T0, case_number=2)
    await store.set_sanction("acme", "u1", SanctionState(banned_forever=True))
    pending = await store.schedule("stib", "discord", "u1", ScheduledKind.UNMUTE, T0 + DAY)
    fired = await store.schedule("acme", "discord", "u1", ScheduledKind.UNBAN, T0)
    assert await store.claim_scheduled(fired.id, T0)
    assert pending.id != fired.id


async def test_export_gathers_everything_about_the_member_across_communities(
    store: SqlStore,
) -> None:
    await _member_with_history(store)
    exported = await store.export_user("u1")
    json.dumps(exported)  # JSON-serialisable as it is
    assert exported["user_id"] == "u1"
    cases = exported["cases"]
    assert isinstance(cases, list)
    assert [(case["community"], case["number"]) for case in cases] == [
        ("acme", 1),
        ("acme", 2),
        ("stib", 1),
    ]
    assert cases[0]["outcomes"] == ["warn: ok"]
    assert cases[0]["created_at"] == T0.isoformat()
    assert {(m["community"]) for m in exported["memberships"]} == {"acme", "stib"}  # type: ignore[attr-defined]
    assert sorted(s["points"] for s in exported["strikes"]) == [1, 2, 3]  # type: ignore[attr-defined]
    assert [n["text"] for n in exported["notes"]] == [  # type: ignore[attr-defined]
        "first warning given",
        "threat screenshot kept",
    ]
    assert exported["sanctions"] == [
        {
            "community": "acme",
            "user_id": "u1",
            "muted_until": None,
            "banned_until": None,
            "banned_forever": True,
        }
    ]
    assert len(exported["scheduled_actions"]) == 2  # type: ignore[arg-type]
    audit = exported["audit"]
    assert isinstance(audit, list)
    assert all(entry["target_user_id"] == "u1" for entry in audit)
    assert {"case_opened", "legal_hold_on", "warn"} <= {entry["action"] for entry in audit}
    assert (await store.export_user("nobody"))["cases"] == []


async def test_erase_keeps_only_what_a_legal_hold_protects(store: SqlStore) -> None:
    await _member_with_history(store)
    counts = await store.erase_user("u1", T0 + DAY)
    assert counts["cases"] == 2
    assert counts["strikes"] == 2
    assert counts["notes"] == 1
    assert counts["sanctions"] == 1
    assert counts["scheduled_actions"] == 1  # the fired one; the pending unmute stays
    assert counts["memberships"] == 2
    assert counts["kept_under_legal_hold"] == 1
    held = await store.get_case("acme", 2)
    assert held is not None
    assert (held.user_id, held.message_text, held.legal_hold) == ("u1", "jij bent een idioot", True)
    assert await store.get_case("acme", 1) is None
    assert await store.get_case("stib", 1) is None
    assert await store.active_points("acme", "u1", T0) == 1  # the held case's strike
    assert [note.case_number for note in await store.list_notes("acme", "u1")] == [2]
    assert await store.get_sanction("acme", "u1") == SanctionState()
    assert [a.kind for a in await store.due_actions(T0 + DAY)] == [ScheduledKind.UNMUTE]
    # audit entries about the member lose the id and free text, except those of the held case
    acme_audit = await store.list_audit("acme", limit=100)
    about_held = [entry for entry in acme_audit if entry.case_number == 2]
    assert about_held
    assert all(entry.target_user_id == "u1" for entry in about_held)
    others = [e for e in acme_audit if e.case_number != 2 and e.target_user_id != "u2"]
    assert others
    assert all((e.target_user_id, e.reason, e.detail) == ("[erased]", "", "") for e in others)
    # someone else's data is untouched
    assert await store.get_case("acme", 3) is not None
    exported = await store.export_user("u1")
    assert [case["number"] for case in exported["cases"]] == [2]  # type: ignore[attr-defined]


@pytest.mark.parametrize("user_id", ["never-seen", ""])
async def test_erasing_an_unknown_member_changes_nothing(store: SqlStore, user_id: str) -> None:
    await store.open_case(new_case())
    counts = await store.erase_user(user_id, T0)
    assert set(counts.values()) == {0}
    assert await store.get_case("acme", 1) is not None
