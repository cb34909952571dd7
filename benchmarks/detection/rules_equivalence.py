"""Output-identity check for speed work on the rules stage (everything but the encoder).

``dump PATH`` records, for ~30k texts (the benchmark corpus, dev + train, every string literal of
the tests, and seeded fuzz: random unicode, zalgo, bidi/zero-width, emoji letters, homoglyphs,
leetspeak, spaced and stretched letters, 100k-character strings), everything ``analyse`` returns,
``hashed_ngrams`` ids, the light and full logits and the ``classify_with_stages`` output of the
shipped heads (with a deterministic stand-in encoder), also through a classifier with custom terms.
``compare PATH`` recomputes all of it with the current code and prints every difference (exit 1).

Run: ``.venv/bin/python -m benchmarks.detection.rules_equivalence dump /tmp/rules_ref.pkl`` on
the unmodified code, then ``... compare /tmp/rules_ref.pkl`` after each change.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import pickle
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BATCH = 256
_SEED = 20261124


def _test_strings() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
                found.append(node.value)
    return found


_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7", "l": "1"}
_INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u202d",
    "\u00ad",
    "\u180e",
]
_MARKS = [chr(c) for c in range(0x0300, 0x036F)] + ["\u20e3", "\u0489"]
_EMOJI = ["😡", "🙄", "😂", "💩", "🤬", "🖕", "👍🏽", "🇧🇪", "❤️", "⭕", "❌", "💲", "\ufe0f"]
_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x3FF),
    (0x400, 0x4FF),
    (0x590, 0x6FF),
    (0x2000, 0x206F),
    (0x2100, 0x24FF),
    (0x3000, 0x30FF),
    (0x4E00, 0x4EFF),
    (0xD800, 0xDFFF),
    (0xE000, 0xE0FF),
    (0xFE00, 0xFFFF),
    (0x1D400, 0x1D7FF),
    (0x1F100, 0x1F6FF),
    (0x1F900, 0x1F9FF),
    (0xE0000, 0xE007F),
]


def _random_unicode(rng: random.Random, size: int) -> str:
    chars = []
    for _ in range(size):
        low, high = rng.choice(_RANGES)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def _homoglyph_inverse() -> dict[str, list[str]]:
    from bot.detection.charfold import homoglyph_table

    inverse: dict[str, list[str]] = {}
    for source, target in sorted(homoglyph_table().items()):
        if len(target) == 1:
            inverse.setdefault(target, []).append(source)
    return inverse


def _mutate(text: str, rng: random.Random, glyphs: dict[str, list[str]]) -> str:
    kind = rng.randrange(12)
    if kind == 0:  # leetspeak
        return "".join(_LEET.get(c, c) if rng.random() < 0.6 else c for c in text)
    if kind == 1:  # spaced letters
        sep = rng.choice([" ", ".", "-", "_", "*", "  ", " . "])
        words = text.split()
        if not words:
            return text
        index = rng.randrange(len(words))
        words[index] = sep.join(words[index])
        return " ".join(words)
    if kind == 2:  # stretched letters
        return "".join(c * rng.choice([1, 1, 1, 2, 3, 5]) for c in text)
    if kind == 3:  # zalgo
        return "".join(
            c + "".join(rng.choice(_MARKS) for _ in range(rng.randrange(4))) for c in text
        )
    if kind == 4:  # invisible characters
        return "".join(c + (rng.choice(_INVISIBLE) if rng.random() < 0.3 else "") for c in text)
    if kind == 5:  # homoglyphs
        return "".join(
            rng.choice(glyphs[c.lower()]) if c.lower() in glyphs and rng.random() < 0.4 else c
            for c in text
        )
    if kind == 6:  # emoji and emoji letters
        out = []
        for c in text:
            if c.isascii() and c.isalpha() and rng.random() < 0.3:
                out.append(
                    chr(rng.choice([0x1F1E6, 0x1F170, 0x1F150, 0x1F130]) + ord(c.lower()) - 97)
                )
            else:
                out.append(c)
            if rng.random() < 0.05:
                out.append(rng.choice(_EMOJI))
        return "".join(out)
    if kind == 7:  # fullwidth / mathematical letters
        return "".join(
            chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < 0.5 else c for c in text
        )
    if kind == 8:  # split words ("id iot")
        words = text.split()
        return " ".join(
            w[: len(w) // 2] + " " + w[len(w) // 2 :] if len(w) > 4 and rng.random() < 0.5 else w
            for w in words
        )
    if kind == 9:  # punctuation, quotes and newlines
        return "".join(
            c + (rng.choice(["\n", "«", "»", "“", "”", "'", "`", '"', "?", "!", ",", "\r\n", "\t"]))
            if rng.random() < 0.1
            else c
            for c in text
        )
    if kind == 10:  # case games
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    return text + " " + _random_unicode(rng, rng.randrange(1, 30))


def _fuzz(base: Sequence[str]) -> list[str]:
    rng = random.Random(_SEED)
    glyphs = _homoglyph_inverse()
    texts: list[str] = []
    for _ in range(2500):
        text = rng.choice(base)
        for _ in range(rng.randrange(1, 4)):
            text = _mutate(text, rng, glyphs)
        texts.append(text)
    for _ in range(600):
        texts.append(_random_unicode(rng, rng.randrange(0, 400)))
    for _ in range(300):
        texts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(400))).decode("latin-1"))
    soup = [*"idiotyu aré0134@$.-_*'\"?!\n", *_INVISIBLE, *_MARKS[:5], "🅸", "🇮", "і", "ο", "\u20e3"]
    for _ in range(600):
        texts.append("".join(rng.choice(soup) for _ in range(rng.randrange(200))))
    for size in (7499, 7500, 7501, 7502, 9000, 20_000):
        texts.append(" ".join(rng.choice(base) for _ in range(size // 20))[:size])
    for _ in range(6):  # 100k characters
        pieces = [rng.choice(base) for _ in range(1500)]
        texts.append(" ".join(pieces)[:100_000])
        texts.append(_mutate(" ".join(pieces)[:100_000], rng, glyphs))
        texts.append(_random_unicode(rng, 100_000))
    texts += [
        "",
        " ",
        "\n",
        "\u200b",
        "\u202e",
        "a",
        "?",
        "'",
        '"',
        "@",
        "$",
        "1",
        "idiot" * 20_000,
    ]
    texts += ["a" * 100_000, "i d i o t " * 10_000, "\u0336" * 100_000, "😡" * 100_000]
    return texts


def build_texts() -> list[str]:
    from benchmarks.detection.corpus import build_corpus
    from bot.detection.training.samples import load_corpus

    corpus = build_corpus(12_000)
    team = [s.text for s in load_corpus("dev") + load_corpus("train")]
    tests = _test_strings()
    fuzz = _fuzz(team + tests)
    seen: set[str] = set()
    texts = []
    for text in corpus + team + tests + fuzz:
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def _span(span: Any) -> tuple[Any, ...]:
    return (type(span).__name__, span.start, span.end, span.text)


def snapshot_analysis(analysis: Any) -> tuple[Any, ...]:
    """Every field of a ``RuleAnalysis`` as plain values (container types included)."""
    from bot.verdicts import Category

    n = analysis.normalised
    return (
        type(n).__name__,
        n.original,
        n.text,
        type(n.starts).__name__,
        tuple(n.starts),
        type(n.ends).__name__,
        tuple(n.ends),
        n.language_text,
        n.truncated,
        analysis.lang,
        analysis.language_shares,
        type(analysis.matches).__name__,
        tuple(
            (type(m).__name__, m.term, m.role, m.lang, m.start, m.end, _span(m.span))
            for m in analysis.matches
        ),
        type(analysis.hits).__name__,
        tuple(
            (
                type(h).__name__,
                h.category,
                h.rule,
                h.score,
                h.term,
                h.lang,
                _span(h.span),
                h.target,
                h.suppressed_by,
                h.effective_score,
                h.reason,
            )
            for h in analysis.hits
        ),
        type(analysis.category_scores).__name__,
        tuple(analysis.category_scores.items()),
        type(analysis.raw_scores).__name__,
        tuple(analysis.raw_scores.items()),
        type(analysis.targets).__name__,
        tuple(sorted(analysis.targets)),
        type(analysis.suppressors).__name__,
        tuple(sorted(analysis.suppressors)),
        analysis.is_question,
        analysis.has_negation,
        analysis.has_quote,
        analysis.has_counter_speech,
        analysis.has_profanity,
        analysis.mentions_group,
        analysis.addresses_reader,
        analysis.truncated,
        analysis.feature_vector(),
        tuple(analysis.features().items()),
        tuple(
            (
                type(analysis.hits_for(c)).__name__,
                [analysis.hits.index(h) for h in analysis.hits_for(c)],
            )
            for c in Category
        ),
    )


def snapshot_classification(result: Any) -> tuple[Any, ...]:
    return (
        result.lang,
        result.language_shares,
        tuple(
            (s.category, s.score, tuple(_span(x) for x in s.spans), s.reasons)
            for s in result.scores
        ),
    )


def _ids(array: Any) -> tuple[str, tuple[int, ...], bytes]:
    return (str(array.dtype), array.shape, np.ascontiguousarray(array).tobytes())


def _custom_terms() -> Any:
    from bot.verdicts import Category, CustomTerms

    return CustomTerms(
        deny=MappingProxyType(
            {
                Category.INSULT: ("Brolzak", "zever", "treinkapoen"),
                Category.TROLLING: ("pruts", "ratio"),
                Category.HATE: ("vieze vreemdeling",),
            }
        ),
        deny_patterns=MappingProxyType({Category.TROLLING: (r"lo+l+", r"\bkek\b")}),
        allow=("idiot", "klootzak", "merde"),
    )


class _Recorder:
    """Wraps a head: records the logits the engine turns into probabilities (its exact light and
    full logits, however it computed them)."""

    def __init__(self, head: Any, sink: list[Any]) -> None:
        self._head = head
        self._sink = sink

    def probabilities(self, logits: Any) -> Any:
        self._sink.append(_ids(logits))
        return self._head.probabilities(logits)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._head, name)


def compute(texts: Sequence[str]) -> dict[str, list[Any]]:
    from bot.detection.classifier import RulesClassifier
    from bot.detection.engine import DetectionEngine
    from bot.detection.learned.features import HashingEmbedder, hashed_ngrams
    from bot.detection.learned.model import LearnedModel

    model = LearnedModel.load()
    light_sink: list[Any] = []
    full_sink: list[Any] = []
    # object.__setattr__ on a copy: the engine calls the heads through ``model.light/full``.
    recorded = dataclasses.replace(model)
    object.__setattr__(recorded, "light", _Recorder(model.light, light_sink))
    object.__setattr__(recorded, "full", _Recorder(model.full, full_sink))
    embedder = HashingEmbedder(512)
    out: dict[str, list[Any]] = {}
    for name, custom in (("plain", None), ("custom", _custom_terms())):
        rules = RulesClassifier(custom)
        analyses = []
        ids = []
        for text in texts:
            analysis = rules.analyse(text)
            analyses.append(snapshot_analysis(analysis))
            ids.append(_ids(hashed_ngrams(analysis.normalised.text)))
        classified = [snapshot_classification(rules.classify(text)) for text in texts]
        engine = DetectionEngine(recorded, rules, embedder)
        light_sink.clear()
        full_sink.clear()
        staged = []
        for offset in range(0, len(texts), BATCH):
            for result, stage in engine.classify_with_stages(texts[offset : offset + BATCH]):
                staged.append((snapshot_classification(result), stage))
        single = [
            (snapshot_classification(r), s)
            for text in texts[:2000]
            for r, s in engine.classify_with_stages([text])
        ]
        out[f"{name}.analysis"] = analyses
        out[f"{name}.ids"] = ids
        out[f"{name}.classify"] = classified
        out[f"{name}.staged"] = staged
        out[f"{name}.single"] = single
        out[f"{name}.light_logits"] = list(light_sink)
        out[f"{name}.full_logits"] = list(full_sink)
    return out


def _difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where ``a`` and ``b`` differ in value or type (recursively), or None when identical."""
    if type(a) is not type(b):
        return f"{path}: type {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, tuple | list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if a != b:
        return f"{path}: {a!r:.300} != {b!r:.300}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("dump", "compare"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.action == "dump":
        texts = build_texts()
        print(f"{len(texts)} texts", flush=True)
        current = compute(texts)
        with args.path.open("wb") as handle:
            pickle.dump({"texts": texts, "results": current}, handle, protocol=5)
        print(f"wrote {args.path}")
        return
    with args.path.open("rb") as handle:
        reference = pickle.load(handle)
    texts = reference["texts"]  # the dump's own texts (the tests' strings may have changed)
    print(f"{len(texts)} texts", flush=True)
    current = compute(texts)
    differences = 0
    for key, expected in reference["results"].items():
        got = current.get(key)
        if got is None or len(got) != len(expected):
            print(f"{key}: missing or length differs")
            differences += 1
            continue
        for index, (want, have) in enumerate(zip(expected, got, strict=True)):
            detail = _difference(want, have)
            if detail is None:
                continue
            differences += 1
            if differences <= 30:
                text = texts[index] if "logits" not in key else ""
                print(f"{key}[{index}] {text[:80]!r}: {detail}")
    checked = sum(len(v) for v in reference["results"].values())
    print(f"{checked} records compared, {differences} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
