"""The engine's batched head logits are each head's own, bit for bit."""

from __future__ import annotations

import numpy as np

from bot.detection.engine import DetectionEngine, _head_logits
from bot.detection.learned.features import HashingEmbedder, hashed_ngrams_many


def test_batched_head_logits_are_the_heads_own(tiny_engine: DetectionEngine) -> None:
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
        model = tiny_engine._model
        embeddings = HashingEmbedder(64).encode([a.normalised.text for a in analyses])
        for head, vectors in ((model.light, None), (model.full, embeddings)):
            expected = head.logits(ids, features, vectors)
            got = _head_logits(head, ids, features, vectors)
            assert got.dtype == expected.dtype
            assert got.tobytes() == expected.tobytes()
            assert np.isfinite(got).all()
