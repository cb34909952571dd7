"""Dev-set metrics as in the issue: harmful-vs-ok P/R/F1, false flags on ok, category accuracy."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Outcome", "Scores", "confusion", "per_language", "render_table"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scored, labelled message: gold label vs predicted category (``"ok"`` = not flagged)."""

    id: str
    lang: str
    label: str
    predicted: str
    score: float
    text: str = ""


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    precision: float
    recall: float
    f1: float
    false_flag_rate: float
    category_accuracy: float

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "false_flag_rate": round(self.false_flag_rate, 4),
            "category_accuracy": round(self.category_accuracy, 4),
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(outcomes: Sequence[Outcome]) -> Scores:
    harmful = [o for o in outcomes if o.label != "ok"]
    ok = [o for o in outcomes if o.label == "ok"]
    caught = [o for o in harmful if o.predicted != "ok"]
    false_flags = sum(1 for o in ok if o.predicted != "ok")
    precision = _ratio(len(caught), len(caught) + false_flags)
    recall = _ratio(len(caught), len(harmful))
    f1 = _ratio(int(2_000_000 * precision * recall), int(1_000_000 * (precision + recall)))
    return Scores(
        n=len(outcomes),
        precision=precision,
        recall=recall,
        f1=f1,
        false_flag_rate=_ratio(false_flags, len(ok)),
        category_accuracy=_ratio(sum(1 for o in caught if o.predicted == o.label), len(caught)),
    )


def per_language(outcomes: Iterable[Outcome]) -> dict[str, Scores]:
    """Scores per language plus ``"all"``, languages sorted."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    everything = []
    for outcome in outcomes:
        groups[outcome.lang].append(outcome)
        everything.append(outcome)
    result = {lang: score(groups[lang]) for lang in sorted(groups)}
    result["all"] = score(everything)
    return result


def per_category(
    outcomes: Sequence[Outcome], labels: Sequence[str]
) -> dict[str, tuple[float, float, float, int]]:
    """One-vs-rest precision, recall, F1 and support per label."""
    result = {}
    for label in labels:
        tp = sum(1 for o in outcomes if o.label == label and o.predicted == label)
        fp = sum(1 for o in outcomes if o.label != label and o.predicted == label)
        support = sum(1 for o in outcomes if o.label == label)
        p, r = _ratio(tp, tp + fp), _ratio(tp, support)
        result[label] = (p, r, (2 * p * r / (p + r)) if p + r else 0.0, support)
    return result


def confusion(outcomes: Iterable[Outcome]) -> Counter[tuple[str, str]]:
    return Counter((o.label, o.predicted) for o in outcomes)


def render_table(table: dict[str, Scores]) -> str:
    lines = [
        "lang   n     precision  recall  F1     false-flags(ok)  category-acc",
    ]
    for lang, s in table.items():
        lines.append(
            f"{lang:<6} {s.n:<5} {s.precision:>9.3f}  {s.recall:>6.3f}  {s.f1:.3f}  "
            f"{s.false_flag_rate:>15.3f}  {s.category_accuracy:>12.3f}"
        )
    return "\n".join(lines)
