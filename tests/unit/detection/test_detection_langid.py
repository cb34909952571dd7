"""Language identification on short and code-switched messages; clear errors on bad model files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.detection.langid import (
    _WORD,
    LANGID_LANGUAGES,
    LanguageIdentifier,
    LanguageModelError,
    NgramModel,
    _letter_word_ngrams,
    default_identifier,
    load_ngram_model,
    word_ngrams,
)
from bot.verdicts import Language

SHORT_MESSAGES = [
    ("de trein is weer te laat", Language.NL),
    ("waarom is mijn pakje nog niet geleverd", Language.NL),
    ("ge zijt nen echte zever", Language.NL),
    ("dank u voor de snelle hulp", Language.NL),
    ("le train est encore en retard", Language.FR),
    ("pourquoi mon colis n'est pas arrivé", Language.FR),
    ("merci pour votre aide", Language.FR),
    ("t'es vraiment nul", Language.FR),
    ("the train is late again", Language.EN),
    ("why has my parcel not arrived", Language.EN),
    ("thanks for the quick help", Language.EN),
    ("der Zug ist schon wieder zu spät", Language.DE),
    ("warum ist mein Paket noch nicht da", Language.DE),
    ("danke für die schnelle Hilfe", Language.DE),
    ("du bist so dumm", Language.DE),
]


@pytest.mark.parametrize(("text", "expected"), SHORT_MESSAGES)
def test_short_messages(text: str, expected: Language) -> None:
    guess = default_identifier().identify(text.lower())
    assert guess.lang is expected
    assert guess.shares[0][0] is expected


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("allez, t'es vraiment een dikke zever hein", {Language.FR, Language.NL}),
        ("c'est pas possible, de trein is weer te laat", {Language.FR, Language.NL}),
        ("sorry maar this is really not okay, echt niet", {Language.EN, Language.NL}),
    ],
)
def test_code_switched_messages_report_both_languages(text: str, languages: set[Language]) -> None:
    guess = default_identifier().identify(text)
    shares = dict(guess.shares)
    assert languages <= set(shares)
    assert all(shares[lang] >= 0.2 for lang in languages)
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("text", ["", "😀😀😀", "12345 678", "!!!???"])
def test_no_words_means_unknown(text: str) -> None:
    guess = default_identifier().identify(text)
    assert guess.lang is Language.UNKNOWN
    assert guess.shares == ()


def test_missing_model_names_the_file_and_rebuild_command(tmp_path: Path) -> None:
    missing = tmp_path / "langid.json"
    with pytest.raises(LanguageModelError) as error:
        load_ngram_model(missing)
    assert str(missing) in str(error.value)
    assert "python -m bot.detection.build_langid" in str(error.value)


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"languages": ["nl"], "unseen": [-1.0]}',
        '{"languages": ["xx"], "unseen": [-1.0], "log_probs": {}}',
        '{"languages": ["nl", "fr"], "unseen": [-1.0], "log_probs": {}}',
        '{"languages": ["nl"], "unseen": [-1.0], "log_probs": {"a": [1.0, 2.0]}}',
    ],
)
def test_corrupt_model_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "langid.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LanguageModelError, match="rebuild it with"):
        load_ngram_model(path)


def test_function_words_decide_when_ngrams_are_ambiguous() -> None:
    model = load_ngram_model()
    without = LanguageIdentifier(model, {})
    with_words = LanguageIdentifier(model, {Language.DE: frozenset({"xq"})})
    assert without.identify("xq").lang is not Language.DE
    assert with_words.identify("xq").lang is Language.DE


def _guess_with_float_sums(identifier: LanguageIdentifier, text: str) -> tuple[object, ...]:
    """``identify`` written plainly: each per-language value summed as a float, word by word."""
    words = _WORD.findall(text.casefold())
    languages = LANGID_LANGUAGES
    rows = [identifier._word_votes(word) for word in words]
    columns = [sum(column[:1], 0.0) for column in zip(*rows, strict=True)]
    for row in rows[1:]:
        columns = [total + value for total, value in zip(columns, row, strict=True)]
    sums, votes = columns[:4], columns[4:]
    primary = languages[max(range(4), key=lambda i: sums[i])]
    shares = [(lang, vote / sum(votes)) for lang, vote in zip(languages, votes, strict=True)]
    kept = [(lang, share) for lang, share in shares if share >= 0.1 or lang is primary]
    kept_total = sum(share for _, share in kept)
    ordered = sorted(kept, key=lambda item: (-item[1], item[0].value))
    return primary, tuple((lang, round(share / kept_total, 3)) for lang, share in ordered)


@pytest.mark.parametrize(
    "text",
    [text for text, _ in SHORT_MESSAGES]
    + ["allez, t'es vraiment een dikke zever hein", "ok", "the the the de de le der", "x"],
)
def test_summing_two_values_per_complex_changes_no_float(text: str) -> None:
    identifier = default_identifier()
    guess = identifier.identify(text)
    assert (guess.lang, guess.shares) == _guess_with_float_sums(identifier, text)


_WORDS = [
    "de",
    "x",
    "t'es",
    "zever",
    "geleverd",
    "spät",
    "qqqqzzzz",
    "ﬁ",
    "a" * 70,  # longer than the cached slice tables
    "onvoorstelbaarheidsgedachte",
]


@pytest.mark.parametrize("word", _WORDS)
def test_letter_word_ngrams_are_word_ngrams(word: str) -> None:
    assert _letter_word_ngrams(word) == word_ngrams(word)


@pytest.mark.parametrize("word", ["", "a b", " a", "a\u00a0b", "\t"])
def test_letter_word_ngrams_leave_blank_words_to_word_ngrams(word: str) -> None:
    assert _letter_word_ngrams(word) is None


def _plain_word_scores(identifier: LanguageIdentifier, word: str) -> tuple[float, ...]:
    """The word score written plainly: one float sum per language, n-gram by n-gram."""
    model = identifier._model
    function_words = identifier._function_words
    totals = [0.0] * len(model.languages)
    grams = word_ngrams(word)
    for gram in grams:
        for index, value in enumerate(model.log_probs.get(gram, model.unseen)):
            totals[index] += value
    if grams:
        totals = [total / math.sqrt(len(grams)) for total in totals]
    members = [lang for lang in model.languages if word in function_words.get(lang, ())]
    for lang in members:
        totals[model.languages.index(lang)] += 6.0 / len(members)
    return tuple(totals)


@pytest.mark.parametrize("word", [*_WORDS, "", "a b", "niet", "pas", "the", "nicht", "die"])
def test_word_scores_are_plain_float_sums(word: str) -> None:
    identifier = default_identifier()
    assert identifier._word_scores(word) == _plain_word_scores(identifier, word)


def test_function_word_of_several_languages_shares_the_bonus() -> None:
    model = load_ngram_model()
    shared = frozenset({"xq"})
    alone = LanguageIdentifier(model, {})
    both = LanguageIdentifier(model, {Language.NL: shared, Language.DE: shared})
    plain = alone._word_scores("xq")
    assert both._word_scores("xq") == (plain[0] + 3.0, plain[1], plain[2], plain[3] + 3.0)
    assert both._word_scores("xq") == _plain_word_scores(both, "xq")


def test_odd_language_count_sums_plainly() -> None:
    full = load_ngram_model()
    model = NgramModel(
        languages=full.languages[:3],
        log_probs={gram: values[:3] for gram, values in full.log_probs.items()},
        unseen=full.unseen[:3],
    )
    identifier = LanguageIdentifier(model, {Language.FR: frozenset({"pas"})})
    assert identifier._pair_tables is None
    for word in [*_WORDS, "pas", "a b"]:
        assert identifier._word_scores(word) == _plain_word_scores(identifier, word)


def _fresh_identifier() -> LanguageIdentifier:
    return LanguageIdentifier(load_ngram_model(), default_identifier()._function_words)


_BATCH = [
    "allez, t'es vraiment een dikke zever hein",
    "de de de niet pas the nicht die",
    "qqqqzzzz onvoorstelbaarheidsgedachte " + "a" * 70,
    "pourquoi mon colis n'est pas arrivé ﬁ",
    "",
    "12345 !!!",
    *[text for text, _ in SHORT_MESSAGES],
]


def test_prime_caches_the_same_rows_as_scoring_word_by_word() -> None:
    one_by_one, primed = _fresh_identifier(), _fresh_identifier()
    word_lists = [primed.words(text) for text in _BATCH]
    primed.prime(word_lists)
    words = {word for words in word_lists for word in words}
    assert words
    assert words <= primed._cache.keys()
    for word in words:
        assert primed._cache[word] == one_by_one._word_row(word)  # the same floats, exactly
    for text in _BATCH:
        assert primed.identify(text) == one_by_one.identify(text)


def test_prime_leaves_words_to_identify_when_the_cache_has_no_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.detection.langid as langid

    identifier = _fresh_identifier()
    monkeypatch.setattr(langid, "_CACHE_MAX", 3)
    monkeypatch.setattr(langid, "PRIME_MIN_WORDS", 1)
    identifier.prime([["trein", "laat", "weer", "zever"]])
    assert identifier._cache == {}  # four new words, room for three: none primed
    identifier.identify("trein laat weer zever")
    assert list(identifier._cache) == ["trein", "laat", "weer"]  # as before: the first ones
    identifier.prime([["colis"]])
    assert "colis" not in identifier._cache
    assert identifier.identify("colis") == _fresh_identifier().identify("colis")


def test_prime_leaves_a_few_new_words_to_identify() -> None:
    """Below PRIME_MIN_WORDS new words numpy's overhead costs more than it saves."""
    from bot.detection.langid import PRIME_MIN_WORDS

    identifier = _fresh_identifier()
    few = ["trein", "laat", "weer", "zever", "colis", "retard", "Paket", "spät"][
        : PRIME_MIN_WORDS - 1
    ]
    identifier.prime([few, few[:2]])
    assert identifier._cache == {}
    identifier.prime([few, ["geleverd"]])
    assert list(identifier._cache) == [*few, "geleverd"]
