"""The whole app (PasiciApp on the console adapter) with its production image step: the open_nsfw
detector loaded at start, HTTP fetching for platforms that do not serve files themselves.

The image is served by a local aiohttp server on 127.0.0.1; no real nudity (see
tests/unit/images/synthetic.py), hence a review threshold of 0.15 for the skin-toned picture."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web

import bot.pipeline.images as images_module
from bot.actions import AlertModerators
from bot.events import Attachment, AttachmentKind, Message
from bot.pipeline.image_fetch import HttpFetcher
from bot.pipeline.images import ImageScreening, start_image_screening
from bot.records import CaseStatus
from bot.verdicts import Category, CategoryScore, Classification, Language
from tests.unit.images.synthetic import encode, skin
from tests.unit.pipeline.test_images import FakeDetector, FakeFetcher

SKIN_PNG = encode(skin())


@pytest.fixture
async def cdn() -> AsyncIterator[str]:
    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=SKIN_PNG, content_type="image/png")

    app = web.Application()
    app.router.add_get("/beach.png", serve)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/beach.png"
    await runner.cleanup()


def local_fetcher() -> HttpFetcher:
    """The tests' CDN is on 127.0.0.1, which the production fetcher refuses."""
    return HttpFetcher(allow_private_addresses=True)


async def test_the_app_sends_a_flagged_image_to_review(open_channel, cdn: str) -> None:
    channel = await open_channel(images={"review_threshold": 0.15}, image_fetcher=local_fetcher())
    assert channel.app.images is not None
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    channel.console.pop_actions()
    photo = Attachment(AttachmentKind.IMAGE, cdn, "beach.png", "image/png", len(SKIN_PNG))
    message: Message = replace(posted, message_id="100", attachments=(photo,))
    await channel.app.runner.on_message(message)
    [alert] = channel.console.pop_actions()
    assert alert.review
    assert "possible sexual" in alert.text
    (case,) = await channel.app.store.list_cases("demo", "someone")
    assert case.status is CaseStatus.REVIEW
    assert case.reasons[0].startswith("image:nudity=0.21 (image 1 of 1, open_nsfw")
    transcript = "\n".join(channel.transcript)
    assert "[mod log] REVIEW" in transcript
    # the console and Telegram show the image's score, not only the rescaled sexual one
    assert "[mod log] why: image:nudity=0.21" in transcript
    assert "image:nudity=0.21" in alert.text


async def test_the_default_threshold_lets_the_same_image_pass(open_channel, cdn: str) -> None:
    channel = await open_channel(image_fetcher=local_fetcher())
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    photo = Attachment(AttachmentKind.IMAGE, cdn, "beach.png", "image/png", len(SKIN_PNG))
    await channel.app.runner.on_message(replace(posted, message_id="100", attachments=(photo,)))
    assert channel.console.pop_actions() == []
    assert await channel.app.store.list_cases("demo") == []


async def test_without_a_loadable_model_the_bot_runs_without_the_image_step(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing() -> None:
        raise FileNotFoundError("open-nsfw.onnx")

    monkeypatch.setattr(images_module, "_loaded_open_nsfw", missing)
    assert await start_image_screening({}) is None
    assert "images are not checked" in caplog.text


async def test_the_production_app_does_not_fetch_from_this_machine(open_channel, cdn: str) -> None:
    channel = await open_channel(images={"review_threshold": 0.15})
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    photo = Attachment(AttachmentKind.IMAGE, cdn, "beach.png", "image/png", len(SKIN_PNG))
    await channel.app.runner.on_message(replace(posted, message_id="100", attachments=(photo,)))
    assert channel.console.pop_actions() == []
    assert await channel.app.store.list_cases("demo") == []


class CdnAdapter:
    """An adapter that names its attachment hosts (as the Discord adapter does)."""

    attachment_hosts = ("cdn.discordapp.com", "media.discordapp.net")


async def test_an_adapter_that_names_its_hosts_gets_nothing_from_other_hosts(
    open_channel, cdn: str
) -> None:
    channel = await open_channel()
    screening = await start_image_screening({"discord": CdnAdapter()})
    assert screening is not None
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    photo = Attachment(AttachmentKind.IMAGE, cdn, "beach.png", "image/png")
    elsewhere = replace(posted, chat=replace(posted.chat, platform="discord"), attachments=(photo,))
    [check] = await screening.check(elsewhere, channel.app.runner.community("demo").policy.images)
    console = replace(elsewhere, chat=posted.chat)
    [other] = await screening.check(console, channel.app.runner.community("demo").policy.images)
    await screening.close()
    assert check.problem == "not fetched: 127.0.0.1 is not an attachment host of the platform"
    assert other.problem == "not fetched: 127.0.0.1 is not a public address"


class FilesAdapter:
    """An adapter that serves its own files (like Telegram's ``fetch_attachment``)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch_attachment(self, attachment: Attachment) -> bytes | None:
        self.asked.append(attachment.url)
        return SKIN_PNG


async def test_an_adapter_that_serves_files_fetches_its_own(open_channel) -> None:
    channel = await open_channel()
    files = FilesAdapter()
    screening = await start_image_screening({"telegram": files, "console": channel.console})
    assert screening is not None
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    photo = Attachment(AttachmentKind.IMAGE, "tg-file:AgAD", "p.jpg", "image/jpeg")
    telegram = replace(posted, chat=replace(posted.chat, platform="telegram"), attachments=(photo,))
    [check] = await screening.check(telegram, channel.app.runner.community("demo").policy.images)
    await screening.close()
    assert files.asked == ["tg-file:AgAD"]
    assert check.verdict is not None
    assert check.verdict.nudity == pytest.approx(0.21, abs=0.01)


class NeverAnswers:
    """A fetcher whose download never ends (a CDN that hangs)."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = False

    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        return None


class InReviewBand:
    """Every text is a borderline insult (0.45: over review_low 0.4, under the threshold 0.5)."""

    verdict = Classification(Language.NL, (CategoryScore(Category.INSULT, 0.45),))

    def classify(self, text: str) -> Classification:
        return self.verdict

    def classify_many(self, texts: list[str]) -> list[Classification]:
        return [self.verdict for _ in texts]


async def test_stopping_records_the_text_verdict_without_waiting_for_a_hung_download(
    open_channel,
) -> None:
    fetcher = NeverAnswers()
    channel = await open_channel(image_fetcher=fetcher)
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    runner = channel.app.runner
    runner.community("demo").classifier = InReviewBand()
    photo = Attachment(AttachmentKind.IMAGE, "https://cdn.example/p.jpg", "p.jpg", "image/jpeg")
    judged = asyncio.create_task(
        runner.on_message(replace(posted, message_id="100", attachments=(photo,)))
    )
    await fetcher.started.wait()
    runner.close_intake()  # what PasiciApp.stop does first
    # a guard against a hang (the download never ends), not a speed requirement
    await asyncio.wait_for(runner.wait_idle(), 60)
    await judged
    assert fetcher.cancelled
    (case,) = await channel.app.store.list_cases("demo", "someone")
    assert case.category == "insult"
    assert case.status is CaseStatus.REVIEW


async def test_an_edit_of_a_flagged_image_message_does_not_claim_the_image_passes(
    open_channel, cdn: str
) -> None:
    channel = await open_channel(images={"review_threshold": 0.15}, image_fetcher=local_fetcher())
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    photo = Attachment(AttachmentKind.IMAGE, cdn, "beach.png", "image/png", len(SKIN_PNG))
    sent = replace(posted, message_id="100", attachments=(photo,))
    await channel.app.runner.on_message(sent)
    await channel.app.runner.on_message(replace(sent, text="kijk eens", edited=True))
    (case,) = await channel.app.store.list_cases("demo", "someone")
    (note,) = await channel.app.store.list_notes("demo", "someone")
    assert note.case_number == case.number
    assert "the image this case is about was not checked again" in note.text


async def test_by_default_even_a_certain_image_and_a_borderline_text_give_one_review_only(
    open_channel,
) -> None:
    """The default community: whatever the image scores, a moderator decides. One message
    (borderline text + image, then replayed after a gateway resume) is one case: no notice,
    no deletion, no points, no sanction."""
    channel = await open_channel()
    runner = channel.app.runner
    url = "https://cdn.example/p.jpg"
    runner._images = ImageScreening(FakeDetector(), default_fetcher=FakeFetcher({url: b"1.0"}))
    posted = await channel.console.post("someone", "kijk")
    assert posted is not None
    channel.console.pop_actions()
    runner.community("demo").classifier = InReviewBand()
    photo = Attachment(AttachmentKind.IMAGE, url, "p.jpg", "image/jpeg")
    message = replace(posted, message_id="100", attachments=(photo,))
    await runner.on_message(message)
    await runner.on_message(message)  # the same message again (a replay)
    await runner._images.close()
    (case,) = await channel.app.store.list_cases("demo", "someone")
    assert (case.category, case.status, case.points) == ("sexual", CaseStatus.REVIEW, 0)
    assert case.reasons[0].startswith("image:nudity=1.00")
    [alert] = channel.console.pop_actions()
    assert isinstance(alert, AlertModerators)
    assert alert.review
    assert await channel.app.store.active_points("demo", "someone", channel.clock.now()) == 0
    now = channel.clock.now()
    assert await channel.app.store.list_strikes("demo", "someone", now, include_inactive=True) == []
    sanction = await channel.app.store.get_sanction("demo", "someone")
    assert not sanction.is_muted(now)
    assert not sanction.is_banned(now)
