"""Shipped data files: lexicon and homoglyph table load, and break with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.detection import charfold
from bot.detection.build_homoglyphs import build_table
from bot.detection.lexicon import LEXICON_LANGUAGES, LexiconError, default_lexicon, load_lexicon


def _write_lexicon(root: Path, content: str) -> None:
    for lang in LEXICON_LANGUAGES:
        (root / lang.value).mkdir(parents=True)
        (root / lang.value / "insult.yaml").write_text("nouns: [idiot]\n", encoding="utf-8")
    (root / "en" / "insult.yaml").write_text(content, encoding="utf-8")


@pytest.mark.parametrize(
    "content",
    ["nouns: [unclosed", "- a list\n- not a mapping\n", "nouns: [1, 2]\n", "nouns: idiot\n"],
)
def test_malformed_lexicon_names_the_file(tmp_path: Path, content: str) -> None:
    _write_lexicon(tmp_path, content)
    with pytest.raises(LexiconError) as error:
        load_lexicon(tmp_path)
    assert str(tmp_path / "en" / "insult.yaml") in str(error.value)


def test_missing_language_directory(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="missing lexicon directory"):
        load_lexicon(tmp_path)


def test_terms_are_folded_like_text(tmp_path: Path) -> None:
    _write_lexicon(tmp_path, "nouns: [Espèce DE  Con]\n")
    lexicon = load_lexicon(tmp_path)
    assert "espece de con" in lexicon.entries
    assert [m.term for m in lexicon.find("espece de con")] == ["espece de con"]
    assert list(lexicon.find("especes de cons")) == []


def test_shipped_lexicon_has_every_role_in_every_language() -> None:
    lexicon = default_lexicon()
    for role in (
        "insult.nouns",
        "insult.adjectives",
        "hate.groups",
        "hate.dehumanising",
        "threat.phrases",
        "sexual.phrases",
        "trolling.phrases",
        "grammar.address_noun",
        "grammar.negators",
        "allow.idioms",
        "function_words.words",
    ):
        for lang in LEXICON_LANGUAGES:
            assert lexicon.terms_with_role(role, lang), (role, lang)


def test_homoglyph_table_is_reproducible() -> None:
    assert build_table() == charfold.homoglyph_table()


def test_missing_homoglyph_table_names_file_and_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charfold, "HOMOGLYPH_FILE", tmp_path / "homoglyphs.json")
    charfold.homoglyph_table.cache_clear()
    try:
        with pytest.raises(charfold.HomoglyphDataError) as error:
            charfold.homoglyph_table()
        assert "homoglyphs.json" in str(error.value)
        assert "python -m bot.detection.build_homoglyphs" in str(error.value)
    finally:
        monkeypatch.undo()
        charfold.homoglyph_table.cache_clear()


def test_every_data_error_is_a_rules_data_error() -> None:
    from bot.detection.errors import RulesDataError
    from bot.detection.langid import LanguageModelError

    for error in (LexiconError, LanguageModelError, charfold.HomoglyphDataError):
        assert issubclass(error, RulesDataError)
