"""``pasici train``: rebuild ``bot/detection/models/`` from the corpus and the public sets.

Deterministic: inputs sorted by id, fixed seeds, a hash-based calibration split, byte-stable
``heads.npz``. Steps: rules analysis of every text -> embeddings (cached on disk) -> light and
full heads (one-vs-rest logistic regression, Platt-calibrated on a held-out 20% of TRAIN) ->
cascade settings -> thresholds per (category, language) on the DEV set -> metrics on dev.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bot.detection.analysis import FEATURE_NAMES
from bot.detection.classifier import RulesClassifier
from bot.detection.learned.features import Embedder, FloatArray, feature_settings, hashed_ngrams
from bot.detection.learned.model import HeadWeights, default_models_dir, write_model
from bot.detection.rules_data import rules_data_fingerprint
from bot.detection.training.fit import (
    TrainingDataError,
    choose_thresholds,
    fit_head,
    hashed_matrix,
)
from bot.detection.training.identity_negatives import identity_negatives
from bot.detection.training.metrics import Outcome, Scores, per_language
from bot.detection.training.public_data import load_public
from bot.detection.training.samples import LANGS, Sample, load_corpus
from bot.detection.training.short_negatives import short_negatives
from bot.verdicts import HARMFUL_CATEGORIES, Category, Classification, Language

__all__ = ["TrainOptions", "TrainResult", "train"]

Thresholds = dict[tuple[Category, Language], float]

CATEGORIES = tuple(c.value for c in HARMFUL_CATEGORIES)


@dataclass(frozen=True, slots=True)
class TrainOptions:
    models_dir: Path = field(default_factory=default_models_dir)
    corpus_root: Path | None = None  # default: bot/detection/corpus
    data_dir: Path | None = None  # default: ../shared/data; set use_public=False to skip
    use_public: bool = True
    public_cap: int = 250
    # measured, cross-fold dev recall: 0.3 -> 0.86, 0.05 -> 0.905, 0.01 -> 0.915, none -> 0.920
    public_weight: float = 0.01
    use_short: bool = True  # synthetic harmless micro-messages and identity mentions
    short_weight: float = 0.2  # measured: 0.5 cost 1.5 points of dev recall, 0.2 none
    # a sharper light head: at the same clean_quantile its clean gate lets more clean messages
    # skip the encoder; measured with (0.03, 0.97): 1.0 -> encoder on 23.1% of clean messages,
    # 10.0 -> 21.4%, dev recall 0.926-0.959 vs 0.926-0.951, policy acted-on unchanged
    c_light: float = 10.0
    c_full: float = 0.3
    rule_settle: float = 0.9
    clean_quantile: float = 0.05  # at most this share of held-out harmful settles as clean
    settle_precision: float = 0.97  # light flags this precise on held-out train skip the encoder
    # measured on dev: (0.01, 0.99) sends 56% to the encoder, (0.03, 0.97) 29% for the same
    # cross-fold quality (recall 0.926 vs 0.915, false flags 3.2% vs 3.0%), (0.05, 0.95) 16%
    # but recall 0.90.
    # Re-measured after the lexicon/corpus additions of issue 3 with c_light 10 (encoder share on
    # 2,000 mixed / 2,000 clean benchmark messages; dev recall min-max over nl/fr/en/de; policy =
    # harmful acted on by benchmarks/detection/policy_eval.py):
    #   (0.03, 0.97): 33% / 22%, recall 0.926-0.968, false flags <= 2.9%, policy 0.69-0.79
    #   (0.05, 0.97), chosen: 30% / 18%, recall 0.919-0.943, false flags <= 2.9%, policy 0.69-0.79
    #   (0.06, 0.97): 27% / 14%, recall 0.911-0.935, cross-fold en 0.904; (0.07, 0.97) 24% / 11%
    #   but recall 0.889 (en, de). Lowering settle_precision instead (light_settle 0.85 -> 0.5-0.7)
    #   settles harmful messages on the less confident light head, which then pass the policy's
    #   model-only 0.8 gate less often (acted on 0.59-0.71), and (0.05, 0.95) lost en recall (0.88).
    # the middle stage (cheap USE sub-word embedding mean) between light and encoder; its gates
    # are chosen like the light ones, on the held-out TRAIN messages the light stage left open.
    # Measured 2026-11-24 (encoder share on 2,000 mixed benchmark messages; dev recall per
    # nl/fr/en/de, cross-fold false flags max, category accuracy min; without a mid stage: 31%,
    # recall .919/.943/.926/.926, FF 2.9%, category .936):
    #   (q .05, p .97, C 1): 26%, recall .902/.943/.926/.904 (only clean messages settle at mid)
    #   (q .05, p .90, C 3): 18%, recall .902/.951/.911/.918, cross-fold FF en 4.8%, cat .902
    #   (q .10, p .90, C 3), chosen: 16%, recall .902/.911/.918/.904, cross-fold FF 3.8%, cat .919
    #   mean+max pooling of the sub-word vectors instead of the mean: no better (22% / 18%).
    #   then a stricter clean gate for threat and hate at the mid stage (mid_severe_factor 0.5;
    #   the mid stage had waved through threats such as "il va s(aigner)"): 18.5%, recall
    #   .911/.927/.919/.919 with the same model (factor 1.0: 16.1%, .902/.911/.919/.904).
    #   Session 5: 0.1 -> 0.05. With 0.1 the mid stage cleared 10% of the harmful held-out
    #   messages it saw, and retrains after small lexicon or corpus changes moved dev recall by
    #   +-1.5 points (nl between .902 and .919; one retrain .902/.911 nl/de with cross-fold false
    #   flags en 5.7%). With 0.05: recall nl .919 fr .935 en .933 de .941, cross-fold false
    #   flags <= 3.8%, encoder on 23.4% of 2,000 mixed benchmark messages instead of 22.4%.
    c_mid: float = 3.0
    mid_quantile: float = 0.05
    mid_precision: float = 0.9
    mid_severe_factor: float = 0.5
    seed: int = 13
    progress: bool = True


@dataclass(frozen=True, slots=True)
class TrainResult:
    metrics: dict[str, Scores]
    outcomes: list[Outcome]
    manifest: dict[str, Any]


def _is_calibration(sample: Sample) -> bool:
    """A stable 20% of TRAIN held out for Platt scaling (by id hash, not by position).

    Holding out whole (scenario, language) groups instead was measured worse: cross-fold dev
    recall 0.80 instead of 0.86, since the heads then never see those scenarios.
    """
    return hashlib.sha256(sample.id.encode("utf-8")).digest()[0] % 5 == 0


def _featurise(
    samples: Sequence[Sample], rules: RulesClassifier, progress: bool, desc: str
) -> tuple[list[str], list[np.ndarray], FloatArray]:
    texts, ids, features = [], [], []
    for sample in tqdm(samples, desc=desc, unit="msg", disable=not progress):
        analysis = rules.analyse(sample.text)
        texts.append(analysis.normalised.text)
        ids.append(hashed_ngrams(analysis.normalised.text))
        features.append(analysis.feature_vector())
    return (
        texts,
        ids,
        np.asarray(features, dtype=np.float32).reshape(len(samples), len(FEATURE_NAMES)),
    )


def train(
    options: TrainOptions,
    embedder: Embedder,
    train_samples: Sequence[Sample] | None = None,
    dev_samples: Sequence[Sample] | None = None,
    log: Callable[[str], None] = print,
    mid_embedder: Embedder | None = None,
) -> TrainResult:
    """Fit, write the model files into ``options.models_dir`` and evaluate on dev.

    With ``mid_embedder`` the model gets a middle stage (see ``bot.detection.engine``).
    """
    from bot.detection.engine import DetectionEngine

    corpus = (
        list(train_samples)
        if train_samples is not None
        else load_corpus("train", options.corpus_root)
    )
    dev = list(dev_samples) if dev_samples is not None else load_corpus("dev", options.corpus_root)
    public = (
        load_public(options.data_dir, options.public_cap, options.seed)
        if options.use_public
        else []
    )
    corpus = sorted(corpus, key=lambda s: s.id)
    dev = sorted(dev, key=lambda s: s.id)
    short = (short_negatives() + identity_negatives()) if options.use_short else []
    samples = corpus + sorted(public, key=lambda s: s.id) + short
    log(
        f"training on {len(corpus)} corpus + {len(public)} public + {len(short)} short messages;"
        f" dev {len(dev)}"
    )
    if not corpus or not dev:
        raise TrainingDataError("no team corpus (train) or no dev messages found")
    rules = RulesClassifier()
    texts, ids, rule_features = _featurise(samples, rules, options.progress, "rules")
    embeddings = embedder.encode(texts)
    targets = np.asarray([[s.label == c for c in CATEGORIES] for s in samples], dtype=bool)
    source_weight = {"corpus": 1.0, "short": options.short_weight, "identity": options.short_weight}
    weights = np.asarray(
        [source_weight.get(s.source, options.public_weight) for s in samples], dtype=np.float32
    )
    # calibrate on the team's own messages only: they follow our policy
    calibrate = np.asarray([s.source == "corpus" and _is_calibration(s) for s in samples])
    hashed = hashed_matrix(ids)
    log("fitting light heads")
    light = fit_head(
        hashed, rule_features, None, targets, weights, calibrate, options.c_light, options.seed
    )
    log("fitting full heads")
    full = fit_head(
        hashed, rule_features, embeddings, targets, weights, calibrate, options.c_full, options.seed
    )
    held_out = np.flatnonzero(calibrate)
    light_top = _top_scores(light, ids, rule_features, None, held_out)
    clean_gate, light_settle = _gates(
        light_top, targets[held_out], options.clean_quantile, options.settle_precision
    )
    cascade: dict[str, Any] = {
        "rule_settle": options.rule_settle,
        "clean_gate": clean_gate,
        "light_settle": light_settle,
    }
    mid = None
    if mid_embedder is not None:
        log("fitting mid heads")
        mid_embeddings = mid_embedder.encode(texts)
        mid = fit_head(
            hashed,
            rule_features,
            mid_embeddings,
            targets,
            weights,
            calibrate,
            options.c_mid,
            options.seed,
        )
        unsettled = held_out[(light_top >= clean_gate) & (light_top < light_settle)]
        cascade["mid_clean_gate"], cascade["mid_settle"] = _gates(
            _top_scores(mid, ids, rule_features, mid_embeddings, unsettled),
            targets[unsettled],
            options.mid_quantile,
            options.mid_precision,
        )
        cascade["mid_severe_gate"] = round(cascade["mid_clean_gate"] * options.mid_severe_factor, 4)
    manifest: dict[str, Any] = {
        "categories": list(CATEGORIES),
        "rule_features": list(FEATURE_NAMES),
        "embedder": embedder.name,
        **_key("embedder", embedder),
        **({"mid_embedder": mid_embedder.name} if mid_embedder is not None else {}),
        **_key("mid_embedder", mid_embedder),
        "features": feature_settings(),
        "rules_data": rules_data_fingerprint(),
        "cascade": cascade,
        "thresholds": {c: {lang: 0.5 for lang in (*LANGS, "und")} for c in CATEGORIES},
        "training": {
            **_training_summary(corpus, public, dev, options),
            "short_messages": len(short),
        },
    }
    write_model(options.models_dir, light, full, manifest, mid)
    engine = DetectionEngine.load(options.models_dir, embedder=embedder, mid_embedder=mid_embedder)
    log("scoring the dev set")
    results = engine.classify_with_stages([s.text for s in dev])
    scores = np.asarray([[c.score_of(cat).score for cat in HARMFUL_CATEGORIES] for c, _ in results])
    detected = [c.lang.value for c, _ in results]
    manifest["thresholds"] = choose_thresholds(
        scores, [s.label for s in dev], detected, CATEGORIES, LANGS
    )
    stages = [stage for _, stage in results]
    manifest["dev_stages"] = {stage: stages.count(stage) for stage in sorted(set(stages))}
    write_model(options.models_dir, light, full, manifest, mid)
    engine = DetectionEngine.load(options.models_dir, embedder=embedder, mid_embedder=mid_embedder)
    # dev was scored before thresholds existed (raw scores): compare with the raw thresholds
    outcomes = _outcomes(dev, [c for c, _ in results], engine.raw_thresholds())
    manifest["dev_metrics_crossfold"] = _crossfold(dev, results, scores, detected)
    metrics = per_language(outcomes)
    manifest["dev_metrics"] = {lang: s.as_dict() for lang, s in metrics.items()}
    write_model(options.models_dir, light, full, manifest, mid)
    return TrainResult(metrics=metrics, outcomes=outcomes, manifest=manifest)


def _outcomes(
    dev: Sequence[Sample], classifications: Sequence[Classification], thresholds: Thresholds
) -> list[Outcome]:
    from bot.detection.engine import decide

    outcomes = []
    for sample, classification in zip(dev, classifications, strict=True):
        flagged = decide(classification, thresholds)
        top = classification.top()
        outcomes.append(
            Outcome(
                id=sample.id,
                lang=sample.lang,
                label=sample.label,
                predicted=flagged.category.value if flagged else "ok",
                score=flagged.score if flagged else (top.score if top else 0.0),
                text=sample.text,
            )
        )
    return outcomes


def _crossfold(
    dev: Sequence[Sample],
    results: Sequence[tuple[Classification, str]],
    scores: FloatArray,
    detected: Sequence[str],
) -> dict[str, dict[str, float]]:
    """Honest dev metrics: thresholds chosen on one half of dev, measured on the other half."""
    fold = np.asarray([hashlib.sha256(s.id.encode("utf-8")).digest()[1] % 2 for s in dev])
    outcomes: list[Outcome] = []
    for part in (0, 1):
        choose = [int(i) for i in np.flatnonzero(fold != part)]
        measure = [int(i) for i in np.flatnonzero(fold == part)]
        chosen = choose_thresholds(
            scores[choose],
            [dev[i].label for i in choose],
            [detected[i] for i in choose],
            CATEGORIES,
            LANGS,
        )
        thresholds = {
            (Category(cat), Language(lang)): value
            for cat, per_lang in chosen.items()
            for lang, value in per_lang.items()
        }
        outcomes += _outcomes(
            [dev[i] for i in measure], [results[i][0] for i in measure], thresholds
        )
    return {lang: s.as_dict() for lang, s in per_language(outcomes).items()}


def _top_scores(
    head: HeadWeights,
    ids: Sequence[np.ndarray],
    rules: FloatArray,
    embeddings: FloatArray | None,
    rows: np.ndarray,
) -> FloatArray:
    """The highest category probability of ``head`` for each of ``rows``."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.float32)
    logits = head.logits(
        [ids[int(r)] for r in rows], rules[rows], None if embeddings is None else embeddings[rows]
    )
    return np.asarray(head.probabilities(logits).max(axis=1), dtype=np.float32)


def _key(role: str, embedder: Embedder | None) -> dict[str, str]:
    """``<role>_key``: the model file an encoder's embeddings come from (checked at load)."""
    key = getattr(embedder, "cache_key", None)
    return {f"{role}_key": str(key)} if key is not None else {}


def _gates(
    top: FloatArray, targets: np.ndarray, quantile: float, precision: float
) -> tuple[float, float]:
    """(clean gate, settle level) of a cascade stage, from held-out TRAIN messages' top scores.

    clean gate: the level under which at most ``quantile`` of harmful messages fall (capped at
    0.2). settle level: the lowest level >= 0.5, on a 0.01 grid, at which the stage's flags
    reach ``precision`` (harmful vs ok); 1.01 (never) if none does. (A 0.05 grid made the mid
    gate jump between 0.7 and 0.8 from one retrain to the next: encoder on 16-21% of dev.)
    """
    harmful: np.ndarray = np.asarray(targets.any(axis=1), dtype=bool)
    if top.size == 0 or not harmful.any():
        return 0.0, 1.01
    clean_gate = round(float(min(0.2, np.quantile(top[harmful], quantile))), 4)
    for level in np.arange(0.5, 1.0, 0.01):
        flagged: np.ndarray = np.asarray(top >= level, dtype=bool)
        if flagged.sum() >= 10 and harmful[flagged].mean() >= precision:
            return clean_gate, round(float(level), 2)
    return clean_gate, 1.01


def _training_summary(
    corpus: Sequence[Sample], public: Sequence[Sample], dev: Sequence[Sample], options: TrainOptions
) -> dict[str, Any]:
    sources: dict[str, int] = {}
    for sample in public:
        sources[sample.source] = sources.get(sample.source, 0) + 1
    return {
        "corpus_messages": len(corpus),
        "public_messages": dict(sorted(sources.items())),
        "dev_messages": len(dev),
        "public_cap": options.public_cap,
        "public_weight": options.public_weight,
        "seed": options.seed,
        "corpus_sha256": hashlib.sha256(
            "\n".join(f"{s.id}\t{s.label}\t{s.text}" for s in corpus).encode("utf-8")
        ).hexdigest(),
    }
