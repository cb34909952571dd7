"""Decode untrusted image bytes safely into a small RGB image.

Defences, in order: a byte cap (before anything is parsed); a format allow-list (the formats chat
platforms send: no PostScript, no exotic codecs); the image's declared size checked against a
pixel cap and against a memory budget for decoding that format BEFORE the pixels are decoded
(Pillow's own decompression-bomb check also applies: it refuses images over twice
``PIL.Image.MAX_IMAGE_PIXELS``); JPEG decoded at a reduced scale
(``draft``); the first frame only of an animation; and a downscale to ``max_side`` before any
analysis. Every failure is an ``ImageRejectedError`` with a short reason (never a crash).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

__all__ = [
    "ALLOWED_FORMATS",
    "DECODE_BYTES_PER_PIXEL",
    "DecodeLimits",
    "ImageRejectedError",
    "ImageTooSmallError",
    "decode_image",
]

ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP")

# Peak memory per declared pixel while Pillow decodes and downscales an image of each format
# (Pillow 13, 6300x6300 images, the costliest mode of each): WEBP ~16 bytes (libwebp's RGBA
# buffers: a 1.5 KB file of 6300x6300 took +613 MB), PNG ~8 (RGBA; RGB ~4), progressive JPEG ~3
# (baseline JPEG decodes scaled down: ~0.2), GIF ~1. Small files can declare huge images, so the
# budget is checked on the declared size, before decoding.
DECODE_BYTES_PER_PIXEL = {"JPEG": 3, "PNG": 8, "BMP": 8, "GIF": 2, "WEBP": 16}


class ImageRejectedError(ValueError):
    """The bytes are not an image this module will decode; ``args[0]`` is a short reason."""


class ImageTooSmallError(ImageRejectedError):
    """A valid image too small to judge (an emoji, an icon): not worth a model's opinion."""


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """``max_bytes`` of encoded data, ``max_pixels`` (width x height as declared), the smallest
    side worth judging, the longest side kept for analysis, and ``max_decode_bytes``: the memory
    decoding may take (declared pixels x ``DECODE_BYTES_PER_PIXEL`` of the format; 128 MiB lets
    a 40 MP JPEG, a 16 MP PNG and an 8 MP WEBP through)."""

    max_bytes: int = 8 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_side: int = 32
    max_side: int = 512
    max_decode_bytes: int = 128 * 1024 * 1024


def decode_image(data: bytes, limits: DecodeLimits) -> Image.Image:
    """``data`` as an RGB image no larger than ``limits.max_side`` on its longest side.

    Raises ``ImageRejectedError`` for anything else (too many bytes or pixels, too small, not an
    allowed format, corrupt or truncated data).
    """
    if len(data) > limits.max_bytes:
        raise ImageRejectedError(f"{len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise ImageRejectedError("no data")
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise ImageRejectedError(f"{width}x{height} pixels > {limits.max_pixels}")
            cost = width * height * DECODE_BYTES_PER_PIXEL.get(str(image.format), 16)
            if cost > limits.max_decode_bytes:
                raise ImageRejectedError(
                    f"{width}x{height} {image.format} would take ~{cost >> 20} MiB to decode "
                    f"> {limits.max_decode_bytes >> 20} MiB"
                )
            if min(width, height) < limits.min_side:
                raise ImageTooSmallError(f"{width}x{height} is too small to judge")
            image.draft("RGB", (limits.max_side, limits.max_side))  # JPEG: decode scaled down
            image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.BILINEAR)
            return image.convert("RGB")
    except ImageRejectedError:
        raise
    except UnidentifiedImageError:
        raise ImageRejectedError(f"not an image in {', '.join(ALLOWED_FORMATS)}") from None
    except Image.DecompressionBombError as error:
        raise ImageRejectedError(f"decompression bomb: {error}") from None
    except Exception as error:  # corrupt data makes Pillow raise many kinds of errors
        raise ImageRejectedError(f"{type(error).__name__}: {error}"[:200]) from None
