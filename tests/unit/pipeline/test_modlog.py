"""bot/pipeline/modlog.py: the mod-log text Telegram and the console show for a case."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.pipeline.modlog import MAX_WHY_CHARS, case_summary
from bot.records import BOT_ACTOR, CaseRecord, CaseStatus

IMAGE_REASON = "image:nudity=0.93 (image 1 of 1, open_nsfw, review from 0.80)"


def make_case(reason: str = "model-only verdict", reasons: tuple[str, ...] = ()) -> CaseRecord:
    return CaseRecord(
        id=1,
        community="c",
        number=7,
        platform="telegram",
        user_id="42",
        user_name="Jan",
        action="review",
        actor=BOT_ACTOR,
        reason=reason,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        status=CaseStatus.REVIEW,
        category="sexual",
        score=0.91,
        lang="nl",
        message_text="kijk",
        reasons=reasons,
    )


def test_the_detectors_reasons_follow_the_policys_reason() -> None:
    summary = case_summary(make_case(reasons=(IMAGE_REASON, "model:sexual=0.10")))
    assert f"Why: model-only verdict; {IMAGE_REASON}; model:sexual=0.10" in summary.splitlines()


def test_a_case_without_detector_reasons_keeps_its_why_line() -> None:
    assert "Why: model-only verdict" in case_summary(make_case()).splitlines()


def test_reasons_alone_still_give_a_why_line() -> None:
    assert f"Why: {IMAGE_REASON}" in case_summary(make_case("", (IMAGE_REASON,))).splitlines()


def test_a_long_why_line_is_clipped() -> None:
    summary = case_summary(make_case(reasons=("x" * 2000,)))
    [why] = [line for line in summary.splitlines() if line.startswith("Why: ")]
    assert len(why) == len("Why: ") + MAX_WHY_CHARS
    assert why.endswith("...")
