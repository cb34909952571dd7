"""The engine's batched light logits are the light head's own, bit for bit."""

from __future__ import annotations

from bot.detection.engine import DetectionEngine
from bot.detection.learned.features import hashed_ngrams_many


def test_batched_light_logits_are_the_heads_own(tiny_engine: DetectionEngine) -> None:
    texts = [
        "",
        " ",
        "You are a useless idiot",
        "De trein is weer te laat, wat een gedoe.",
        "T'es un connard 😡😡",
        "lol " * 200,
        *(f"message {i} about the bus {'and the train ' * (i % 7)}" for i in range(150)),
    ]
    batches = [texts[:size] for size in (1, 7, 8, 65, len(texts))]
    batches.append(["", "\u200b", *texts[2:5], *([" "] * 70)])  # a whole group with no ids
    for batch in batches:
        analyses = [tiny_engine._rules.analyse(text) for text in batch]
        features = tiny_engine._rule_features(analyses)
        ids = hashed_ngrams_many([a.normalised.text for a in analyses])
        expected = tiny_engine._model.light.logits(ids, features)
        got = tiny_engine._light_logits(ids, features)
        assert got.dtype == expected.dtype
        assert got.tobytes() == expected.tobytes()
