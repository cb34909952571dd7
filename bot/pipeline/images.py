"""The image step of the runner: fetch a message's images, score them, merge into the verdict.

Only messages with image attachments get here (the runner checks ``wants`` first, so a text-only
message costs nothing more). Each image (at most ``MAX_IMAGES`` a message) is fetched through the
platform's ``AttachmentFetcher`` and scored by the ``ImageDetector`` in ONE worker thread, never on
the event loop, each within a time limit. The worst score becomes a ``sexual`` ``CategoryScore``
with the reason ``image:nudity=<score>``, rescaled so that the community's
``images.review_threshold`` lands exactly on the message's ``sexual`` threshold (so the policy
flags the image from that nudity score on), and replaces the text's ``sexual`` score when
higher. It carries no rule evidence, so the normal policy sends it to
moderator review unless the community lets ``sexual`` model-only verdicts act
(``detection.model_only``). A fetch or decode failure is logged and noted in the reasons; the
text's own judgement always stands.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from bot.decisions import Decision
from bot.detection.images import ImageVerdict
from bot.events import Attachment, AttachmentKind, Message
from bot.pipeline.image_fetch import (
    AdapterFetcher,
    AttachmentFetcher,
    FetchError,
    HttpFetcher,
    safe_url,
)
from bot.pipeline.rules import resolve_rules
from bot.ports import ImageDetector
from bot.settings.community import CommunityPolicy
from bot.settings.image_models import ImageSettings
from bot.verdicts import Category, CategoryScore, Classification

__all__ = [
    "MAX_IMAGES",
    "ImageCheck",
    "ImageScreening",
    "image_attachments",
    "image_score",
    "merge_image_score",
    "policy_score",
    "start_image_screening",
]

log = logging.getLogger(__name__)

MAX_IMAGES = 4
DETECT_TIMEOUT_SECONDS = 20.0
STOPPING = "the bot is stopping"


def image_attachments(message: Message) -> tuple[Attachment, ...]:
    """The message's image attachments (kind IMAGE, or an ``image/*`` content type)."""
    return tuple(
        item
        for item in message.attachments
        if item.kind is AttachmentKind.IMAGE or item.content_type.lower().startswith("image/")
    )


@dataclass(frozen=True, slots=True)
class ImageCheck:
    """One image's outcome: a verdict, or why there is none (``problem``).

    ``label`` names the image in the case's reasons by its place in the message ("image 2 of
    3"), never by its file name or URL: reasons are kept with the case after the retention
    period blanks the message's text, and a file name is the member's words too (a Telegram
    file id would even let the bot download the picture again).
    """

    attachment: Attachment
    verdict: ImageVerdict | None = None
    problem: str = ""
    label: str = "image"


def policy_score(nudity: float, review_threshold: float, sexual_threshold: float) -> float:
    """``nudity`` on the policy's scale: ``review_threshold`` -> ``sexual_threshold``, 0 -> 0,
    1 -> 1, linear on each side (so the order of scores is kept)."""
    nudity = min(max(nudity, 0.0), 1.0)
    if nudity < review_threshold:
        return sexual_threshold * nudity / review_threshold
    rest = (nudity - review_threshold) / (1.0 - review_threshold)
    return sexual_threshold + (1.0 - sexual_threshold) * rest


def image_score(
    checks: list[ImageCheck], settings: ImageSettings, sexual_threshold: float
) -> CategoryScore | None:
    """The worst image as a ``sexual`` score with its reasons (None when nothing was checked or
    there was nothing to report); ``sexual_threshold`` is the one that applies to the message."""
    scored = [c for c in checks if c.verdict is not None and c.verdict.readable]
    reasons: list[str] = []
    score = 0.0
    if scored:
        worst = max(scored, key=lambda c: c.verdict.nudity if c.verdict else 0.0)
        assert worst.verdict is not None
        score = policy_score(worst.verdict.nudity, settings.review_threshold, sexual_threshold)
        reasons.append(
            f"image:nudity={worst.verdict.nudity:.2f} ({worst.label}, {worst.verdict.detector}, "
            f"review from {settings.review_threshold:.2f})"
        )
    for check in checks:
        if check.problem:
            reasons.append(f"image not checked: {check.label}: {check.problem}")
        elif check.verdict is not None and not check.verdict.readable:
            reasons.append(f"image not checked: {check.label}: {check.verdict.reason}")
    if not reasons:
        return None
    return CategoryScore(Category.SEXUAL, score, reasons=tuple(reasons))


def merge_image_score(classification: Classification, image: CategoryScore) -> Classification:
    """``classification`` with its ``sexual`` score replaced by ``image`` when the image scores
    higher (the text's reasons kept after the image's); otherwise the image's reasons are added."""
    text = classification.score_of(Category.SEXUAL)
    if image.score > text.score:
        merged = replace(image, reasons=(*image.reasons, *text.reasons))
    else:
        merged = replace(text, reasons=(*text.reasons, *image.reasons))
    others = tuple(item for item in classification.scores if item.category is not Category.SEXUAL)
    return replace(classification, scores=(*others, merged))


class ImageScreening:
    """Fetch and score a message's images; one instance per bot, shared by communities."""

    def __init__(
        self,
        detector: ImageDetector,
        fetchers: Mapping[str, AttachmentFetcher] | None = None,
        default_fetcher: AttachmentFetcher | None = None,
        detect_timeout_seconds: float = DETECT_TIMEOUT_SECONDS,
    ) -> None:
        self._detector = detector
        self._fetchers = dict(fetchers or {})
        self._default = default_fetcher or HttpFetcher()
        self._timeout = detect_timeout_seconds
        # One thread: decoding and the model are CPU-bound; a flood of images queues here
        # instead of taking both cores from the text pipeline.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pasici-images")
        self._stopping = asyncio.Event()

    def stop_checking(self) -> None:
        """The bot is stopping: image checks in flight end now and no new one starts (each is
        noted "the bot is stopping"), so the messages' text verdicts are recorded
        while the store and the adapters are still open, instead of waiting on slow downloads."""
        self._stopping.set()

    def wants(self, message: Message, settings: ImageSettings, text_look: Decision) -> bool:
        """Whether ``message`` has images worth checking, given its text's ``decide`` result.

        Not when the text already opens a case that acts (it stands), when the
        message is exempt, or for an edit (it changes the text; its images were checked with the
        first version)."""
        if not message.attachments:  # text-only messages: one attribute test, nothing more
            return False
        if not settings.enabled or message.edited or text_look.exempt_reason:
            return False
        if text_look.open_case and not text_look.review:
            return False
        return bool(image_attachments(message))

    async def rejudge(
        self, message: Message, policy: CommunityPolicy, classification: Classification
    ) -> Classification:
        """``classification`` with the message's images merged in (unchanged on any failure,
        and without fetching anything where ``sexual`` is disabled for the message: its
        images could not change the verdict)."""
        try:
            rules = resolve_rules(message, policy, classification.lang.value)
            if Category.SEXUAL in rules.disabled:
                return classification
            checks = await self.check(message, policy.images)
            item = image_score(checks, policy.images, rules.thresholds.of(Category.SEXUAL))
        except Exception:
            log.exception("image step failed for %s; the text verdict stands", message.dedup_key)
            return classification
        return classification if item is None else merge_image_score(classification, item)

    async def check(self, message: Message, settings: ImageSettings) -> list[ImageCheck]:
        images = image_attachments(message)
        checks: list[ImageCheck] = []
        for number, item in enumerate(images, start=1):
            if number <= MAX_IMAGES:
                check = await self._check_one(message, item, settings)
            else:
                check = ImageCheck(item, problem=f"more than {MAX_IMAGES} images")
            checks.append(replace(check, label=f"image {number} of {len(images)}"))
        return checks

    async def _check_one(
        self, message: Message, attachment: Attachment, settings: ImageSettings
    ) -> ImageCheck:
        if self._stopping.is_set():
            return ImageCheck(attachment, problem=STOPPING)
        job = asyncio.ensure_future(self._fetch_and_detect(message, attachment, settings))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait((job, stop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not job.done():
                job.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await job
        if job.cancelled():
            return ImageCheck(attachment, problem=STOPPING)
        return job.result()

    async def _fetch_and_detect(
        self, message: Message, attachment: Attachment, settings: ImageSettings
    ) -> ImageCheck:
        fetcher = self._fetchers.get(message.chat.platform, self._default)
        try:
            data = await fetcher.fetch(attachment, settings.max_bytes)
        except FetchError as error:
            log.warning(
                "image %s of %s not fetched: %s",
                safe_url(attachment.url),
                message.dedup_key,
                error,
            )
            return ImageCheck(attachment, problem=f"not fetched: {error}")
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._pool, self._detector.detect, data, settings.max_bytes)
        try:
            verdict = await asyncio.wait_for(job, self._timeout)
        except TimeoutError:
            log.warning(
                "image %s of %s: no verdict in time", safe_url(attachment.url), message.dedup_key
            )
            return ImageCheck(attachment, problem=f"no verdict within {self._timeout:g} s")
        except Exception as error:  # the detector itself failed (its model cannot load)
            log.exception("image detector %s failed", self._detector.name)
            return ImageCheck(attachment, problem=f"detector failed: {type(error).__name__}")
        if not verdict.readable:
            log.warning("image of %s %s", message.dedup_key, verdict.reason)
        return ImageCheck(attachment, verdict=verdict)

    async def close(self) -> None:
        for fetcher in {id(f): f for f in (*self._fetchers.values(), self._default)}.values():
            await fetcher.close()
        self._pool.shutdown(wait=False, cancel_futures=True)


async def start_image_screening(
    adapters: Mapping[str, object], http_fetcher: AttachmentFetcher | None = None
) -> ImageScreening | None:
    """The production image step: the open_nsfw detector, loaded now in a worker thread (a
    missing or altered model file is reported at start, and the bot runs without the image step),
    adapters that serve files themselves (Telegram's ``fetch_attachment``) and HTTP for the rest:
    from the adapter's ``attachment_hosts`` only when it names them (Discord's CDN), and from
    public addresses only in any case. ``http_fetcher`` replaces every HTTP fetcher (tests that
    serve images on 127.0.0.1).
    """
    try:
        detector = await asyncio.to_thread(_loaded_open_nsfw)
    except Exception:
        log.exception("the image detector cannot be loaded: images are not checked")
        return None
    fetchers: dict[str, AttachmentFetcher] = {}
    for platform, adapter in adapters.items():
        fetch = getattr(adapter, "fetch_attachment", None)
        hosts = getattr(adapter, "attachment_hosts", None)
        if callable(fetch):
            fetchers[platform] = AdapterFetcher(fetch)
        elif hosts and http_fetcher is None:
            fetchers[platform] = HttpFetcher(allowed_hosts=tuple(hosts))
    return ImageScreening(detector, fetchers, default_fetcher=http_fetcher)


@functools.cache
def _loaded_open_nsfw() -> ImageDetector:
    """One loaded model per process (its session is thread-safe; an app restarted in the same
    process, as the tests do, reuses it)."""
    from bot.detection.images.open_nsfw import OpenNsfwDetector

    detector = OpenNsfwDetector()
    detector.load()
    return detector
