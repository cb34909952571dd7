"""Baselines for the side-by-side benchmark: alt-profanity-check and char-n-gram TF-IDF + LR."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.detection.training.public_data import load_public
from bot.detection.training.samples import Sample, load_corpus
from bot.detection.training.train import TrainOptions

__all__ = ["ProfanityCheck", "TfidfBaseline"]


class ProfanityCheck:
    """alt-profanity-check: English profanity probability; flagged at >= 0.5, no categories."""

    name = "alt-profanity-check"

    def __init__(self) -> None:
        from profanity_check import predict_prob

        self._predict = predict_prob

    def predict(self, texts: Sequence[str]) -> list[str]:
        probabilities = self._predict(list(texts))
        return ["insult" if p >= 0.5 else "ok" for p in probabilities]


class TfidfBaseline:
    """Char 2-5-gram TF-IDF + multinomial logistic regression on the same training data."""

    name = "tfidf-char-lr"

    def __init__(self) -> None:
        options = TrainOptions()
        samples: list[Sample] = load_corpus("train") + load_public(cap=options.public_cap)
        weights = [1.0 if s.source == "corpus" else options.public_weight for s in samples]
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        matrix = self._vectorizer.fit_transform([s.text for s in samples])
        self._model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
        self._model.fit(matrix, [s.label for s in samples], sample_weight=np.asarray(weights))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [
            str(label) for label in self._model.predict(self._vectorizer.transform(list(texts)))
        ]
