"""bot/pipeline/images.py: which messages are checked, how a verdict becomes a sexual score, and
how it goes through the normal policy (review by default; act only when the community opts in)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.decisions import Decision, MemberHistory
from bot.detection.images import ImageVerdict
from bot.events import Attachment, AttachmentKind, Message
from bot.pipeline.image_fetch import FetchError
from bot.pipeline.images import (
    MAX_IMAGES,
    ImageCheck,
    ImageScreening,
    image_attachments,
    image_score,
    merge_image_score,
    policy_score,
)
from bot.pipeline.policy import decide
from bot.settings import CommunityPolicy
from bot.settings.image_models import ImageSettings
from bot.verdicts import Category, CategoryScore, Classification, Language
from tests.unit.policy.helpers import ALL, NOW, classified, kinds, make_message

SETTINGS = ImageSettings()
DEFAULT_POLICY = CommunityPolicy(key="c", display_name="C")
PHOTO = Attachment(AttachmentKind.IMAGE, "https://cdn/photo.jpg", "photo.jpg", "image/jpeg", 10)
FILE = Attachment(AttachmentKind.FILE, "https://cdn/notes.pdf", "notes.pdf", "application/pdf")
UNTYPED_PNG = Attachment(AttachmentKind.FILE, "https://cdn/x.png", "x.png", "image/png")
CLEAN_TEXT = Classification(Language.NL, ())


def with_attachments(*items: Attachment, edited: bool = False) -> Message:
    return replace(make_message(), attachments=items, edited=edited)


class FakeDetector:
    """Answers the nudity score named in the bytes (b"0.93" -> 0.93); b"bad" is unreadable."""

    name = "fake"

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.threads: set[str] = set()
        self.block: threading.Event | None = None
        self.fail = False

    def detect(self, data: bytes, max_bytes: int | None = None) -> ImageVerdict:
        self.seen.append(data)
        self.threads.add(threading.current_thread().name)
        if self.block is not None:
            self.block.wait()
        if self.fail:
            raise RuntimeError("model gone")
        if data == b"bad":
            return ImageVerdict.unreadable("not an image", self.name)
        return ImageVerdict(float(data), f"fake={float(data):.2f}", self.name)


class FakeFetcher:
    """Serves ``files`` by URL; other URLs fail like a 404."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[tuple[str, int]] = []
        self.closed = False

    async def fetch(self, attachment: Attachment, max_bytes: int) -> bytes:
        self.asked.append((attachment.url, max_bytes))
        if attachment.url not in self.files:
            raise FetchError("HTTP 404")
        return self.files[attachment.url]

    async def close(self) -> None:
        self.closed = True


@pytest.fixture
def detector() -> FakeDetector:
    return FakeDetector()


@pytest.fixture
async def screening(detector: FakeDetector) -> AsyncIterator[ImageScreening]:
    made = ImageScreening(detector, default_fetcher=FakeFetcher({PHOTO.url: b"0.93"}))
    yield made
    if detector.block is not None:
        detector.block.set()
    await made.close()


# --- which attachments and messages --------------------------------------------------------


def test_images_are_found_by_kind_or_content_type() -> None:
    message = with_attachments(PHOTO, FILE, UNTYPED_PNG)
    assert image_attachments(message) == (PHOTO, UNTYPED_PNG)


TEXT_PASSES = Decision.allow()
TEXT_REVIEW = Decision(open_case=True, category="insult", review=True, top_action="review")
TEXT_ACTS = Decision(open_case=True, category="insult", top_action="notice")
TEXT_EXEMPT = Decision(open_case=False, exempt_reason="moderator")


@pytest.mark.parametrize(
    ("message", "settings", "look", "wanted"),
    [
        (with_attachments(PHOTO), SETTINGS, TEXT_PASSES, True),
        (with_attachments(PHOTO), SETTINGS, TEXT_REVIEW, True),
        (with_attachments(PHOTO), SETTINGS, TEXT_ACTS, False),
        (with_attachments(PHOTO), SETTINGS, TEXT_EXEMPT, False),
        (with_attachments(PHOTO, edited=True), SETTINGS, TEXT_PASSES, False),
        (with_attachments(PHOTO), ImageSettings(enabled=False), TEXT_PASSES, False),
        (with_attachments(FILE), SETTINGS, TEXT_PASSES, False),
        (make_message(), SETTINGS, TEXT_PASSES, False),
    ],
    ids=["passes", "review", "text-acts", "exempt", "edit", "disabled", "no-image", "no-file"],
)
def test_which_messages_are_checked(
    screening: ImageScreening,
    message: Message,
    settings: ImageSettings,
    look: Decision,
    wanted: bool,
) -> None:
    assert screening.wants(message, settings, look) is wanted


# --- the score ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nudity", "review", "sexual", "expected"),
    [
        (0.0, 0.8, 0.5, 0.0),
        (0.4, 0.8, 0.5, 0.25),
        (0.8, 0.8, 0.5, 0.5),
        (0.9, 0.8, 0.5, 0.75),
        (1.0, 0.8, 0.5, 1.0),
        (0.15, 0.15, 0.8, 0.8),
        (0.575, 0.15, 0.8, 0.9),
        (0.8, 0.8, 1.0, 1.0),
        (1.7, 0.8, 0.5, 1.0),
        (-1.0, 0.8, 0.5, 0.0),
    ],
)
def test_policy_score_puts_the_review_threshold_on_the_sexual_threshold(
    nudity: float, review: float, sexual: float, expected: float
) -> None:
    assert policy_score(nudity, review, sexual) == pytest.approx(expected)


def test_the_worst_image_gives_the_score_and_its_reason() -> None:
    second = replace(PHOTO, url="https://cdn/b.jpg", filename="b.jpg")
    checks = [
        ImageCheck(PHOTO, ImageVerdict(0.5, "fake=0.50", "fake")),
        ImageCheck(second, ImageVerdict(0.93, "fake=0.93", "fake")),
    ]
    item = image_score(checks, SETTINGS, 0.5)
    assert item is not None
    assert item.category is Category.SEXUAL
    assert item.score == pytest.approx(policy_score(0.93, 0.8, 0.5))
    assert item.reasons == ("image:nudity=0.93 (image, fake, review from 0.80)",)
    assert item.spans == ()  # model-only: no rule evidence


def test_problems_are_listed_and_alone_give_a_zero_score() -> None:
    checks = [
        ImageCheck(PHOTO, problem="not fetched: HTTP 404"),
        ImageCheck(UNTYPED_PNG, ImageVerdict.unreadable("truncated", "fake")),
    ]
    item = image_score(checks, SETTINGS, 0.5)
    assert item is not None
    assert item.score == 0.0
    assert item.reasons == (
        "image not checked: image: not fetched: HTTP 404",
        "image not checked: image: unreadable: truncated",
    )


def test_nothing_checked_gives_nothing() -> None:
    assert image_score([], SETTINGS, 0.5) is None


def test_merge_replaces_a_lower_text_score_and_keeps_the_others() -> None:
    text = classified(evidence=False, insult=0.3, sexual=0.2)
    image = CategoryScore(Category.SEXUAL, 0.75, reasons=("image:nudity=0.90",))
    merged = merge_image_score(text, image)
    assert merged.score_of(Category.INSULT) == text.score_of(Category.INSULT)
    assert merged.score_of(Category.SEXUAL).score == 0.75
    assert merged.score_of(Category.SEXUAL).reasons == ("image:nudity=0.90",)
    assert merged.lang is text.lang


def test_merge_keeps_a_higher_text_score_with_its_evidence() -> None:
    text = classified(sexual=0.9)
    image = CategoryScore(Category.SEXUAL, 0.6, reasons=("image:nudity=0.84",))
    kept = merge_image_score(text, image).score_of(Category.SEXUAL)
    assert kept.score == 0.9
    assert kept.spans == text.score_of(Category.SEXUAL).spans
    assert kept.reasons == ("image:nudity=0.84",)


# --- through the normal policy -------------------------------------------------------------


def _decide(classification: Classification, **detection: object) -> Decision:
    """The default policy (every threshold 0.5, the default review band)."""
    policy = CommunityPolicy.model_validate(
        {"key": "c", "display_name": "C", "detection": detection}
    )
    return decide(make_message(), classification, MemberHistory(), policy, ALL, NOW)


def test_a_nude_image_goes_to_review_by_default() -> None:
    item = image_score([ImageCheck(PHOTO, ImageVerdict(0.93, "", "fake"))], SETTINGS, 0.5)
    assert item is not None
    decision = _decide(merge_image_score(CLEAN_TEXT, item))
    assert decision.open_case
    assert decision.review
    assert decision.category == "sexual"
    assert decision.points == 0
    assert kinds(decision) == ["alert"]


def test_an_image_under_the_review_threshold_passes() -> None:
    item = image_score([ImageCheck(PHOTO, ImageVerdict(0.79, "", "fake"))], SETTINGS, 0.5)
    assert item is not None
    assert not _decide(merge_image_score(CLEAN_TEXT, item)).open_case


def test_a_community_that_lets_sexual_model_verdicts_act_gets_an_action() -> None:
    item = image_score([ImageCheck(PHOTO, ImageVerdict(0.98, "", "fake"))], SETTINGS, 0.5)
    assert item is not None
    decision = _decide(
        merge_image_score(CLEAN_TEXT, item),
        model_only={"act_at": 0.8, "categories": ["insult", "sexual"]},
    )
    assert decision.open_case
    assert not decision.review
    assert decision.category == "sexual"
    assert decision.points > 0


def test_a_failed_image_leaves_the_text_decision_as_it_was() -> None:
    text = classified(evidence=False, insult=0.45)  # in the default review band
    item = image_score([ImageCheck(PHOTO, problem="not fetched: HTTP 404")], SETTINGS, 0.5)
    assert item is not None
    alone = _decide(text)
    with_image = _decide(merge_image_score(text, item))
    assert alone.review
    assert with_image.review
    assert (with_image.category, with_image.score, with_image.reason) == (
        alone.category,
        alone.score,
        alone.reason,
    )


# --- ImageScreening ----------------------------------------------------------------------


async def test_screening_fetches_scores_in_a_worker_thread_and_merges(
    screening: ImageScreening, detector: FakeDetector
) -> None:
    merged = await screening.rejudge(with_attachments(PHOTO), DEFAULT_POLICY, CLEAN_TEXT)
    item = merged.score_of(Category.SEXUAL)
    assert item.score == pytest.approx(policy_score(0.93, 0.8, 0.5))
    assert item.reasons[0].startswith("image:nudity=0.93 (image 1 of 1, fake")
    assert detector.seen == [b"0.93"]
    assert detector.threads == {"pasici-images_0"}
    assert threading.current_thread().name not in detector.threads


async def test_the_communitys_byte_cap_goes_to_the_fetcher(detector: FakeDetector) -> None:
    fetcher = FakeFetcher({PHOTO.url: b"0.1"})
    screening = ImageScreening(detector, default_fetcher=fetcher)
    await screening.check(with_attachments(PHOTO), ImageSettings(max_bytes=100_000))
    assert fetcher.asked == [(PHOTO.url, 100_000)]
    await screening.close()
    assert fetcher.closed


async def test_each_platform_uses_its_own_fetcher(detector: FakeDetector) -> None:
    http = FakeFetcher({})
    console = FakeFetcher({PHOTO.url: b"0.2"})
    screening = ImageScreening(detector, {"console": console}, default_fetcher=http)
    [check] = await screening.check(with_attachments(PHOTO), SETTINGS)
    assert check.verdict is not None
    assert console.asked
    assert not http.asked
    await screening.close()
    assert console.closed
    assert http.closed


async def test_a_fetch_failure_is_a_problem_not_an_error(
    screening: ImageScreening, caplog: pytest.LogCaptureFixture
) -> None:
    missing = replace(PHOTO, url="https://cdn/gone.jpg?sig=secret", filename="gone.jpg")
    merged = await screening.rejudge(with_attachments(missing), DEFAULT_POLICY, CLEAN_TEXT)
    assert merged.score_of(Category.SEXUAL).reasons == (
        "image not checked: image 1 of 1: not fetched: HTTP 404",
    )
    assert "https://cdn/gone.jpg" in caplog.text
    assert "secret" not in caplog.text


async def test_an_unreadable_image_is_reported(
    detector: FakeDetector, caplog: pytest.LogCaptureFixture
) -> None:
    screening = ImageScreening(detector, default_fetcher=FakeFetcher({PHOTO.url: b"bad"}))
    [check] = await screening.check(with_attachments(PHOTO), SETTINGS)
    assert check.verdict is not None
    assert not check.verdict.readable
    assert "unreadable: not an image" in caplog.text
    await screening.close()


async def test_a_failing_detector_is_a_problem(
    screening: ImageScreening, detector: FakeDetector
) -> None:
    detector.fail = True
    [check] = await screening.check(with_attachments(PHOTO), SETTINGS)
    assert check.problem == "detector failed: RuntimeError"


async def test_a_detector_that_does_not_finish_in_time_is_a_problem(
    detector: FakeDetector,
) -> None:
    detector.block = threading.Event()
    fetcher = FakeFetcher({PHOTO.url: b"0.5"})
    screening = ImageScreening(detector, default_fetcher=fetcher, detect_timeout_seconds=0.05)
    try:
        [check] = await screening.check(with_attachments(PHOTO), SETTINGS)
    finally:
        detector.block.set()
        await screening.close()
    assert check.problem == "no verdict within 0.05 s"


async def test_at_most_max_images_are_checked(
    screening: ImageScreening, detector: FakeDetector
) -> None:
    many = tuple(replace(PHOTO, filename=f"{n}.jpg") for n in range(MAX_IMAGES + 2))
    checks = await screening.check(with_attachments(*many), SETTINGS)
    assert len(detector.seen) == MAX_IMAGES
    assert [c.problem for c in checks[MAX_IMAGES:]] == [f"more than {MAX_IMAGES} images"] * 2


async def test_an_unexpected_error_leaves_the_text_verdict(
    screening: ImageScreening, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(message: Message, settings: ImageSettings) -> list[ImageCheck]:
        raise ValueError("bug")

    monkeypatch.setattr(screening, "check", broken)
    text = classified(insult=0.4)
    assert await screening.rejudge(with_attachments(PHOTO), DEFAULT_POLICY, text) is text


async def test_close_does_not_wait_for_a_stuck_detector(detector: FakeDetector) -> None:
    detector.block = threading.Event()
    screening = ImageScreening(
        detector, default_fetcher=FakeFetcher({PHOTO.url: b"0.5"}), detect_timeout_seconds=0.05
    )
    await screening.check(with_attachments(PHOTO), SETTINGS)
    await asyncio.wait_for(screening.close(), 5)
    detector.block.set()


async def test_the_review_threshold_lands_on_the_messages_own_sexual_threshold(
    detector: FakeDetector,
) -> None:
    policy = CommunityPolicy.model_validate(
        {
            "key": "c",
            "display_name": "C",
            "detection": {
                "thresholds": {"sexual": 0.8},
                "language_thresholds": {"nl": {"sexual": 0.7}},
            },
            "images": {"review_threshold": 0.6},
        }
    )
    screening = ImageScreening(detector, default_fetcher=FakeFetcher({PHOTO.url: b"0.6"}))
    message = with_attachments(PHOTO)
    dutch = await screening.rejudge(message, policy, Classification(Language.NL, ()))
    english = await screening.rejudge(message, policy, Classification(Language.EN, ()))
    await screening.close()
    assert dutch.score_of(Category.SEXUAL).score == pytest.approx(0.7)
    assert english.score_of(Category.SEXUAL).score == pytest.approx(0.8)
    assert decide(message, english, MemberHistory(), policy, ALL, NOW).review


async def test_once_stopping_no_image_is_fetched_and_the_reason_says_why(
    detector: FakeDetector,
) -> None:
    fetcher = FakeFetcher({PHOTO.url: b"0.93"})
    screening = ImageScreening(detector, default_fetcher=fetcher)
    screening.stop_checking()
    [check] = await screening.check(with_attachments(PHOTO), SETTINGS)
    await screening.close()
    assert check.problem == "the bot is stopping"
    assert fetcher.asked == []
    assert detector.seen == []


async def test_reasons_name_images_by_their_place_never_by_file_name_or_url(
    detector: FakeDetector,
) -> None:
    """Reasons outlive the message text (retention): no file name, no URL, no file id."""
    named = Attachment(
        AttachmentKind.IMAGE, "tg-file:AgADfileid", "jan_peeters_home.jpg", "image/jpeg"
    )
    fetcher = FakeFetcher({PHOTO.url: b"0.93"})
    screening = ImageScreening(detector, default_fetcher=fetcher)
    merged = await screening.rejudge(with_attachments(named, PHOTO), DEFAULT_POLICY, CLEAN_TEXT)
    await screening.close()
    reasons = merged.score_of(Category.SEXUAL).reasons
    assert reasons == (
        "image:nudity=0.93 (image 2 of 2, fake, review from 0.80)",
        "image not checked: image 1 of 2: not fetched: HTTP 404",
    )
    for private in ("jan_peeters", "AgADfileid", "photo.jpg", "https://"):
        assert not any(private in reason for reason in reasons)


async def test_no_image_is_fetched_where_sexual_is_disabled_for_the_message(
    detector: FakeDetector,
) -> None:
    """A channel that does not judge ``sexual`` (an art channel): its images could not change
    the verdict, so they are not downloaded at all."""
    art = CommunityPolicy.model_validate(
        {
            "key": "c",
            "display_name": "C",
            "overrides": [
                {"when": {"channels": ["general"]}, "set": {"disabled_categories": ["sexual"]}}
            ],
        }
    )
    fetcher = FakeFetcher({PHOTO.url: b"0.93"})
    screening = ImageScreening(detector, default_fetcher=fetcher)
    merged = await screening.rejudge(with_attachments(PHOTO), art, CLEAN_TEXT)
    elsewhere = replace(with_attachments(PHOTO), chat=replace(make_message().chat, channel_id="x"))
    await screening.rejudge(elsewhere, art, CLEAN_TEXT)
    await screening.close()
    assert merged is CLEAN_TEXT
    assert fetcher.asked == [(PHOTO.url, SETTINGS.max_bytes)]  # the other channel's only
