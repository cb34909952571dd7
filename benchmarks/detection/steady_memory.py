"""Steady-state memory of the detection engine: many distinct messages through one engine.

Every message gets an invented word, so the tokenizer's and the language identifier's caches keep
meeting unseen words and fill up to their bounds (a long-running bot); prints RSS as it goes.

    PYTHONPATH=. .venv/bin/python benchmarks/detection/steady_memory.py [--rounds 8]
"""

from __future__ import annotations

import argparse
import gc
import random
import string
import time
from pathlib import Path

from benchmarks.detection.corpus import build_corpus
from bot.detection.engine import DetectionEngine

BATCH = 256
ROUND = 12_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def varied(base: list[str], rng: random.Random) -> str:
    words = rng.choice(base).split()
    invented = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10)))
    words.insert(rng.randrange(len(words) + 1), invented)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=8, help=f"rounds of {ROUND:,} messages")
    arguments = parser.parse_args()
    base = build_corpus(ROUND)
    rng = random.Random(4)
    engine = DetectionEngine.load()
    engine.warm_up()
    gc.collect()
    gc.freeze()  # as PasiciApp.start does
    print(f"loaded: RSS {rss_mb():.0f} MB")
    done = 0
    start = time.perf_counter()
    for _ in range(arguments.rounds):
        texts = [varied(base, rng) for _ in range(ROUND)]
        for offset in range(0, len(texts), BATCH):
            engine.classify_many(texts[offset : offset + BATCH])
        done += len(texts)
        rate = done / (time.perf_counter() - start)
        print(f"after {done:>7,} messages: RSS {rss_mb():.0f} MB ({rate:.0f} msgs/s)")


if __name__ == "__main__":
    main()
