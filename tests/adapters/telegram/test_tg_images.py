"""End to end with photos: fake Bot API (getFile + file download) -> real PTB -> TelegramAdapter
(``fetch_attachment``) -> the real core (PasiciApp) with the shipped open_nsfw detector.

No real nudity is used (see tests/unit/images/synthetic.py): the model gives the flat skin-toned
picture about 0.21 and the landscape about 0.00, so this community's review threshold is 0.15,
between the two. What is under test is the wiring: a Telegram photo -> getFile -> download ->
model -> ``sexual`` verdict -> policy -> mod log for REVIEW (nothing said or done to the member).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.records import CaseStatus
from tests.adapters.telegram.core_harness import Core
from tests.adapters.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.support import COMMUNITY, GROUP, JAN, MARIE, MOD_LOG
from tests.adapters.telegram.test_tg_end_to_end import drain, mod_log
from tests.unit.images.synthetic import encode, landscape, skin

IMAGES = "images:\n  review_threshold: 0.15\n"
INSULT = "Jij bent een vuile idioot"


@pytest.fixture
async def core(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Core]:
    world = Core(fake, tmp_path, community_extra=IMAGES)
    yield world
    await world.stop()


def push_photo(
    fake: FakeBotApi,
    sender: dict[str, Any],
    file_id: str,
    data: bytes,
    caption: str | None = None,
    *,
    downloadable: bool = True,
) -> int:
    """A photo message as Telegram sends it: a thumbnail and the full size (PhotoSize array);
    only the full size is served (the adapter must pick the largest)."""
    fake.add_file(file_id, data, downloadable=downloadable)
    photo = [
        {"file_id": f"{file_id}-thumb", "file_unique_id": f"{file_id}-t", "width": 90,
         "height": 90, "file_size": 1000},
        {"file_id": file_id, "file_unique_id": f"{file_id}-u", "width": 300, "height": 300,
         "file_size": len(data)},
    ]  # fmt: skip
    extra: dict[str, Any] = {"caption": caption} if caption is not None else {}
    return fake.push_message(GROUP, sender, None, photo=photo, **extra)


def member_facing_calls(fake: FakeBotApi) -> list[tuple[str, object]]:
    """Everything that reaches the group or the member: notices, deletions, restrictions."""
    return [
        (method, params)
        for method, params in fake.moderation_calls()
        if not (method in ("sendMessage", "editMessageText") and params["chat_id"] == MOD_LOG)
    ]


def downloads(fake: FakeBotApi) -> list[tuple[str, int]]:
    return [(c["file_id"], c["status"]) for c in fake.calls_to("<download>")]


async def test_a_flagged_photo_goes_to_the_mod_log_for_review(core: Core, fake: FakeBotApi) -> None:
    app = await core.start()
    posted = push_photo(fake, MARIE, "beach", encode(skin(), "JPEG", quality=90))

    await drain(core, fake)

    assert [c["file_id"] for c in fake.calls_to("getFile")] == ["beach"]
    assert downloads(fake) == [("beach", 200)]
    [entry] = mod_log(fake)
    assert "image:nudity=0.21 (image 1 of 1, open_nsfw, review from 0.15)" in entry
    assert "Nothing was done" in entry
    assert str(posted) in entry
    assert app.store is not None
    [case] = await app.store.list_cases(COMMUNITY, str(MARIE["id"]))
    assert case.status is CaseStatus.REVIEW
    assert case.category == "sexual"
    assert case.points == 0
    assert case.reasons[0].startswith("image:nudity=0.2")
    assert member_facing_calls(fake) == []  # review only: no notice, deletion or restriction


async def test_a_landscape_photo_passes(core: Core, fake: FakeBotApi) -> None:
    app = await core.start()
    push_photo(fake, JAN, "view", encode(landscape(), "JPEG"), "Mooi uitzicht vanaf het perron")

    await drain(core, fake)

    assert downloads(fake) == [("view", 200)]  # it was fetched and scored, not skipped
    assert fake.moderation_calls() == []
    assert app.store is not None
    assert await app.store.list_cases(COMMUNITY, str(JAN["id"])) == []


async def test_a_photo_that_cannot_be_downloaded_is_logged_and_the_next_message_judged(
    core: Core, fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    app = await core.start()
    caplog.set_level(logging.WARNING)
    question = "Wanneer komt de trein?"
    push_photo(fake, MARIE, "gone", encode(skin(), "JPEG"), question, downloadable=False)

    await drain(core, fake)

    assert [c["file_id"] for c in fake.calls_to("getFile")] == ["gone"]
    assert downloads(fake) == [("gone", 404)]
    assert "downloading tg-file:gone failed" in caplog.text
    assert "not fetched: the platform did not deliver the file" in caplog.text
    assert fake.moderation_calls() == []
    assert app.store is not None
    assert await app.store.list_cases(COMMUNITY, str(MARIE["id"])) == []
    # the group goes on: the member's next message is judged as usual
    fake.push_message(GROUP, MARIE, INSULT)

    await drain(core, fake)

    [case] = await app.store.list_cases(COMMUNITY, str(MARIE["id"]))
    assert case.category == "insult"
    [notice] = [c for c in fake.calls_to("sendMessage") if c["chat_id"] == GROUP]
    assert "pasici" in notice["text"].lower()
