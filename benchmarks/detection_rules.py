"""Speed of the rules layer (``RulesClassifier``): load time, latency percentiles, worst cases.

Run: ``.venv/bin/python benchmarks/detection_rules.py [--messages 10000]``. Uses the team corpus
(bot/detection/corpus/{train,dev}/*.jsonl) when present, else built-in samples, cycled to the
requested count; one core, one message at a time (the rules layer has no batching). Also times
``analyse`` + ``hashed_ngrams``, what the engine computes for every message before its models.
Also reports rules-only quality on the dev set at a 0.6 flag threshold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "bot" / "detection" / "corpus"
FALLBACK = [
    "De trein naar Gent heeft weer twintig minuten vertraging.",
    "t'es vraiment un connard, je t'ai donné mon numéro trois fois",
    "This app is garbage, it crashed again after the update.",
    "Du bist so ein Vollidiot, lies doch meine Nachricht.",
    "y0u 4r3 4n 1d10t",
    "allez, t'es vraiment een dikke zever hein",
]
FLAG = 0.6


def _texts(split: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((CORPUS / split).glob("*.jsonl")):
        rows.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line
        )
    return rows


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()

    started = time.perf_counter()
    from bot.detection.classifier import RulesClassifier, check_rules_data

    check_rules_data()
    classifier = RulesClassifier()
    load_seconds = time.perf_counter() - started
    construct = time.perf_counter()
    for _ in range(100):
        RulesClassifier()
    construct_ms = (time.perf_counter() - construct) * 10

    rows = _texts("train") + _texts("dev")
    texts = [row["text"] for row in rows] or FALLBACK
    sample = list(itertools.islice(itertools.cycle(texts), args.messages))
    for text in sample[:200]:
        classifier.classify(text)  # warm caches
    latencies = []
    total = time.perf_counter()
    for text in sample:
        begin = time.perf_counter()
        classifier.classify(text)
        latencies.append((time.perf_counter() - begin) * 1000)
    elapsed = time.perf_counter() - total

    from bot.detection.learned.features import hashed_ngrams

    features = time.perf_counter()
    for text in sample:
        hashed_ngrams(classifier.analyse(text).normalised.text)
    features_elapsed = time.perf_counter() - features

    print(f"load (lexicon + langid + homoglyphs): {load_seconds * 1000:.0f} ms")
    print(f"RulesClassifier() construction: {construct_ms:.3f} ms")
    print(
        f"messages: {len(sample)} (distinct {len(set(sample))}), mean length "
        f"{statistics.mean(len(t) for t in sample):.0f} chars"
    )
    print(f"throughput: {len(sample) / elapsed:,.0f} msgs/s (one at a time, one core)")
    print(
        f"analyse + hashed n-grams (the engine's per-message features): "
        f"{len(sample) / features_elapsed:,.0f} msgs/s"
    )
    print(
        f"latency ms: mean {statistics.mean(latencies):.3f}  "
        f"p50 {_percentile(latencies, 0.5):.3f}  p99 {_percentile(latencies, 0.99):.3f}  "
        f"max {max(latencies):.3f}"
    )
    for label, text in (
        ("100k plain", "a" * 100_000),
        ("100k insults", "you idiot " * 10_000),
        ("100k zalgo", ("z" + "\u0301" * 50) * 2_000),
        ("100k spaced", "i d i o t " * 10_000),
    ):
        begin = time.perf_counter()
        classifier.classify(text)
        print(f"worst case {label}: {(time.perf_counter() - begin) * 1000:.1f} ms")
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    dev = _texts("dev")
    if dev:
        print(f"rules-only quality on dev (flag >= {FLAG}):")
        for lang in ("nl", "fr", "en", "de"):
            items = [row for row in dev if row["lang"] == lang]
            harmful = [row for row in items if row["label"] != "ok"]
            ok = [row for row in items if row["label"] == "ok"]
            caught = right = false_flags = 0
            for row in items:
                top = classifier.classify(row["text"]).top()
                flagged = top is not None and top.score >= FLAG
                if row["label"] != "ok" and flagged:
                    caught += 1
                    right += top is not None and top.category.value == row["label"]
                elif row["label"] == "ok" and flagged:
                    false_flags += 1
            print(
                f"  {lang}: recall {caught / max(len(harmful), 1):.2f}  false flags "
                f"{false_flags / max(len(ok), 1):.3f}  "
                f"right category {right / max(caught, 1):.2f}  "
                f"(n={len(items)})"
            )


if __name__ == "__main__":
    main()
