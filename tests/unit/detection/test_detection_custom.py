"""Community custom terms: deny terms and RE2 patterns per category, allow terms, bad regexes."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from bot.detection.classifier import RulesClassifier
from bot.detection.custom import PatternError, compile_custom_terms
from bot.verdicts import Category, CustomTerms


def _terms(
    deny: dict[Category, tuple[str, ...]] | None = None,
    patterns: dict[Category, tuple[str, ...]] | None = None,
    allow: tuple[str, ...] = (),
) -> CustomTerms:
    return CustomTerms(
        deny=MappingProxyType(deny or {}),
        deny_patterns=MappingProxyType(patterns or {}),
        allow=allow,
    )


def test_deny_term_flags_its_category_even_when_disguised() -> None:
    classifier = RulesClassifier(_terms(deny={Category.INSULT: ("Brolzak",)}))
    for text in ("wat een brolzak", "wat een BR0LZ4K", "wat een b r o l z a k", "wat een brоlzak"):
        insult = classifier.classify(text).score_of(Category.INSULT)
        assert insult.score >= 0.6, text
        assert any("custom.deny" in reason for reason in insult.reasons)


def test_deny_term_respects_word_boundaries_and_negation() -> None:
    classifier = RulesClassifier(_terms(deny={Category.TROLLING: ("pruts",)}))
    assert classifier.classify("prutsers overal").score_of(Category.TROLLING).score == 0.0
    negated = classifier.classify("het is geen pruts").score_of(Category.TROLLING)
    assert negated.score == 0.0
    assert any("suppressed:negation" in reason for reason in negated.reasons)


def test_deny_pattern_runs_on_normalised_text() -> None:
    classifier = RulesClassifier(_terms(patterns={Category.THREAT: (r"bomb(e|s)? (in|op) \w+",)}))
    threat = classifier.classify("er ligt een B0MB op Centraal").score_of(Category.THREAT)
    assert threat.score >= 0.6
    (span,) = threat.spans
    assert span.text == "B0MB op Centraal"


def test_allow_term_cancels_a_lexicon_hit() -> None:
    text = "you are a twat"
    assert RulesClassifier().classify(text).score_of(Category.INSULT).score >= 0.6
    allowed = RulesClassifier(_terms(allow=("twat",))).classify(text).score_of(Category.INSULT)
    assert allowed.score == 0.0
    assert any("suppressed:allowed" in reason for reason in allowed.reasons)


@pytest.mark.parametrize("pattern", ["(unclosed", "a{2,1}", "(?=lookahead)", "\\"])
def test_bad_regex_is_a_pattern_error_naming_the_pattern(pattern: str) -> None:
    with pytest.raises(PatternError) as error:
        compile_custom_terms(_terms(patterns={Category.INSULT: ("ok", pattern)}))
    assert error.value.pattern == pattern
    assert pattern in str(error.value)
    assert error.value.message


def test_compiled_terms_are_reusable_and_empty_terms_are_fine() -> None:
    compiled = compile_custom_terms(_terms())
    assert list(compiled.find("anything at all")) == []
    classifier = RulesClassifier(CustomTerms())
    assert classifier.classify("hello").top() is not None
