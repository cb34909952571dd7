"""End to end with images: fake Discord (gateway + REST + a CDN for attachments) -> real
discord.py -> DiscordAdapter -> the real core with the open_nsfw detector and the aiohttp fetcher.

No real nudity is used (see tests/unit/images/synthetic.py): the shipped model gives the flat
skin-toned picture about 0.21 and the landscape about 0.00, so this community's review threshold
is set to 0.15, between the two. What is under test is the wiring: attachment -> fetch -> model ->
``sexual`` verdict -> policy -> mod log for REVIEW (no notice, no sanction).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter
from bot.clock import FrozenClock
from bot.detection.engine import DetectionEngine
from bot.detection.images.open_nsfw import OpenNsfwDetector
from bot.events import Attachment, AttachmentKind, Author, ChatRef, Message
from bot.pipeline.image_fetch import HttpFetcher
from bot.pipeline.images import ImageScreening, start_image_screening
from bot.records import CaseStatus
from bot.settings import CommunityPolicy
from bot.settings.image_models import ImageSettings
from bot.settings.loader import load_community_policy
from tests.adapters.discord.conftest import make_config
from tests.adapters.discord.core_harness import COMMUNITY_FILE, Core, build_core
from tests.adapters.discord.fake_discord.payloads import (
    MOD_LOG_ID,
    TEXT_CHANNEL_ID,
    attachment_payload,
)
from tests.adapters.discord.fake_discord.server import FakeDiscord
from tests.adapters.discord.support import eventually
from tests.unit.images.synthetic import encode, landscape, skin

ALICE = 620000000000000011
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SEND = rf"/channels/{TEXT_CHANNEL_ID}/messages"
MOD_LOG = rf"/channels/{MOD_LOG_ID}/messages"
FILES = r"/files/.+"
DELETE = rf"/channels/{TEXT_CHANNEL_ID}/messages/\d+"


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    return DetectionEngine.load()


@pytest.fixture(scope="module")
def detector() -> OpenNsfwDetector:
    loaded = OpenNsfwDetector()
    loaded.load()
    return loaded


def acme(**images: object) -> CommunityPolicy:
    """The Discord tests' community, with the default sexual threshold and ``images`` set."""
    policy = load_community_policy(COMMUNITY_FILE)
    thresholds = policy.detection.thresholds.model_copy(update={"sexual": 0.5})
    detection = policy.detection.model_copy(update={"thresholds": thresholds})
    settings = ImageSettings(**{"review_threshold": 0.15, **images})  # type: ignore[arg-type]
    return policy.model_copy(update={"detection": detection, "images": settings})


@pytest.fixture
async def start_core(
    fake: FakeDiscord,
    clock: FrozenClock,
    engine: DetectionEngine,
    detector: OpenNsfwDetector,
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Any]]:
    started: list[tuple[DiscordAdapter, Core, ImageScreening]] = []

    async def start(**images: object) -> Core:
        adapter = DiscordAdapter(make_config(fake), clock=clock)
        local = HttpFetcher(timeout_seconds=5, allow_private_addresses=True)  # the fake CDN
        screening = ImageScreening(detector, default_fetcher=local)
        core = await build_core(
            tmp_path / "pasici.db", adapter, clock, engine, images=screening, policy=acme(**images)
        )
        await adapter.start(core.runner)
        started.append((adapter, core, screening))
        return core

    yield start
    for adapter, core, screening in started:
        await adapter.stop()
        await screening.close()
        await core.store.close()


@pytest.fixture
def alice(fake: FakeDiscord) -> dict[str, Any]:
    return fake.guild.add_member(ALICE, "alice")


def notices(fake: FakeDiscord) -> list[Any]:
    return [r for r in fake.requests_to("POST", SEND) if r.json and r.json.get("embeds")]


async def post_with_image(
    fake: FakeDiscord,
    author: dict[str, Any],
    text: str,
    name: str,
    data: bytes | None,
    content_type: str = "image/png",
) -> dict[str, Any]:
    """A message with one image attachment served by the fake CDN (``None``: a missing file)."""
    url = fake.serve_file(name, data, content_type) if data is not None else fake.file_url(name)
    attachment = attachment_payload(name, content_type, size=len(data or b""), url=url)
    return await fake.post_message(author, text, attachments=[attachment])


async def test_a_flagged_image_goes_to_the_mod_log_for_review(
    fake: FakeDiscord, start_core: Callable[..., Any], alice: dict[str, Any]
) -> None:
    core = await start_core()
    posted = await post_with_image(fake, alice, "kijk", "beach.png", encode(skin()))
    alert = await fake.wait_for_request("POST", MOD_LOG)
    [fetched] = fake.requests_to("GET", FILES)
    assert fetched.path == "/files/beach.png"
    assert fetched.query["hm"] == "signature"  # the URL as Discord gave it
    embed = alert.json["embeds"][0]
    assert embed["title"].startswith("Review needed #")
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert "image:nudity=0.21 (image 1 of 1, open_nsfw, review from 0.15)" in fields["Why"]
    assert fields["Category"] == "sexual"
    assert str(posted["id"]) in fields["Message"]
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.status is CaseStatus.REVIEW
    assert case.category == "sexual"
    assert case.points == 0
    assert case.reasons[0].startswith("image:nudity=0.21")
    await asyncio.sleep(0.05)
    assert notices(fake) == []  # review only: nothing is said or done to the member
    assert fake.requests_to("DELETE", DELETE) == []


async def test_a_clean_image_passes(
    fake: FakeDiscord, start_core: Callable[..., Any], alice: dict[str, Any]
) -> None:
    core = await start_core()
    await post_with_image(
        fake, alice, "Mooi uitzicht vanaf het perron", "view.png", encode(landscape())
    )
    await eventually(lambda: core.runner.judged_count == 1)
    assert [r.path for r in fake.requests_to("GET", FILES)] == ["/files/view.png"]
    await asyncio.sleep(0.05)
    assert fake.requests_to("POST", MOD_LOG) == []
    assert notices(fake) == []
    assert await core.store.list_cases("acme", str(ALICE)) == []


async def test_an_image_that_cannot_be_fetched_is_logged_and_the_text_still_judged(
    fake: FakeDiscord,
    start_core: Callable[..., Any],
    alice: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    core = await start_core()
    caplog.set_level(logging.WARNING, logger="bot.pipeline.images")
    await post_with_image(fake, alice, "Wanneer komt de trein?", "gone.png", None)
    await eventually(lambda: core.runner.judged_count == 1)
    [missing] = fake.requests_to("GET", FILES)
    assert missing.status == 404
    assert "not fetched: HTTP 404" in caplog.text
    assert "signature" not in caplog.text  # URLs are logged without their query
    assert await core.store.list_cases("acme", str(ALICE)) == []
    # the channel goes on: the next message is judged as usual
    await fake.post_message(alice, "je bent een vuile idioot")
    await fake.wait_for_request("POST", MOD_LOG)
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.category == "insult"


async def test_an_insult_with_an_image_is_acted_on_without_fetching_the_image(
    fake: FakeDiscord, start_core: Callable[..., Any], alice: dict[str, Any]
) -> None:
    core = await start_core()
    await post_with_image(fake, alice, "je bent een vuile idioot", "beach.png", encode(skin()))
    await fake.wait_for_request("POST", MOD_LOG)
    assert len(notices(fake)) == 1
    [case] = await core.store.list_cases("acme", str(ALICE))
    assert case.category == "insult"
    assert fake.requests_to("GET", FILES) == []  # the text's case stands; no image cost


async def test_a_community_with_images_disabled_fetches_nothing(
    fake: FakeDiscord, start_core: Callable[..., Any], alice: dict[str, Any]
) -> None:
    core = await start_core(enabled=False)
    await post_with_image(fake, alice, "kijk", "beach.png", encode(skin()))
    await eventually(lambda: core.runner.judged_count == 1)
    await asyncio.sleep(0.05)
    assert fake.requests_to("GET", FILES) == []
    assert fake.requests_to("POST", MOD_LOG) == []


async def test_an_image_over_the_communitys_byte_cap_is_not_fetched(
    fake: FakeDiscord, start_core: Callable[..., Any], alice: dict[str, Any]
) -> None:
    core = await start_core(max_bytes=64 * 1024)
    big = encode(skin((600, 600)), "BMP")  # ~1 MB declared in the attachment
    await post_with_image(fake, alice, "kijk", "big.bmp", big, "image/bmp")
    await eventually(lambda: core.runner.judged_count == 1)
    assert fake.requests_to("GET", FILES) == []
    assert await core.store.list_cases("acme", str(ALICE)) == []


async def test_the_production_image_step_fetches_discord_attachments_from_its_cdn_only(
    fake: FakeDiscord,
) -> None:
    """The app's own wiring: a Discord attachment URL on another host (here the fake CDN on
    127.0.0.1) is refused without a request, so a crafted URL cannot reach internal hosts."""
    adapter = DiscordAdapter(make_config(fake))
    assert adapter.attachment_hosts == ("cdn.discordapp.com", "media.discordapp.net")
    screening = await start_image_screening({"discord": adapter})
    assert screening is not None
    url = fake.serve_file("beach.png", encode(skin()), "image/png")
    photo = Attachment(AttachmentKind.IMAGE, url, "beach.png", "image/png")
    chat = ChatRef("discord", "acme", str(TEXT_CHANNEL_ID))
    message = Message(chat, "1", Author(str(ALICE), "alice"), "kijk", NOW, attachments=(photo,))
    [check] = await screening.check(message, acme().images)
    await screening.close()
    assert check.problem == "not fetched: 127.0.0.1 is not an attachment host of the platform"
    assert fake.requests_to("GET", FILES) == []
