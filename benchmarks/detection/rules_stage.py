"""Speed of the engine's rules stage (everything but the sentence encoder), one core.

Times, on the detection benchmark corpus: ``analyse`` alone (the "rules stage alone" row of
``run.py``), its parts (normalise, language id, the rest), ``hashed_ngrams``, and
``classify_with_stages`` with a zero-cost stand-in encoder (analyse + n-grams + features + light
and full heads + building the answers), batched (256) and one message at a time.

Run: ``taskset -c 1 .venv/bin/python -m benchmarks.detection.rules_stage [--size 12000]``.
Times are CPU (process) time, best of ``--repeat`` runs.
To compare two checkouts, run this file with ``PYTHONPATH`` pointing at each, alternately.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402

import numpy as np  # noqa: E402

BATCH = 256


class _NullEncoder:
    name = "null"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.zeros((len(texts), 512), dtype=np.float32)


def _timed(run: Callable[[], object]) -> float:
    """CPU seconds of ``run`` (the machine is shared: time spent descheduled does not count)."""
    gc.collect()
    begin = time.process_time()
    run()
    return time.process_time() - begin


def _in_batches(analyse: Callable[[str], object], texts: Sequence[str]) -> None:
    """As run.py's "rules stage alone": batches of 256, each batch's answers then dropped."""
    for offset in range(0, len(texts), BATCH):
        [analyse(text) for text in texts[offset : offset + BATCH]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=12_000)
    parser.add_argument("--single", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()

    from benchmarks.detection.corpus import build_corpus
    from bot.detection.classifier import RulesClassifier
    from bot.detection.engine import DetectionEngine
    from bot.detection.langid import default_identifier
    from bot.detection.learned.features import hashed_ngrams
    from bot.detection.lexicon import default_lexicon
    from bot.detection.normalise import normalise

    texts = build_corpus(args.size)
    rules = RulesClassifier()
    engine = DetectionEngine.load(embedder=_NullEncoder())  # type: ignore[arg-type]
    lexicon = default_lexicon()
    identifier = default_identifier()
    vocabulary, function_words = lexicon.vocabulary, lexicon.function_words
    for text in texts:  # warm the caches (language model words), as a running bot has them
        rules.analyse(text)
    engine.classify_with_stages(texts[:BATCH])
    normalised = [normalise(t, vocabulary, function_words) for t in texts]
    folded = [n.text for n in normalised]

    n = len(texts)
    single = texts[: args.single]
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        parts = {
            "normalise": lambda: [normalise(t, vocabulary, function_words) for t in texts],
            "identify": lambda: [identifier.identify(x.language_text) for x in normalised],
            "analyse": lambda: _in_batches(rules.analyse, texts),
            "hashed_ngrams": lambda: [hashed_ngrams(t) for t in folded],
            "engine (null encoder) batched": lambda: [
                engine.classify_with_stages(texts[o : o + BATCH]) for o in range(0, n, BATCH)
            ],
        }
        for name, run in parts.items():
            rows.setdefault(name, []).append(_timed(run) * 1000 / n)
        seconds = _timed(lambda: [engine.classify_with_stages([t]) for t in single])
        rows.setdefault("engine (null encoder) single", []).append(seconds * 1000 / len(single))
        seconds = _timed(lambda: [rules.analyse(t) for t in single])
        rows.setdefault("analyse single", []).append(seconds * 1000 / len(single))
    for name, values in rows.items():
        best = min(values)
        runs = " ".join(f"{v:.4f}" for v in values)
        print(f"{name:34s} {best:.4f} ms/msg  {1000 / best:8.0f} msgs/s   runs: {runs}")


if __name__ == "__main__":
    main()
