"""What an image detector says about one image."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImageVerdict"]


@dataclass(frozen=True, slots=True)
class ImageVerdict:
    """``nudity`` is the detector's probability (0..1) that the image shows nudity or sexual
    content; ``readable`` is False when the bytes could not be judged (corrupt, not an image,
    too large), and then ``nudity`` is 0 and ``reason`` says why. ``detector`` names the model.
    """

    nudity: float
    reason: str
    detector: str
    readable: bool = True

    @classmethod
    def unreadable(cls, reason: str, detector: str) -> ImageVerdict:
        return cls(nudity=0.0, reason=f"unreadable: {reason}", detector=detector, readable=False)
