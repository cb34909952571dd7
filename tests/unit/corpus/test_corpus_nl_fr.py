"""Validate the team-written Dutch and French corpus files (bot/detection/corpus/).

These lines are the only Dutch abuse data the project has and the core of the French data, so a
broken line silently skews every model trained on them. The checks keep the schema, the label
mix of the policy, the evasion share, the hard negatives, the Brussels code-switching and the
contrastive pairs honest, and keep the development set out of training.
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
LANGS = ("nl", "fr")
SPLITS = ("train", "dev")
FILES = [(lang, split) for lang in LANGS for split in SPLITS]
MIN_LINES = {"train": 850, "dev": 220}
ID_INFIX = {"train": "tr", "dev": "dev"}
MIN_TRAIN_PAIRS = 150
ZERO_WIDTH = "\u200b"

KEYS = {"id", "text", "lang", "label", "kind", "scenario", "evasion", "pair"}
LABELS = ("ok", "insult", "hate", "sexual", "threat", "trolling")
HARMFUL = LABELS[1:]
# The policy mix: ~45% ok, insult ~18%, hate ~12%, threat ~9%, sexual ~8%, trolling ~8%.
LABEL_SHARE = {
    "ok": (0.42, 0.52),
    "insult": (0.15, 0.22),
    "hate": (0.08, 0.14),
    "threat": (0.07, 0.12),
    "sexual": (0.06, 0.10),
    "trolling": (0.06, 0.10),
}
# ok lines that a naive filter would flag: the reason this data exists.
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
    "hyperbole",
)
EVASION_KINDS = ("leet", "spaced", "dots", "repeat", "homoglyph", "zwsp", "emoji", "accent")
# Plain (undisguised) kinds allowed per label; any label may also be `codeswitch`.
PLAIN_KINDS = {
    "ok": {*HARD_NEGATIVE_KINDS, "praise", "service", "neutral"},
    "insult": {"direct", "name", "mock"},
    "hate": {"slur", "stereotype", "dehuman", "exclusion", "implicit"},
    "sexual": {"body", "solicit", "comment"},
    "threat": {"violence", "arson", "doxx", "stalking"},
    "trolling": {"bait", "mock", "derail", "spam", "copypasta"},
}
TRAIN_SCENARIOS = {
    "telecom",
    "parcel",
    "train",
    "transit",
    "energy",
    "football",
    "city",
    "school",
    "hospital",
    "ngo",
}
DEV_ONLY_SCENARIOS = {"water", "airport", "bank", "insurance", "leisure"}


def fold(text: str) -> str:
    """Lowercase and collapse whitespace: the form used to compare dev and train."""
    return " ".join(text.lower().split())


def letters(text: str) -> str:
    """Only the letters and digits, lowercased: "d i e  r e f" and "die ref" look alike."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


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
            pytest.fail(f"{split}/{lang}.jsonl:{number} is not JSON: {exc}")
        assert isinstance(row, dict), f"{split}/{lang}.jsonl:{number} is not an object"
        rows.append(row)
    return tuple(rows)


def share(rows: tuple[dict[str, Any], ...] | list[dict[str, Any]], label: str) -> float:
    return sum(1 for row in rows if row["label"] == label) / len(rows)


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
            problems.append(f"{rid}: longer than 400 characters")
        if row["lang"] != lang:
            problems.append(f"{rid}: lang {row['lang']!r} in the {lang} file")
        if row["label"] not in LABELS:
            problems.append(f"{rid}: label {row['label']!r}")
            continue
        kind = row["kind"]
        allowed = PLAIN_KINDS[row["label"]] | {"codeswitch"}
        if row["evasion"] is True:
            allowed = {*EVASION_KINDS, "codeswitch"}
        if kind not in allowed:
            problems.append(f"{rid}: kind {kind!r} not allowed for {row['label']}")
        if row["scenario"] not in TRAIN_SCENARIOS | DEV_ONLY_SCENARIOS:
            problems.append(f"{rid}: scenario {row['scenario']!r}")
        if not isinstance(row["evasion"], bool):
            problems.append(f"{rid}: evasion is not a boolean")
        elif row["evasion"] and row["label"] == "ok":
            problems.append(f"{rid}: an ok line cannot be an evasion")
        if row["pair"] is not None and not isinstance(row["pair"], str):
            problems.append(f"{rid}: pair must be null or an id")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_file_is_utf8_without_escapes_or_control_characters(lang: str, split: str) -> None:
    raw = (CORPUS / split / f"{lang}.jsonl").read_text(encoding="utf-8")
    assert "\\u" not in raw  # written with ensure_ascii=False
    for row in load(lang, split):
        categories = {unicodedata.category(ch) for ch in row["text"] if ch != ZERO_WIDTH}
        assert not categories & {"Cc", "Cf", "Co", "Cs"}, row["id"]


def test_ids_are_unique_across_all_nl_fr_files() -> None:
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
    observed = share(load(lang, split), label)
    assert low <= observed <= high, f"{label}: {observed:.1%} outside {low:.0%}-{high:.0%}"


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_hard_negatives_make_up_most_ok_lines(lang: str, split: str) -> None:
    ok = [row for row in load(lang, split) if row["label"] == "ok"]
    hard = Counter(row["kind"] for row in ok if row["kind"] in HARD_NEGATIVE_KINDS)
    assert sum(hard.values()) / len(ok) >= 0.7
    minimum = 6 if split == "train" else 2
    assert {kind: hard[kind] for kind in HARD_NEGATIVE_KINDS if hard[kind] < minimum} == {}


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_a_quarter_to_a_third_of_harmful_lines_are_evasions(lang: str, split: str) -> None:
    harmful = [row for row in load(lang, split) if row["label"] != "ok"]
    evasive = sum(1 for row in harmful if row["evasion"]) / len(harmful)
    assert 0.22 <= evasive <= 0.35, f"{evasive:.1%}"
    for label in HARMFUL:
        assert any(row["evasion"] for row in harmful if row["label"] == label), label


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_every_evasion_technique_is_present_and_real(lang: str, split: str) -> None:
    rows = load(lang, split)
    kinds = Counter(row["kind"] for row in rows if row["evasion"])
    assert {kind for kind in EVASION_KINDS if kinds[kind] == 0} == set()
    problems = []
    for row in rows:
        text, kind = row["text"], row["kind"]
        cyrillic = any(ch.isalpha() and "CYRILLIC" in unicodedata.name(ch, "") for ch in text)
        if kind == "zwsp" and ZERO_WIDTH not in text:
            problems.append(f"{row['id']}: zwsp without U+200B")
        if kind == "homoglyph" and not cyrillic:
            problems.append(f"{row['id']}: homoglyph without a Cyrillic letter")
        if kind == "leet" and not re.search(r"[a-z][0-9]|[0-9][a-z]", text.lower()):
            problems.append(f"{row['id']}: leet without digits inside words")
        if kind == "spaced" and not re.search(r"(?:\b\w\b\s+){3}\b\w\b", text):
            problems.append(f"{row['id']}: spaced without s p a c e d letters")
        if kind == "repeat" and not re.search(r"(\w)\1\1", text):
            problems.append(f"{row['id']}: repeat without a tripled letter")
        # ok twins may look disguised (hard negatives); harmful ones must say they are.
        if row["label"] != "ok" and not row["evasion"] and (ZERO_WIDTH in text or cyrillic):
            problems.append(f"{row['id']}: disguised harmful line not marked as evasion")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "split"), FILES)
def test_brussels_code_switching_is_about_a_tenth(lang: str, split: str) -> None:
    rows = load(lang, split)
    mixed = [row for row in rows if row["kind"] == "codeswitch"]
    assert 0.08 <= len(mixed) / len(rows) <= 0.13
    assert {row["label"] for row in mixed} == set(LABELS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("label", LABELS)
def test_each_label_spans_every_train_scenario(lang: str, label: str) -> None:
    scenarios = {row["scenario"] for row in load(lang, "train") if row["label"] == label}
    assert scenarios == TRAIN_SCENARIOS


@pytest.mark.parametrize("lang", LANGS)
def test_dev_covers_every_label_in_the_new_scenarios(lang: str) -> None:
    dev = load(lang, "dev")
    unseen = [row for row in dev if row["scenario"] in DEV_ONLY_SCENARIOS]
    assert len(unseen) / len(dev) >= 0.45
    assert {row["label"] for row in unseen} == set(LABELS)
    assert {row["scenario"] for row in load(lang, "train")} == TRAIN_SCENARIOS


@pytest.mark.parametrize("lang", LANGS)
def test_dev_text_never_appears_in_train(lang: str) -> None:
    train = {fold(row["text"]) for row in load(lang, "train")}
    train_letters = {letters(row["text"]) for row in load(lang, "train")}
    leaked = [
        row["id"]
        for row in load(lang, "dev")
        if fold(row["text"]) in train or letters(row["text"]) in train_letters
    ]
    assert leaked == []


@pytest.mark.parametrize("lang", LANGS)
def test_dev_has_no_near_duplicate_of_train(lang: str) -> None:
    train = [words(row["text"]) for row in load(lang, "train")]
    close = []
    for row in load(lang, "dev"):
        dev = words(row["text"])
        if len(dev) < 3:  # spaced-out lines: covered by the letters-only check above
            continue
        if max(len(dev & other) / len(dev | other) for other in train) >= 0.75:
            close.append(row["id"])
    assert close == []


@pytest.mark.parametrize("lang", LANGS)
def test_dev_has_no_pairs(lang: str) -> None:
    assert [row["id"] for row in load(lang, "dev") if row["pair"] is not None] == []


@pytest.mark.parametrize("lang", LANGS)
def test_pairs_are_reciprocal_and_flip_the_label(lang: str) -> None:
    rows = {row["id"]: row for row in load(lang, "train")}
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
def test_train_has_many_pairs_for_every_harmful_label(lang: str) -> None:
    rows = {row["id"]: row for row in load(lang, "train")}
    pairs = {tuple(sorted((rid, row["pair"]))) for rid, row in rows.items() if row["pair"]}
    assert len(pairs) >= MIN_TRAIN_PAIRS
    # Every pair teaches "harmful versus ok": one side is ok, the other is harmful.
    sides = [sorted(rows[i]["label"] for i in pair) for pair in pairs]
    assert [s for s in sides if s[0] == s[1] or "ok" not in s] == []
    harmful = Counter(label for s in sides for label in s if label != "ok")
    assert {label: harmful[label] for label in HARMFUL if harmful[label] < 10} == {}
    # The ok twins are the hard negatives: negation, quotes, product, questions, counter-speech.
    twin_kinds = Counter(
        rows[i]["kind"] for pair in pairs for i in pair if rows[i]["label"] == "ok"
    )
    for kind in ("negation", "quote", "product", "question", "counter", "complaint"):
        assert twin_kinds[kind] >= 3, (kind, twin_kinds)
