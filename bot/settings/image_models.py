"""Image screening settings of a community (``images:`` in the community file)."""

from __future__ import annotations

from pydantic import Field

from bot.settings.common import StrictModel

__all__ = ["DEFAULT_IMAGE_MAX_BYTES", "ImageSettings"]

DEFAULT_IMAGE_MAX_BYTES = 8 * 1024 * 1024


class ImageSettings(StrictModel):
    """Image attachments are fetched and scored for nudity by the image detector.

    ``review_threshold`` is the detector's nudity score (0..1) from which an image is flagged:
    the score is rescaled so that this value lands on the message's ``sexual`` threshold. The
    verdict is model-only (no rule evidence), so under the default policy it goes to moderator
    REVIEW; it acts on its own only if the community lists ``sexual`` in
    ``detection.model_only.categories`` (and the rescaled score reaches ``act_at``). Images over
    ``max_bytes`` are not fetched (logged, and named in the case's reasons when a case opens).
    """

    enabled: bool = True
    max_bytes: int = Field(DEFAULT_IMAGE_MAX_BYTES, ge=64 * 1024, le=50 * 1024 * 1024)
    review_threshold: float = Field(0.8, ge=0.05, le=0.99)
