"""What the bot DOES on the development set: engine + the default community policy (decide).

The engine's own metrics (benchmarks/results/detection.md) count a message flagged when a score
crosses its threshold. The policy adds the model-only gate: verdicts with no rule evidence act
only for insult/hate/threat at >= 0.8 and otherwise go to moderators for review. This script
reports, per language, the share of harmful messages acted on, sent to review and missed, and
the share of ok messages acted on or sent to review.

    .venv/bin/python -m benchmarks.detection.policy_eval
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.actions import Capability
from bot.decisions import MemberHistory
from bot.detection.engine import DetectionEngine
from bot.events import Author, ChatRef, Message
from bot.pipeline.policy import decide
from bot.settings import default_config_path, load_all

DEV = Path(__file__).resolve().parents[2] / "bot" / "detection" / "corpus" / "dev"
NOW = datetime(2026, 1, 5, tzinfo=UTC)


RESULTS = Path(__file__).resolve().parents[1] / "results" / "detection.md"
SECTION = "## What the bot does with the default policy"
INTRO = """Engine + default community policy, including the model-only gate (no rule evidence:
act only for insult/hate/threat at >= 0.8, else a moderator reviews). Development set, never
trained on."""
HISTORY = """Earlier (22:21 run, before the issue-3 lexicon/corpus additions and the retrain):
harmful acted on nl 0.650, fr 0.732, en 0.644, de 0.607; missed 0.049-0.098; ok acted on 0-1.8%. The
lexicon terms were chosen by looking at the error families dev misses, so the rule-evidence
share on dev is somewhat optimistic; the train additions come from train scenarios only."""


def table() -> list[str]:
    policy = load_all(default_config_path()).communities["demo"]
    engine = DetectionEngine.load()
    lines = [
        "| lang | harmful acted on | harmful to review | harmful missed | ok acted on "
        "| ok to review | category right (acted) |",
        "|---|---|---|---|---|---|---|",
    ]
    for lang in ("nl", "fr", "en", "de"):
        rows = [json.loads(line) for line in (DEV / f"{lang}.jsonl").read_text().splitlines()]
        results = engine.classify_many([row["text"] for row in rows])
        counts = dict.fromkeys(("act", "review", "miss", "ok_act", "ok_review", "cat"), 0)
        harmful = sum(row["label"] != "ok" for row in rows)
        for row, classification in zip(rows, results, strict=True):
            message = Message(
                ChatRef("console", "demo", "general"), "1", Author("u", "u"), row["text"], NOW
            )
            decision = decide(
                message, classification, MemberHistory(), policy, frozenset(Capability), NOW
            )
            acted = decision.open_case and not decision.review
            if row["label"] == "ok":
                counts["ok_act"] += acted
                counts["ok_review"] += decision.review
            elif acted:
                counts["act"] += 1
                counts["cat"] += decision.category == row["label"]
            elif decision.review:
                counts["review"] += 1
            else:
                counts["miss"] += 1
        ok = len(rows) - harmful
        lines.append(
            f"| {lang} | {counts['act'] / harmful:.3f} | {counts['review'] / harmful:.3f} "
            f"| {counts['miss'] / harmful:.3f} | {counts['ok_act'] / ok:.3f} "
            f"| {counts['ok_review'] / ok:.3f} | {counts['cat'] / max(counts['act'], 1):.3f} |"
        )
    return lines


def main() -> None:
    """Print the table and put it in results/detection.md (replacing its earlier section)."""
    lines = table()
    print("\n".join(lines))
    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    section = "\n".join(
        [f"{SECTION} (`benchmarks/detection/policy_eval.py`, {today} UTC)", "", INTRO, "", *lines]
    )
    section += "\n\n" + HISTORY + "\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    kept = text.split(SECTION)[0].rstrip("\n")
    RESULTS.write_text((kept + "\n\n" if kept else "") + section, encoding="utf-8")


if __name__ == "__main__":
    main()
