"""``RuleAnalysis``: the stable feature surface the learned layer builds on."""

from __future__ import annotations

import pytest

from bot.detection.analysis import FEATURE_NAMES, Suppressor, Target
from bot.detection.classifier import RulesClassifier, check_rules_data
from bot.detection.langid import LanguageIdentifier, load_ngram_model
from bot.verdicts import Category, Language


@pytest.fixture(scope="module")
def classifier() -> RulesClassifier:
    return RulesClassifier()


def test_feature_vector_matches_names(classifier: RulesClassifier) -> None:
    analysis = classifier.analyse("you are an idiot")
    vector = analysis.feature_vector()
    assert len(vector) == len(FEATURE_NAMES)
    features = analysis.features()
    assert features["rule_score.insult"] == pytest.approx(0.95)
    assert features["target.second_person"] == 1.0
    assert features["flag.negation"] == 0.0
    assert features["lang.en"] > 0.5


def test_negated_insult_keeps_raw_score_but_no_final_score(classifier: RulesClassifier) -> None:
    analysis = classifier.analyse("I don't think you're an idiot")
    assert analysis.category_scores[Category.INSULT] == 0.0
    assert analysis.raw_scores[Category.INSULT] >= 0.9
    assert Suppressor.NEGATION in analysis.suppressors
    assert analysis.has_negation
    (hit,) = analysis.hits_for(Category.INSULT)
    assert hit.effective_score == 0.0
    assert hit.suppressed_by == (Suppressor.NEGATION,)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("are you serious?", "is_question"),
        ('he wrote "whatever"', "has_quote"),
        ("calling someone that is racist", "has_counter_speech"),
        ("fuck, the train again", "has_profanity"),
        ("I love my Muslim neighbours", "mentions_group"),
        ("can you help me", "addresses_reader"),
    ],
)
def test_flags(classifier: RulesClassifier, text: str, flag: str) -> None:
    assert getattr(classifier.analyse(text), flag) is True
    assert getattr(classifier.analyse("the train is late"), flag) is False


def test_targets_and_matches(classifier: RulesClassifier) -> None:
    analysis = classifier.analyse("this app is garbage and immigrants are parasites")
    assert {Target.PRODUCT, Target.GROUP} <= analysis.targets
    roles = {match.role for match in analysis.matches}
    assert {"hate.groups", "hate.dehumanising", "grammar.product_subjects"} <= roles
    for match in analysis.matches:
        assert analysis.normalised.text[match.start : match.end] == match.term
        assert analysis.normalised.original[match.span.start : match.span.end] == match.span.text


def test_matches_are_the_raw_matches_with_spans(classifier: RulesClassifier) -> None:
    analysis = classifier.analyse("Jij bent een   ID1OT, echt een idiot")
    assert analysis.matches is analysis.matches  # built once, on first use
    assert len(analysis.matches) == len(analysis.raw_matches) > 0
    for match, raw in zip(analysis.matches, analysis.raw_matches, strict=True):
        assert (match.term, match.role, match.lang, match.start, match.end) == (
            raw.term,
            raw.role,
            raw.lang,
            raw.start,
            raw.end,
        )
        assert match.span == analysis.normalised.span(raw.start, raw.end)
    assert analysis.features()["count.matches"] == min(len(analysis.raw_matches), 20) / 20


def test_language_and_shares(classifier: RulesClassifier) -> None:
    analysis = classifier.analyse("de trein is weer te laat")
    assert analysis.lang is Language.NL
    assert analysis.language_shares[0][0] is Language.NL


def test_truncated_flag_for_huge_input(classifier: RulesClassifier) -> None:
    assert classifier.analyse("x " * 60_000).truncated
    assert not classifier.analyse("short").truncated


def test_classify_has_every_category(classifier: RulesClassifier) -> None:
    result = classifier.classify("hello there")
    assert [score.category for score in result.scores] == list(Category)
    assert all(score.score == 0.0 for score in result.scores)


def test_shared_data_loads() -> None:
    check_rules_data()


def test_analyse_many_is_analyse_one_by_one() -> None:
    """The batch path scores new words for language id together: the same analyses."""
    texts = [
        "Jij bent een idioot, ge zijt nen echte zever",
        "allez, t'es vraiment een dikke zever hein",
        "I know where you live. Je sais où tu habites.",
        "du bist so dumm, der Zug ist schon wieder zu spät",
        "",
        "😀😡🔥💩",
        "i d i o o t",
        "x" * 5_000,
        "qqqqzzzz onvoorstelbaarheidsgedachte",
    ]
    one_by_one, together = RulesClassifier(), RulesClassifier()
    for rules in (one_by_one, together):  # own caches: every word is new to both
        rules._identifier = LanguageIdentifier(
            load_ngram_model(), rules._lexicon.function_words_by_language()
        )
    assert together.analyse_many(texts) == [one_by_one.analyse(text) for text in texts]
    assert together._identifier._cache.keys() == one_by_one._identifier._cache.keys()
    assert together.analyse_many([]) == []
