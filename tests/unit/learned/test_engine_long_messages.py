"""A long, polite complaint with one abusive sentence: the evidence's sentence is scored too."""

from __future__ import annotations

import pytest

from bot.detection.engine import DetectionEngine, _sentences_around, decide
from bot.verdicts import Category, Span

COMPLAINT = (
    "Trois semaines que j'attends ma carte bancaire de remplacement. Trois semaines sans pouvoir "
    "payer en ligne, avec des frais de retrait dans les autres banques. J'ai appelé quatre fois, "
    "chaque fois on me promet qu'elle part demain. {insult}Je veux une compensation pour les "
    "frais, et une date précise."
)
INSULT = "Votre conseillère Mme Dubois est une incapable et une menteuse. "


@pytest.fixture(scope="module")
def engine() -> DetectionEngine:
    return DetectionEngine.load()


def test_one_abusive_sentence_in_a_long_complaint_is_flagged(engine: DetectionEngine) -> None:
    classification = engine.classify(COMPLAINT.format(insult=INSULT))
    flagged = decide(classification, engine.default_thresholds())
    assert flagged is not None
    assert flagged.category is Category.INSULT
    assert "sentence-rescored" in flagged.reasons
    assert any("incapable" in span.text for span in flagged.spans)  # spans stay the message's


def test_the_same_long_complaint_without_it_is_not(engine: DetectionEngine) -> None:
    classification = engine.classify(COMPLAINT.format(insult=""))
    assert decide(classification, engine.default_thresholds()) is None
    assert not any("sentence-rescored" in s.reasons for s in classification.scores)


def test_batched_and_single_agree(engine: DetectionEngine) -> None:
    texts = [
        COMPLAINT.format(insult=INSULT),
        "De trein is weer te laat.",
        COMPLAINT.format(insult=""),
    ]
    assert engine.classify_many(texts) == [engine.classify(text) for text in texts]


def test_the_sentences_around_the_evidence() -> None:
    text = "Eerste zin. Tweede zin met een idioot erin! Derde zin?\nVierde idioot"
    first = text.index("idioot")
    last = text.rindex("idioot")
    spans = [Span(first, first + 6, "idioot"), Span(last, last + 6, "idioot")]
    assert _sentences_around(text, spans) == "Tweede zin met een idioot erin! Vierde idioot"
