"""Replay protection across restarts, the audit log, and config revisions deduplicated by sha256."""

from __future__ import annotations

import asyncio
import hashlib

from bot.records import AuditEntry
from bot.store import SqlStore, open_store
from tests.store.support import DAY, T0


async def test_a_message_is_claimed_once_even_after_a_restart(
    store: SqlStore, migrated_url: str
) -> None:
    assert await store.claim_message("discord:guild:42", T0) is True
    assert await store.claim_message("discord:guild:42", T0) is False
    assert await store.claim_message("discord:guild:42@edit:abc", T0) is True
    await store.close()
    reopened = await open_store(migrated_url)
    try:
        assert await reopened.claim_message("discord:guild:42", T0 + DAY) is False
        assert await reopened.claim_message("discord:guild:43", T0 + DAY) is True
    finally:
        await reopened.close()


async def test_concurrent_claims_of_one_message_have_one_winner(store: SqlStore) -> None:
    results = await asyncio.gather(*(store.claim_message("tg:1:7", T0) for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_audit_entries_round_trip_newest_first_per_community(store: SqlStore) -> None:
    entries = [
        AuditEntry("acme", "mod7", "mute", T0, target_user_id="u1", reason="spam", detail="10m"),
        AuditEntry("acme", "bot", "unmute", T0 + DAY, target_user_id="u1", case_number=3),
        AuditEntry("stib", "bot", "config_reload", T0),
    ]
    for entry in entries:
        await store.audit(entry)
    listed = await store.list_audit("acme")
    assert [entry.action for entry in listed] == ["unmute", "mute"]
    assert all(entry.id > 0 for entry in listed)
    first = listed[1]
    assert (first.actor, first.target_user_id, first.reason, first.detail, first.created_at) == (
        "mod7",
        "u1",
        "spam",
        "10m",
        T0,
    )
    assert [entry.action for entry in await store.list_audit("acme", limit=1)] == ["unmute"]
    assert [entry.action for entry in await store.list_audit("stib")] == ["config_reload"]


async def test_config_revisions_are_stored_only_when_the_content_changes(store: SqlStore) -> None:
    assert await store.latest_config_revision("bot") is None
    first = await store.save_config_revision("bot", "database: x\n", "admin", T0)
    assert first.sha256 == hashlib.sha256(b"database: x\n").hexdigest()
    again = await store.save_config_revision("bot", "database: x\n", "someone", T0 + DAY)
    assert again == first  # identical content: no new revision
    changed = await store.save_config_revision("bot", "database: y\n", "admin", T0 + DAY)
    assert changed.id != first.id
    assert await store.latest_config_revision("bot") == changed
    back = await store.save_config_revision("bot", "database: x\n", "admin", T0 + 2 * DAY)
    assert back.id not in (first.id, changed.id)  # same as an older one, but not the latest
    other = await store.save_config_revision("community:acme", "database: x\n", "admin", T0)
    assert other.scope == "community:acme"
    assert await store.latest_config_revision("bot") == back
    assert await store.latest_config_revision("community:acme") == other
