"""Map the public labelled sets in ``../shared/data`` to our policy, conservatively.

Our policy (see ``bot/detection/corpus/README.md``) differs from every public scheme: profanity
aimed at nothing, harsh criticism and counter-speech are ``ok``; insults need a person as target;
hate needs a protected group. So each set is mapped only where its label clearly means the same
thing as ours, and everything ambiguous is DROPPED (never guessed):

- **germeval2018** (de): OTHER -> ok; INSULT -> insult (aimed at a person); ABUSE -> hate (the
  guidelines define ABUSE as degrading someone *as a member of a group*); PROFANITY -> ok (swearing
  without a target is allowed here).
- **davidson-hate-offensive** (en): class 0 (hate) with at least two thirds of the annotators
  voting hate -> hate; class 2 (neither) -> ok; class 1 ("offensive") is DROPPED: it is mostly
  profanity and AAE, which our policy does not punish and which is a documented bias source.
- **convabuse** (en): a majority of annotators choosing abusive (-1..-3) is needed. Then: any
  annotator marking sexual harassment -> sexual; an individual target or the system (the agent
  the user talks to, like our community manager) -> insult; a
  generalised target with a racist/sexist/homophobic/transphobic/ableist tag -> hate; other abusive
  rows (e.g. abuse at "the system") are DROPPED. All annotators choosing "not abusive" -> ok.
- **mlma** (fr, en): the single label "normal" -> ok; a "hateful" label whose target is a protected
  attribute (origin, gender, sexual orientation, religion, disability) -> hate; offensive, abusive,
  disrespectful and fearful alone are DROPPED (their boundary to profanity and opinion is unclear).
- **hatemoji-build** (en): label_gold 1 -> hate (all its types are aimed at groups), 0 -> ok (this
  includes its contrastive perturbations, which are exactly the hard negatives we want).
- **iwg-refugees-de** (de): YES -> hate, NO -> ok (simplified expert labels).
- **ldnoobw** and **hades-nl** are word lists, not labelled messages: not used as training texts
  (the rules layer owns lexicons).

Each set is capped per label (``cap``, sampled with a fixed seed after sorting) so that the team's
own policy-shaped corpus keeps most of the weight; ``pasici train`` also gives public samples a
lower sample weight.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.detection.training.samples import Sample

__all__ = ["PUBLIC_SETS", "default_data_dir", "load_public"]

_PROTECTED = {"origin", "gender", "sexual_orientation", "religion", "disability"}
_CONVABUSE_HATE_TAGS = ("racist", "sexist", "homophobic", "transphobic", "ableist")
csv.field_size_limit(10_000_000)


def default_data_dir() -> Path:
    """``../shared/data`` relative to the repository root."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _rows(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _germeval(root: Path) -> Iterator[tuple[str, str, str]]:
    mapping = {"OTHER": "ok", "INSULT": "insult", "ABUSE": "hate", "PROFANITY": "ok"}
    for name in ("germeval2018.training.txt", "germeval2018.test.txt"):
        with (root / name).open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3 and parts[2] in mapping:
                    yield parts[0], "de", mapping[parts[2]]


def _davidson(root: Path) -> Iterator[tuple[str, str, str]]:
    for row in _rows(root / "labeled_data.csv"):
        count = int(row["count"] or 0)
        if row["class"] == "0" and count and int(row["hate_speech"]) * 3 >= count * 2:
            yield row["tweet"], "en", "hate"
        elif row["class"] == "2":
            yield row["tweet"], "en", "ok"


def _convabuse(root: Path) -> Iterator[tuple[str, str, str]]:
    for split in ("train", "valid", "test"):
        for row in _rows(root / f"ConvAbuseEMNLP{split}.csv"):
            label = _convabuse_label(row)
            if label is not None:
                yield row["user"], "en", label


def _flag(row: dict[str, str], key: str) -> bool:
    return (row.get(key) or "0").strip() in ("1", "1.0")


def _convabuse_label(row: dict[str, str]) -> str | None:
    annotators = sorted({key.split("_")[0] for key in row if key.startswith("Annotator")})
    rated = abusive = 0
    sexual = individual = hateful = 0
    for ann in annotators:
        votes = [v for v in ("1", "0", "-1", "-2", "-3") if _flag(row, f"{ann}_is_abuse.{v}")]
        if not votes:
            continue  # this annotator did not see the row
        rated += 1
        if votes[0].startswith("-"):
            abusive += 1
            sexual += _flag(row, f"{ann}_sex_harassment")
            individual += _flag(row, f"{ann}_target.individual") or _flag(
                row, f"{ann}_target.system"
            )
            generalised = _flag(row, f"{ann}_target.generalised")
            hateful += generalised and any(_flag(row, f"{ann}_{t}") for t in _CONVABUSE_HATE_TAGS)
    if rated == 0:
        return None
    if abusive == 0 and all(_flag(row, f"{a}_is_abuse.1") for a in annotators if _rated(row, a)):
        return "ok"
    if abusive * 2 <= rated:
        return None
    if sexual:
        return "sexual"
    if individual * 2 >= abusive:
        return "insult"
    if hateful:
        return "hate"
    return None


def _rated(row: dict[str, str], ann: str) -> bool:
    return any(_flag(row, f"{ann}_is_abuse.{v}") for v in ("1", "0", "-1", "-2", "-3"))


def _mlma(root: Path) -> Iterator[tuple[str, str, str]]:
    for name, lang in (("fr_dataset.csv", "fr"), ("en_dataset_with_stop_words.csv", "en")):
        for row in _rows(root / name):
            labels = set(row["sentiment"].split("_"))
            if labels == {"normal"}:
                yield row["tweet"], lang, "ok"
            elif "hateful" in labels and row["target"] in _PROTECTED:
                yield row["tweet"], lang, "hate"


def _hatemoji(root: Path) -> Iterator[tuple[str, str, str]]:
    for split in ("train", "validation", "test"):
        for row in _rows(root / f"{split}.csv"):
            if row["label_gold"] in ("0", "1"):
                yield row["text"], "en", "hate" if row["label_gold"] == "1" else "ok"


def _iwg(root: Path) -> Iterator[tuple[str, str, str]]:
    for row in _rows(root / "HateSpeech_Tweets_DataSet.csv"):
        verdict = row["HateSpeech"].strip().upper()
        if verdict in ("YES", "NO"):
            yield row["Tweet"], "de", "hate" if verdict == "YES" else "ok"


PUBLIC_SETS: dict[str, Callable[[Path], Iterator[tuple[str, str, str]]]] = {
    "germeval2018": _germeval,
    "davidson-hate-offensive": _davidson,
    "convabuse": _convabuse,
    "mlma": _mlma,
    "hatemoji-build": _hatemoji,
    "iwg-refugees-de": _iwg,
}


def load_public(data_dir: Path | None = None, cap: int = 250, seed: int = 13) -> list[Sample]:
    """Mapped samples from every public set present, at most ``cap`` per (set, label).

    Missing folders are skipped (the caller reports which sets were used). Deterministic:
    rows are de-duplicated, sorted, then sampled with ``seed``.
    """
    root = data_dir or default_data_dir()
    samples: list[Sample] = []
    for name, reader in PUBLIC_SETS.items():
        folder = root / name
        if not folder.is_dir():
            continue
        by_label: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for text, lang, label in reader(folder):
            if text.strip():
                by_label[label].add((text.strip(), lang))
        for label in sorted(by_label):
            rows = sorted(by_label[label])
            random.Random(f"{seed}:{name}:{label}").shuffle(rows)
            for index, (text, lang) in enumerate(sorted(rows[:cap])):
                samples.append(Sample(f"{name}-{label}-{index}", text, lang, label, source=name))
    return samples
