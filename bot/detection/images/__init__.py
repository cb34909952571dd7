"""Image detection: untrusted image bytes -> an ``ImageVerdict`` (a nudity score 0..1).

Pure bytes in, verdict out: fetching is the pipeline's job (``bot.pipeline.images``).

- ``verdict.py``: ``ImageVerdict`` (imported here; this package's ``__init__`` stays light so
  that ``bot.ports`` can name it without importing Pillow or onnxruntime);
- ``decode.py``: defensive decoding (byte and pixel caps, a format allow-list, Pillow's
  decompression-bomb check, downscaling before analysis);
- ``open_nsfw.py``: ``OpenNsfwDetector``, Yahoo's open_nsfw model on onnxruntime (CPU).

Under the default policy a verdict only ever sends an image to moderator review: see the README's
"Images" section.
"""

from __future__ import annotations

from bot.detection.images.verdict import ImageVerdict

__all__ = ["ImageVerdict"]
