"""``pasici eval``: score a labelled JSONL file and report in the issue's terms."""

from __future__ import annotations

from collections.abc import Sequence

from tqdm import tqdm

from bot.detection.engine import DetectionEngine, Thresholds
from bot.detection.tools.verdict import Verdict, verdict_of
from bot.detection.training.metrics import (
    Outcome,
    confusion,
    per_category,
    per_language,
    render_table,
)
from bot.detection.training.samples import LABELS, Sample
from bot.settings.detection_models import ModelOnlySettings

__all__ = ["DETECT_LANG", "evaluate", "render_report"]

BATCH = 256
DETECT_LANG = ""  # a sample's language when its line has none: the engine's detected one is used


def evaluate(
    samples: Sequence[Sample],
    engine: DetectionEngine,
    thresholds: Thresholds,
    progress: bool = True,
    gate: ModelOnlySettings | None = None,
) -> list[Outcome]:
    """Score each sample as ``classify`` and ``scan`` do (``verdict_of``: thresholds, then the
    community's model-only ``gate``). A sample without a language (``DETECT_LANG``) is counted
    under the language the engine detects."""
    outcomes: list[Outcome] = []
    for start in tqdm(
        range(0, len(samples), BATCH), desc="scoring", unit="batch", disable=not progress
    ):
        chunk = samples[start : start + BATCH]
        for sample, classification in zip(
            chunk, engine.classify_many([s.text for s in chunk]), strict=True
        ):
            outcomes.append(_outcome(sample, verdict_of(classification, thresholds, gate)))
    return outcomes


def _outcome(sample: Sample, verdict: Verdict) -> Outcome:
    predicted = verdict.category if verdict.flagged and verdict.category else "ok"
    lang = sample.lang or verdict.lang
    return Outcome(sample.id, lang, sample.label, predicted, verdict.score, sample.text)


def render_report(outcomes: Sequence[Outcome], worst: int = 10) -> str:
    lines = ["== harmful vs ok, per language", render_table(per_language(outcomes)), ""]
    lines.append("== per category (one vs rest): precision / recall / F1 (support)")
    langs = sorted({o.lang for o in outcomes})
    lines.append("category  " + "".join(f"{lang:<24}" for lang in [*langs, "all"]))
    tables = {lang: per_category([o for o in outcomes if o.lang == lang], LABELS) for lang in langs}
    tables["all"] = per_category(outcomes, LABELS)
    for label in LABELS:
        cells = []
        for lang in [*langs, "all"]:
            p, r, f, n = tables[lang][label]
            cells.append(f"{p:.2f}/{r:.2f}/{f:.2f} ({n})".ljust(24))
        lines.append(f"{label:<10}" + "".join(cells))
    lines += ["", "== confusion matrix (rows: gold, columns: predicted)"]
    matrix = confusion(outcomes)
    lines.append("gold\\pred  " + "".join(f"{label:>9}" for label in LABELS))
    for gold in LABELS:
        lines.append(f"{gold:<10} " + "".join(f"{matrix.get((gold, p), 0):>9}" for p in LABELS))
    false_flags = sorted(
        (o for o in outcomes if o.label == "ok" and o.predicted != "ok"), key=lambda o: -o.score
    )
    misses = sorted(
        (o for o in outcomes if o.label != "ok" and o.predicted == "ok"), key=lambda o: o.score
    )
    wrong_category = [
        o for o in outcomes if o.label not in ("ok", o.predicted) and o.predicted != "ok"
    ]
    for title, items in (
        ("false flags on ok messages (highest score first)", false_flags),
        ("missed harmful messages (lowest score first)", misses),
        ("flagged with the wrong category", wrong_category),
    ):
        lines += ["", f"== worst errors: {title} ({len(items)})"]
        for o in items[:worst]:
            lines.append(
                f"{o.id} [{o.lang}] gold={o.label} predicted={o.predicted} "
                f"score={o.score:.2f}: {o.text[:140]!r}"
            )
    return "\n".join(lines)
