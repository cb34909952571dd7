"""The compiled engine (``make compiled``: setup.py's mypyc build, as ``pip install .`` ships
it) gives the checkout's pure-Python answers, text for text.

Both sides run the same script in a fresh interpreter; only the path differs: ``.compiled/``
(the installed, compiled package) or the checkout. ``make unit-compiled`` also runs the
detection tests on the compiled modules.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.detection.training.samples import load_corpus

REPO = Path(__file__).resolve().parents[2]
COMPILED = REPO / ".compiled"
# what an install carries (pyproject.toml's package-data, and the code)
INSTALLED = {".py", ".yaml", ".json", ".npz", ".onnx", ".txt", ".jsonl"}

# Runs in the child: checks where each module came from, then classifies stdin's texts with
# the default engine (batched, and one at a time) and with a community's custom terms.
_SCRIPT = r"""
import importlib, json, sys
from bot.verdicts import Category, CustomTerms

modules, want_compiled = json.loads(sys.argv[1]), sys.argv[2] == "compiled"
for name in modules:
    path = importlib.import_module(name).__file__ or ""
    if path.endswith(".py") == want_compiled:
        sys.exit(f"{name} loaded from {path}")
from bot.detection.engine import DetectionEngine, build_kind

texts = json.load(sys.stdin)
engine = DetectionEngine.load()
print(build_kind(), file=sys.stderr)
custom = engine.with_custom_terms(CustomTerms(
    deny={Category.INSULT: ("prutskop",)},
    deny_patterns={Category.TROLLING: (r"first+\s*!+",)},
    allow=("kut",),
))
out = []
for first in range(0, len(texts), 97):
    batch = engine.classify_with_stages(texts[first:first + 97])
    out += [f"{stage} {answer!r}" for answer, stage in batch]
out += [repr(engine.classify(text)) for text in texts[:150]]
out += [repr(answer) for answer in custom.classify_many(texts[:300])]
json.dump(out, sys.stdout)
"""

_NASTY = [
    "",
    " ",
    "x" * 100_000,
    "Z̸̢̛a̷͎͝l̵̰̈́g̶̱͑ő̴̖ ̸̣̈t̵̗̾e̶̦͝x̵̞͊t̶̠̐",
    "\u202ejij bent een idioot\u202c",
    "\x00\x01\x02 binary \xff\xfe",
    "\ud800 lone surrogate",
    "💩" * 3_000,
    "\u200b".join("idioot"),
    "j3 b3nt 33n 1d10ot",
    "t u   e s   u n   c o n n a r d",
    "Ты идиот, you іdіot",
    "n*gger",
    "prutskop! FIRST!!! kut zeg",
]


def _compiled_modules() -> list[str]:
    """setup.py's COMPILED_MODULES as module names (read, not imported: importing runs setup)."""
    for node in ast.parse((REPO / "setup.py").read_text(encoding="utf-8")).body:
        target = getattr(node, "targets", [None])[0]
        if isinstance(node, ast.Assign) and getattr(target, "id", "") == "COMPILED_MODULES":
            paths: list[str] = ast.literal_eval(node.value)
            return [path.removesuffix(".py").replace("/", ".") for path in paths]
    raise AssertionError("setup.py has no COMPILED_MODULES")


def _answers(path: Path, mode: str, modules: list[str], texts: list[str]) -> tuple[str, list[str]]:
    environment = {**os.environ, "PYTHONPATH": str(path)}
    done = subprocess.run(
        [sys.executable, "-P", "-c", _SCRIPT, json.dumps(modules), mode],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=environment,
        cwd=path,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers: list[str] = json.loads(done.stdout)
    return done.stderr.strip().splitlines()[-1], answers


def test_the_compiled_engine_answers_as_the_pure_python_one() -> None:
    assert (COMPILED / ".built").is_file(), "no compiled build: run `make compiled`"
    modules = _compiled_modules()
    package = REPO / "bot" / "detection"
    for source in sorted(package.rglob("*")):  # the build is of these very sources and data
        if source.suffix in INSTALLED and "__pycache__" not in source.parts:
            relative = source.relative_to(REPO)
            built = COMPILED / relative
            assert built.is_file(), f"{relative} is new: `make compiled`"
            assert built.read_bytes() == source.read_bytes(), f"{relative} changed: `make compiled`"
    texts = [s.text for s in load_corpus("dev")] + [s.text for s in load_corpus("train")][::4]
    texts += _NASTY
    kind, compiled = _answers(COMPILED, "compiled", modules, texts)
    assert kind == "compiled"  # what the bot logs at start
    kind, pure = _answers(REPO, "pure", modules, texts)
    assert kind == "pure Python"
    assert len(compiled) == len(pure) == len(texts) + 150 + 300
    different = [i for i, (a, b) in enumerate(zip(compiled, pure, strict=True)) if a != b]
    assert not different, f"{len(different)} answers differ, first: {compiled[different[0]][:300]}"
    stages = {answer.split(" ", 1)[0] for answer in pure[: len(texts)]}
    assert {"rules", "light", "mid", "encoder", "empty"} <= stages  # every cascade stage ran
