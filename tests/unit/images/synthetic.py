"""Synthetic test images (numpy + Pillow): nothing real, nothing downloaded.

The suite holds no real nudity. The shipped open_nsfw model gives the flat skin-toned image about
0.21 and the landscape about 0.00, which is enough to check the wiring with a review threshold set
between them; what the model finds in real photographs is not (and cannot be) tested here.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw

SKIN_RGB = (224, 172, 140)


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def solid(colour: tuple[int, int, int], size: tuple[int, int] = (300, 300)) -> Image.Image:
    return Image.new("RGB", size, colour)


def skin(size: tuple[int, int] = (300, 300)) -> Image.Image:
    """A flat skin-toned picture: the highest-scoring synthetic image we use (still low)."""
    return solid(SKIN_RGB, size)


def landscape(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """Blue sky gradient over green fields."""
    width, height = size
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    horizon = height // 2
    sky = np.linspace([100, 150, 255], [200, 220, 255], horizon)
    pixels[:horizon] = sky[:, None, :].astype(np.uint8)
    pixels[horizon:] = (60, 140, 50)
    return Image.fromarray(pixels)


def text_card(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Black text on white (a screenshot of a timetable, say)."""
    card = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(card)
    for row in range(8):
        draw.text((10, 10 + row * 22), "Trein 2431 Brussel-Zuid 10:04 spoor 12", fill="black")
    return card


def noise(size: tuple[int, int] = (300, 300), seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    height, width = size[1], size[0]
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that DECLARES ``width`` x ``height`` but holds no pixel data (a bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def webp_header_only(width: int, height: int) -> bytes:
    """A lossless WEBP of ``width`` x ``height`` with no real pixel data (36 bytes): a small file
    that declares a huge image."""
    bits = (width - 1) | ((height - 1) << 14)
    payload = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 11
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk
