"""Rebuild ``data/langid.json`` (character n-gram naive Bayes for nl/fr/en/de).

Run ``python -m bot.detection.build_langid [--data-dir ../shared/data]``. Deterministic: the same
inputs give the same file byte for byte. Sources (see ``data/NOTICE``): GermEval 2018 (de), MLMA
(fr, en), Davidson et al. (en), Dutch sentences written by the team
(``data/langid_nl_sentences.txt`` plus combinations generated below) and the team's own labelled
messages (``corpus/train/<lang>.jsonl``; the dev split only measures accuracy). Every tenth
sentence is held out; accuracy on the held-out sentences (full and cut to their first three
words) is printed, then on the team dev set.
"""

from __future__ import annotations

import argparse
import csv
import html
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bot.detection.langid import (
    LANGID_FILE,
    LANGID_LANGUAGES,
    LanguageIdentifier,
    NgramModel,
    word_ngrams,
)
from bot.detection.lexicon import default_lexicon
from bot.verdicts import Language

__all__ = ["main"]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DUTCH_FILE = Path(__file__).parent / "data" / "langid_nl_sentences.txt"
TEAM_CORPUS = Path(__file__).parent / "corpus"
SENTENCES_PER_LANGUAGE = 3000
NGRAMS_PER_LANGUAGE = 3000
HOLD_OUT_EVERY = 10
_NOISE = re.compile(r"(@\w+|https?://\S+|\bURL\b|#|\brt\b|\|LBR\||\\u[0-9a-f]{4})", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")

# Extra Dutch: combinations of everyday subjects and predicates (the n-gram model needs volume).
_NL_SUBJECTS = [
    "De trein",
    "Mijn pakje",
    "De bus",
    "Het internet",
    "Onze factuur",
    "De app",
    "De tram",
    "Het loket",
    "De klantendienst",
    "Mijn abonnement",
    "De verwarming",
    "Het zwembad",
    "De school",
    "De wedstrijd",
    "Het station",
    "De website",
    "Mijn bestelling",
    "De lift",
]
_NL_PREDICATES = [
    "is weer te laat vandaag",
    "werkt al twee dagen niet meer",
    "is nog altijd niet aangekomen",
    "was gisteren ook al een probleem",
    "moet echt beter worden",
    "is eindelijk hersteld, dank u",
    "heeft opnieuw een storing",
    "zou morgen in orde moeten zijn",
    "kost veel te veel geld",
    "is gesloten tot volgende week",
    "geeft altijd dezelfde foutmelding",
    "is heel traag sinds de update",
    "staat al een uur stil",
    "is beter dan vroeger",
    "wordt volgende maand vernieuwd",
]


def _clean(text: str) -> str:
    text = html.unescape(text)
    text = _NOISE.sub(" ", text)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _germeval(data_dir: Path) -> Iterator[str]:
    for name in ("germeval2018.training.txt", "germeval2018.test.txt"):
        with (data_dir / "germeval2018" / name).open(encoding="utf-8") as handle:
            for line in handle:
                yield line.split("\t", 1)[0]


def _csv_column(path: Path, column: str) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row[column]


def _dutch() -> Iterator[str]:
    for line in DUTCH_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line
    for subject, predicate in itertools.product(_NL_SUBJECTS, _NL_PREDICATES):
        yield f"{subject} {predicate}."


def load_corpus(data_dir: Path) -> dict[Language, list[str]]:
    """Cleaned sentences per language, capped and in a fixed order."""
    mlma = data_dir / "mlma"
    raw: dict[Language, Iterator[str]] = {
        Language.DE: _germeval(data_dir),
        Language.FR: _csv_column(mlma / "fr_dataset.csv", "tweet"),
        Language.EN: itertools.chain(
            _csv_column(mlma / "en_dataset_with_stop_words.csv", "tweet"),
            _csv_column(data_dir / "davidson-hate-offensive" / "labeled_data.csv", "tweet"),
        ),
        Language.NL: _dutch(),
    }
    corpus: dict[Language, list[str]] = {}
    for lang, sentences in raw.items():
        cleaned = (_clean(s) for s in sentences)
        public = itertools.islice(
            (s for s in cleaned if len(s.split()) >= 3), SENTENCES_PER_LANGUAGE
        )
        team = (_clean(s) for s in _team_corpus(lang))
        corpus[lang] = [*public, *(s for s in team if len(s.split()) >= 3)]
    return corpus


def _team_corpus(lang: Language, split: str = "train") -> Iterator[str]:
    """The project's own labelled messages (training uses the train split only)."""
    path = TEAM_CORPUS / split / f"{lang.value}.jsonl"
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield str(json.loads(line)["text"])


def split(sentences: list[str]) -> tuple[list[str], list[str]]:
    train = [s for i, s in enumerate(sentences) if i % HOLD_OUT_EVERY != 0]
    held_out = [s for i, s in enumerate(sentences) if i % HOLD_OUT_EVERY == 0]
    return train, held_out


def train(corpus: dict[Language, list[str]]) -> dict[str, object]:
    """Count n-grams per language, keep the most frequent, return the JSON payload."""
    counts: dict[Language, Counter[str]] = {}
    for lang in LANGID_LANGUAGES:
        counter: Counter[str] = Counter()
        for sentence in corpus[lang]:
            for word in _WORD.findall(sentence):
                counter.update(word_ngrams(word))
        counts[lang] = counter
    kept: set[str] = set()
    for counter in counts.values():
        # Ties broken alphabetically so the file is deterministic.
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        kept.update(gram for gram, _ in ranked[:NGRAMS_PER_LANGUAGE])
    vocabulary = len(kept) + 1
    totals = {lang: sum(counts[lang][g] for g in kept) for lang in LANGID_LANGUAGES}
    log_probs = {
        gram: [
            round(math.log((counts[lang][gram] + 1) / (totals[lang] + vocabulary)), 4)
            for lang in LANGID_LANGUAGES
        ]
        for gram in sorted(kept)
    }
    unseen = [round(math.log(1 / (totals[lang] + vocabulary)), 4) for lang in LANGID_LANGUAGES]
    return {
        "_source": "GermEval 2018 (CC BY 4.0), MLMA (MIT), Davidson et al. (MIT), pasici team",
        "_rebuild": "python -m bot.detection.build_langid",
        "languages": [lang.value for lang in LANGID_LANGUAGES],
        "unseen": unseen,
        "log_probs": log_probs,
    }


def evaluate(identifier: LanguageIdentifier, held_out: dict[Language, list[str]]) -> None:
    for words in (None, 3):
        label = "full sentences" if words is None else f"first {words} words"
        parts = []
        for lang, sentences in held_out.items():
            texts = [s if words is None else " ".join(s.split()[:words]) for s in sentences]
            correct = sum(identifier.identify(text).lang is lang for text in texts)
            parts.append(f"{lang.value}={correct / len(texts):.3f} (n={len(texts)})")
        print(f"held-out accuracy, {label}: " + ", ".join(parts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--output", type=Path, default=LANGID_FILE)
    args = parser.parse_args(argv)
    corpus = load_corpus(args.data_dir)
    training = {}
    held_out = {}
    for lang, sentences in corpus.items():
        training[lang], held_out[lang] = split(sentences)
    payload = train(training)
    args.output.write_text(
        json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.output} ({len(payload['log_probs'])} n-grams)")  # type: ignore[arg-type]
    model = NgramModel(
        languages=LANGID_LANGUAGES,
        log_probs={g: tuple(v) for g, v in payload["log_probs"].items()},  # type: ignore[attr-defined]
        unseen=tuple(payload["unseen"]),  # type: ignore[arg-type]
    )
    identifier = LanguageIdentifier(model, default_lexicon().function_words_by_language())
    evaluate(identifier, held_out)
    dev = {lang: list(_team_corpus(lang, split="dev")) for lang in LANGID_LANGUAGES}
    if all(dev.values()):
        print("team dev set (never trained on; code-switched messages count as errors):")
        evaluate(identifier, {lang: [_clean(s) for s in texts] for lang, texts in dev.items()})


if __name__ == "__main__":
    main()
