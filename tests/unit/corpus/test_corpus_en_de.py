"""Validate the team-written English and German corpus files (bot/detection/corpus/).

These files are training and development data, so a broken line silently skews every model
trained on them: the checks below keep the schema, the label mix, the evasion share, the hard
negatives and the contrastive pairs honest, and keep the development set out of training.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "bot" / "detection" / "corpus"
LANGS = ("en", "de")
SPLITS = ("train", "dev")
FILES = [(lang, split) for lang in LANGS for split in SPLITS]
MIN_LINES = {"train": 850, "dev": 220}
ID_INFIX = {"train": "tr", "dev": "dev"}

KEYS = {"id", "text", "lang", "label", "kind", "scenario", "evasion", "pair"}
LABELS = ("ok", "insult", "hate", "sexual", "threat", "trolling")
HARMFUL = LABELS[1:]
# Share of each label per file (the label policy in the README): ~45% ok, then the harmful mix.
LABEL_SHARE = {
    "ok": (0.40, 0.55),
    "insult": (0.13, 0.23),
    "hate": (0.08, 0.16),
    "threat": (0.06, 0.13),
    "sexual": (0.05, 0.12),
    "trolling": (0.05, 0.12),
}
# ok lines that look like abuse to a naive filter: the whole point of the team's data.
HARD_NEGATIVE_KINDS = (
    "profanity",
    "complaint",
    "sarcasm",
    "question",
    "counter",
    "identity",
    "idiom",
    "negation",
    "quote",
    "product",
)
EVASION_KINDS = ("leet", "spaced", "dots", "repeat", "homoglyph", "zwsp", "emoji", "accent")
MIN_TRAIN_PAIRS = 150
ZERO_WIDTH = "\u200b"


def fold(text: str) -> str:
    """Lowercase and collapse whitespace: the form used to compare dev and train."""
    return " ".join(text.lower().split())


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w{2,}", text.lower()))


@cache
def load(lang: str, split: str) -> tuple[dict[str, Any], ...]:
    path = CORPUS / split / f"{lang}.jsonl"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{number} is not JSON: {exc}")
        assert isinstance(row, dict), f"{split}/{lang}.jsonl:{number} is not an object"
        rows.append(row)
    return tuple(rows)


def share(rows: tuple[dict[str, Any], ...], predicate: Any) -> float:
    return sum(1 for row in rows if predicate(row)) / len(rows)


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_every_line_follows_the_schema(lang: str, split: str) -> None:
    id_pattern = re.compile(rf"^{lang}-{ID_INFIX[split]}-\d{{4}}$")
    problems = []
    for row in load(lang, split):
        rid = row.get("id")
        if set(row) != KEYS:
            problems.append(f"{rid}: keys {sorted(row)}")
            continue
        text = row["text"]
        if not isinstance(rid, str) or not id_pattern.match(rid):
            problems.append(f"{rid}: bad id")
        if not isinstance(text, str) or not text.strip() or text != text.strip():
            problems.append(f"{rid}: empty or untrimmed text")
        elif len(text) > 400:
            problems.append(f"{rid}: text longer than 400 characters")
        if row["lang"] != lang:
            problems.append(f"{rid}: lang {row['lang']!r}")
        if row["label"] not in LABELS:
            problems.append(f"{rid}: label {row['label']!r}")
        for field in ("kind", "scenario"):
            if not isinstance(row[field], str) or not re.fullmatch(r"[a-z]{2,20}", row[field]):
                problems.append(f"{rid}: {field} {row[field]!r} is not a short tag")
        if not isinstance(row["evasion"], bool):
            problems.append(f"{rid}: evasion is not a boolean")
        elif row["evasion"] and row["label"] == "ok":
            problems.append(f"{rid}: an ok line cannot be an evasion")
        if row["pair"] is not None and not isinstance(row["pair"], str):
            problems.append(f"{rid}: pair must be null or an id")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_text_is_clean_unicode_without_escapes(lang: str, split: str) -> None:
    raw = (CORPUS / split / f"{lang}.jsonl").read_text(encoding="utf-8")
    # ensure_ascii=False: umlauts, emoji and evasion characters are stored as themselves.
    assert "\\u" not in raw
    for row in load(lang, split):
        categories = {unicodedata.category(ch) for ch in row["text"] if ch != ZERO_WIDTH}
        assert not categories & {"Cc", "Cf", "Co", "Cs"}, row["id"]


def test_ids_are_unique_across_all_en_de_files() -> None:
    ids = Counter(row["id"] for lang, split in FILES for row in load(lang, split))
    assert [rid for rid, count in ids.items() if count > 1] == []


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_no_text_repeats_within_a_file(lang: str, split: str) -> None:
    texts = Counter(fold(row["text"]) for row in load(lang, split))
    assert [text for text, count in texts.items() if count > 1] == []


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_minimum_size(lang: str, split: str) -> None:
    assert len(load(lang, split)) >= MIN_LINES[split]


@pytest.mark.parametrize(("lang", "split"), FILES)
@pytest.mark.parametrize("label", LABELS)
def test_label_share_matches_the_policy_mix(lang: str, split: str, label: str) -> None:
    low, high = LABEL_SHARE[label]
    observed = share(load(lang, split), lambda row: row["label"] == label)
    assert low <= observed <= high, f"{label}: {observed:.1%} outside {low:.0%}-{high:.0%}"


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_hard_negatives_make_up_most_ok_lines(lang: str, split: str) -> None:
    ok = [row for row in load(lang, split) if row["label"] == "ok"]
    hard = Counter(row["kind"] for row in ok if row["kind"] in HARD_NEGATIVE_KINDS)
    assert sum(hard.values()) / len(ok) >= 0.75
    minimum = 10 if split == "train" else 2
    assert {kind: hard[kind] for kind in HARD_NEGATIVE_KINDS if hard[kind] < minimum} == {}


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_about_a_quarter_of_harmful_lines_are_evasions(lang: str, split: str) -> None:
    harmful = tuple(row for row in load(lang, split) if row["label"] != "ok")
    assert 0.20 <= share(harmful, lambda row: row["evasion"]) <= 0.35
    for label in HARMFUL:
        assert any(row["evasion"] for row in harmful if row["label"] == label), label


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_every_evasion_technique_is_present_and_real(lang: str, split: str) -> None:
    evasions = [row for row in load(lang, split) if row["evasion"]]
    kinds = Counter(row["kind"] for row in evasions)
    assert {kind for kind in EVASION_KINDS if kinds[kind] == 0} == set()
    for row in evasions:
        text = row["text"]
        if row["kind"] == "zwsp":
            assert ZERO_WIDTH in text, row["id"]
        if row["kind"] == "homoglyph":
            scripts = {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}
            assert scripts & {"CYRILLIC", "GREEK"}, row["id"]
        if row["kind"] == "leet":
            assert re.search(r"[a-zA-Z][0-9]|[0-9][a-zA-Z]", text), row["id"]
    plain = [row for row in load(lang, split) if not row["evasion"]]
    assert [row["id"] for row in plain if ZERO_WIDTH in row["text"]] == []


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_brussels_code_switching_is_represented(lang: str, split: str) -> None:
    mixed = [row for row in load(lang, split) if row["kind"] == "codeswitch"]
    assert len(mixed) >= (10 if split == "train" else 3)
    assert {row["label"] for row in mixed} >= {"ok", "insult"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("label", LABELS)
def test_each_label_spans_many_scenarios_in_train(lang: str, label: str) -> None:
    scenarios = {row["scenario"] for row in load(lang, "train") if row["label"] == label}
    assert len(scenarios) >= 8, sorted(scenarios)


@pytest.mark.parametrize("lang", LANGS)
def test_dev_text_never_appears_in_train(lang: str) -> None:
    train = {fold(row["text"]) for row in load(lang, "train")}
    leaked = [row["id"] for row in load(lang, "dev") if fold(row["text"]) in train]
    assert leaked == []


@pytest.mark.parametrize("lang", LANGS)
def test_dev_has_no_near_duplicate_of_train(lang: str) -> None:
    train = [words(row["text"]) for row in load(lang, "train")]
    close = []
    for row in load(lang, "dev"):
        dev = words(row["text"])
        best = max(len(dev & other) / len(dev | other) for other in train)
        if best >= 0.8:
            close.append(row["id"])
    assert close == []


@pytest.mark.parametrize("lang", LANGS)
def test_dev_uses_scenarios_beyond_train(lang: str) -> None:
    train = {row["scenario"] for row in load(lang, "train")}
    dev = Counter(row["scenario"] for row in load(lang, "dev"))
    unseen = sum(count for scenario, count in dev.items() if scenario not in train)
    assert unseen / sum(dev.values()) >= 0.5


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_pairs_are_reciprocal_and_flip_the_label(lang: str, split: str) -> None:
    rows = {row["id"]: row for row in load(lang, split)}
    problems = []
    for rid, row in rows.items():
        if row["pair"] is None:
            continue
        twin = rows.get(row["pair"])
        if twin is None:
            problems.append(f"{rid}: pair {row['pair']} does not exist in this file")
        elif twin["pair"] != rid:
            problems.append(f"{rid}: pair {twin['id']} does not point back")
        elif twin["label"] == row["label"]:
            problems.append(f"{rid}: pair {twin['id']} has the same label")
        elif twin["scenario"] != row["scenario"]:
            problems.append(f"{rid}: pair {twin['id']} is from another scenario")
        elif fold(twin["text"]) == fold(row["text"]):
            problems.append(f"{rid}: pair {twin['id']} has the same text")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_train_has_many_pairs_most_of_them_harmful_versus_ok(lang: str) -> None:
    rows = {row["id"]: row for row in load(lang, "train")}
    pairs = {tuple(sorted((rid, row["pair"]))) for rid, row in rows.items() if row["pair"]}
    assert len(pairs) >= MIN_TRAIN_PAIRS
    with_ok = [p for p in pairs if "ok" in {rows[p[0]]["label"], rows[p[1]]["label"]}]
    assert len(with_ok) / len(pairs) >= 0.9
    paired_harmful = Counter(rows[i]["label"] for p in with_ok for i in p) - Counter(
        {"ok": len(with_ok)}
    )
    assert set(paired_harmful) == set(HARMFUL), paired_harmful
