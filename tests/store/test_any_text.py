"""Any Unicode a platform can hand over is stored without crashing, on every backend."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.store import SqlStore
from bot.store.column_types import portable_text
from tests.store.support import new_case

# st.text() includes NUL and lone surrogates, which PostgreSQL (and UTF-8) cannot store
ANY_TEXT = st.text(max_size=300)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("plain", "plain"),
        ("Brussel ça va? 🚆 Bahn", "Brussel ça va? 🚆 Bahn"),
        ("nul\x00byte", "nul\ufffdbyte"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("", ""),
    ],
)
def test_portable_text_replaces_only_what_cannot_be_stored(raw: str, stored: str) -> None:
    assert portable_text(raw) == stored


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=ANY_TEXT, name=ANY_TEXT, reason=ANY_TEXT)
@example(text="a\x00b\ud800c", name="\x00", reason="\udfff\x00")
async def test_any_text_round_trips_through_a_case_and_a_note(
    store: SqlStore, text: str, name: str, reason: str
) -> None:
    case = await store.open_case(
        new_case(
            user_name=name,
            reason=reason,
            message_text=text,
            spans=((0, len(text), text),),
            reasons=(reason,),
        )
    )
    loaded = await store.get_case("acme", case.number)
    assert loaded is not None
    assert loaded.message_text == portable_text(text)
    assert loaded.spans == ((0, len(text), portable_text(text)),)
    assert (loaded.user_name, loaded.reason) == (portable_text(name), portable_text(reason))
    assert loaded.reasons == (portable_text(reason),)
    note = await store.add_note("acme", "u1", "mod7", text, case.created_at)
    assert (await store.list_notes("acme", "u1"))[-1].text == portable_text(note.text)
