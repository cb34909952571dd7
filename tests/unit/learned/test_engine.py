"""DetectionEngine behaviour on a tiny model trained with the hashing stand-in encoder."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.detection.engine import (
    MAX_CHUNK,
    STAGE_EMPTY,
    STAGE_ENCODER,
    STAGE_LIGHT,
    STAGE_RULES,
    DetectionEngine,
    decide,
)
from bot.ports import Classifier
from bot.verdicts import Category, CategoryScore, Classification, CustomTerms, Language

AWKWARD = [
    "",
    "   ",
    "x" * 100_000,
    "Z̸̢̛a̷͎͝l̵̰̈́g̶̱͑ő̴̖ ̸̣̈t̵̗̾e̶̦͝x̵̞͊t̶̠̐",
    "\u202eevil reversed text\u202c",
    "😀😡🔥💩",
    "\x00\x01\x02 binary \xff",
    "You are a useless idiot.",
    "De trein is te laat.",
    "Je sais où tu habites, je vais te tuer.",
]


def test_engine_is_a_classifier(tiny_engine: DetectionEngine) -> None:
    classifier: Classifier = tiny_engine
    assert isinstance(classifier.classify("hello"), Classification)


@pytest.mark.parametrize("text", AWKWARD)
def test_classify_gives_calibrated_scores_for_every_category(
    tiny_engine: DetectionEngine, text: str
) -> None:
    result = tiny_engine.classify(text)
    assert isinstance(result.lang, Language)
    assert [s.category for s in result.scores] == list(Category)
    for item in result.scores:
        assert 0.0 <= item.score <= 1.0
        assert f"model:{item.category.value}={item.score:.2f}" in item.reasons
        for span in item.spans:
            assert text[span.start : span.end] == span.text


def test_classify_many_equals_classify_one_by_one(tiny_engine: DetectionEngine) -> None:
    together = tiny_engine.classify_many(AWKWARD)
    assert together == [tiny_engine.classify(text) for text in AWKWARD]
    assert tiny_engine.classify_many([]) == []


def test_a_large_batch_is_worked_through_in_bounded_chunks(
    tiny_engine: DetectionEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One call with thousands of texts must not hold all their analyses at once (memory)."""
    texts = [f"{AWKWARD[i % len(AWKWARD)][:200]} {i}" for i in range(2 * MAX_CHUNK + 7)]
    expected = [tiny_engine.classify_with_stages([text])[0] for text in texts]
    sizes: list[int] = []
    chunk = tiny_engine._classify_chunk

    def spy(part: list[str]) -> list[tuple[Classification, str]]:
        sizes.append(len(part))
        return chunk(part)

    monkeypatch.setattr(tiny_engine, "_classify_chunk", spy)
    assert tiny_engine.classify_with_stages(texts) == expected
    assert sizes == [MAX_CHUNK, MAX_CHUNK, 7]


def test_a_clear_rule_hit_settles_in_the_rules_stage_with_spans(
    tiny_engine: DetectionEngine,
) -> None:
    text = "Jij bent een vuile idioot"
    ((result, stage),) = tiny_engine.classify_with_stages([text])
    assert stage == STAGE_RULES
    insult = result.score_of(Category.INSULT)
    assert insult.score >= 0.9
    assert any("rule:" in reason for reason in insult.reasons)
    assert insult.spans
    assert "idioot" in insult.spans[0].text


def test_every_stage_is_reachable(tiny_engine: DetectionEngine) -> None:
    texts = [
        "Jij bent een vuile idioot",
        "Bedankt",
        "wat vind je van de nieuwe dienstregeling morgen",
    ]
    stages = {stage for _, stage in tiny_engine.classify_with_stages(texts)}
    assert STAGE_RULES in stages
    assert stages & {STAGE_LIGHT, STAGE_ENCODER}


def test_custom_deny_term_flags_only_in_that_community(tiny_engine: DetectionEngine) -> None:
    custom = CustomTerms(deny=MappingProxyType({Category.INSULT: ("blorptoad",)}))
    community = tiny_engine.with_custom_terms(custom)
    text = "you blorptoad"
    assert community.classify(text).score_of(Category.INSULT).score >= 0.9
    assert tiny_engine.classify(text).score_of(Category.INSULT).score < 0.9


def _classification(lang: Language, **scores: float) -> Classification:
    return Classification(
        lang=lang, scores=tuple(CategoryScore(Category(c), s) for c, s in scores.items())
    )


@pytest.mark.parametrize(
    ("lang", "scores", "expected"),
    [
        (Language.NL, {"insult": 0.55, "threat": 0.2}, Category.INSULT),  # nl insult threshold 0.5
        (Language.FR, {"insult": 0.55}, None),  # fr insult threshold 0.6
        (Language.UNKNOWN, {"insult": 0.75}, Category.INSULT),  # falls back to und
        (Language.NL, {"insult": 0.9, "threat": 0.9}, Category.THREAT),  # tie: the more serious
        (Language.NL, {"insult": 0.6, "threat": 0.95}, Category.THREAT),
    ],
)
def test_decide_uses_per_language_thresholds(
    lang: Language, scores: dict[str, float], expected: Category | None
) -> None:
    thresholds = {
        (Category.INSULT, Language.NL): 0.5,
        (Category.INSULT, Language.FR): 0.6,
        (Category.INSULT, Language.UNKNOWN): 0.7,
        (Category.THREAT, Language.NL): 0.5,
    }
    flagged = decide(_classification(lang, **scores), thresholds)
    assert (flagged.category if flagged else None) is expected


def test_community_engines_share_the_loaded_heads(tiny_engine: DetectionEngine) -> None:
    community = tiny_engine.with_custom_terms(CustomTerms(allow=("zottebus",)))
    assert community._model is tiny_engine._model
    assert community._shared is tiny_engine._shared


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_any_text_gets_a_verdict(tiny_engine: DetectionEngine, text: str) -> None:
    result = tiny_engine.classify(text)
    assert len(result.scores) == len(Category)
    assert all(0.0 <= item.score <= 1.0 for item in result.scores)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\u202e"])
def test_nothing_to_judge_scores_zero(tiny_engine: DetectionEngine, text: str) -> None:
    ((result, stage),) = tiny_engine.classify_with_stages([text])
    assert stage == STAGE_EMPTY
    assert all(item.score == 0.0 for item in result.scores)
