"""decode_image: untrusted bytes become a small RGB image, or an ImageRejectedError."""

from __future__ import annotations

import pytest
from PIL import Image

from bot.detection.images.decode import (
    DecodeLimits,
    ImageRejectedError,
    ImageTooSmallError,
    decode_image,
)
from tests.unit.images.synthetic import (
    encode,
    landscape,
    noise,
    png_header_only,
    skin,
    text_card,
    webp_header_only,
)

LIMITS = DecodeLimits()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
def test_each_allowed_format_decodes_to_rgb(fmt: str) -> None:
    image = decode_image(encode(landscape(), fmt), LIMITS)
    assert image.mode == "RGB"
    assert image.size == (400, 300)  # already small: kept as is


@pytest.mark.parametrize(
    "image", [Image.new("RGBA", (100, 80), (10, 20, 30, 0)), Image.new("L", (100, 80), 128)]
)
def test_alpha_and_grey_images_become_rgb(image: Image.Image) -> None:
    assert decode_image(encode(image), LIMITS).mode == "RGB"


def test_a_palette_image_becomes_rgb() -> None:
    palette = text_card().convert("P")
    assert decode_image(encode(palette), LIMITS).mode == "RGB"


def test_large_images_are_downscaled_before_analysis() -> None:
    big_jpeg = encode(landscape((4000, 3000)), "JPEG")
    image = decode_image(big_jpeg, LIMITS)
    assert max(image.size) <= LIMITS.max_side
    assert image.size[0] > image.size[1]  # aspect kept
    big_png = encode(noise((2000, 1000)))
    assert max(decode_image(big_png, LIMITS).size) <= LIMITS.max_side


def test_an_animation_is_judged_on_its_first_frame() -> None:
    frames = [skin((120, 120)), landscape((120, 120))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    first = decode_image(data, LIMITS)
    assert first.getpixel((60, 60)) == decode_image(encode(frames[0], "GIF"), LIMITS).getpixel(
        (60, 60)
    )


def test_more_bytes_than_the_cap_are_refused_before_parsing() -> None:
    data = encode(noise((300, 300)))
    with pytest.raises(ImageRejectedError, match=r"bytes > 1000"):
        decode_image(data, DecodeLimits(max_bytes=1000))


def test_declared_dimensions_over_the_pixel_cap_are_refused_before_decoding() -> None:
    with pytest.raises(ImageRejectedError, match=r"8000x6000 pixels > 40000000"):
        decode_image(png_header_only(8000, 6000), LIMITS)


def test_a_small_webp_declaring_a_huge_image_is_refused_before_decoding() -> None:
    """6300x6300 is under the pixel cap, but libwebp would take ~600 MB to decode it."""
    data = webp_header_only(6300, 6300)
    assert len(data) < 100
    with pytest.raises(ImageRejectedError, match=r"6300x6300 WEBP would take ~605 MiB"):
        decode_image(data, LIMITS)


def test_the_decode_budget_depends_on_the_format() -> None:
    # 5000x5000: a PNG would take ~190 MiB (refused); a JPEG decodes scaled down (kept)
    with pytest.raises(ImageRejectedError, match=r"5000x5000 PNG would take ~190 MiB"):
        decode_image(png_header_only(5000, 5000), LIMITS)
    small_budget = DecodeLimits(max_decode_bytes=1 << 20)
    with pytest.raises(ImageRejectedError, match=r"600x600 JPEG would take ~1 MiB"):
        decode_image(encode(skin((600, 600)), "JPEG"), small_budget)
    assert decode_image(encode(skin((600, 600)), "JPEG"), LIMITS).size == (512, 512)


def test_pillow_decompression_bomb_limit_applies() -> None:
    with pytest.raises(ImageRejectedError, match="decompression bomb"):
        decode_image(png_header_only(20_000, 20_000), DecodeLimits(max_pixels=10**10))


def test_a_tiny_image_is_too_small_to_judge() -> None:
    with pytest.raises(ImageTooSmallError, match="16x16"):
        decode_image(encode(skin((16, 16))), LIMITS)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"this is a text file, not an image",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    ],
    ids=["empty", "text", "pdf", "postscript", "broken-png"],
)
def test_non_images_are_rejected(data: bytes) -> None:
    with pytest.raises(ImageRejectedError):
        decode_image(data, LIMITS)


def test_formats_outside_the_allow_list_are_rejected() -> None:
    with pytest.raises(ImageRejectedError, match="not an image in JPEG, PNG"):
        decode_image(encode(landscape(), "TIFF"), LIMITS)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_data_is_rejected(fmt: str) -> None:
    data = encode(noise((300, 300)), fmt)
    with pytest.raises(ImageRejectedError):
        decode_image(data[: len(data) // 2], LIMITS)
