"""``RuleContext`` and ``TextLayout``: what they build on first use equals the eager definition."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detection.classifier import RulesClassifier
from bot.detection.context import (
    _WORD,
    NO_MATCHES,
    RuleContext,
    TextLayout,
    all_words,
    words_between,
)
from bot.detection.lexicon import RawMatch
from bot.detection.rules import find_candidates
from bot.detection.rules_harm import HARM_RULES
from bot.detection.training.samples import load_corpus
from bot.verdicts import Language


def _match(start: int, end: int, term: str, role: str) -> RawMatch:
    return RawMatch(start, end, term, role, Language.EN)


def _context(text: str, roles: dict[str, list[RawMatch]], words: tuple[str, ...] | None = None):
    empty: frozenset[str] = frozenset()
    return RuleContext(
        text=text,
        layout=TextLayout(text),
        roles=roles,
        index_roles=frozenset({"grammar.negators"}),
        skippable=empty,
        closed_class=empty,
        insult_adjectives=empty,
        weak_adjectives=empty,
        person_subjects=empty,
        product_nouns=empty,
        words=words,
    )


def test_layout_finds_breaks_and_quotes() -> None:
    layout = TextLayout.of('Hi, you. "no" (ok)? yes\nbye')
    assert layout.sentence_breaks == (7, 18, 23)
    assert layout.clause_breaks == (2, 7, 14, 17, 18, 23)
    assert layout.double_quotes == (9, 12)
    assert layout.sentence_end(0) == 7
    assert layout.clause_start(5) == 3


def test_index_only_for_index_roles_and_built_once() -> None:
    negator = _match(0, 3, "not", "grammar.negators")
    slur = _match(4, 8, "slur", "hate.slurs")
    ctx = _context("not slur", {"grammar.negators": [negator], "hate.slurs": [slur]})
    assert ctx.index("grammar.negators").matches == [negator]
    assert ctx.index("grammar.negators") is ctx.index("grammar.negators")
    assert ctx.index("hate.slurs") is NO_MATCHES  # matched, but not an index role
    assert ctx.index("grammar.copulas") is NO_MATCHES
    assert ctx.matches("hate.slurs") == [slur]


def test_words_are_every_word_of_the_text() -> None:
    text = "t'es un idiot, l'ami... 3 fois_deux"
    assert _context(text, {}).words == tuple(words_between(text, 0, len(text)))
    assert _context(text, {}, words=("given",)).words == ("given",)


def test_skipping_rules_without_their_roles_changes_no_candidate() -> None:
    """Every rule runs on every text: the same candidates as ``find_candidates`` (which skips
    rules none of whose starting roles matched). Fails when a rule starts from a role it does
    not declare."""
    from bot.detection.rules import _INSULT_RULES

    classifier = RulesClassifier()
    texts = [sample.text for sample in load_corpus("dev")]
    assert len(texts) > 500
    for text in texts:
        analysis = classifier.analyse(text)
        ctx = classifier._context(analysis.normalised.text, list(analysis.raw_matches), None)
        everything = [item for rule, _ in (*_INSULT_RULES, *HARM_RULES) for item in rule(ctx)]
        everything.sort(key=lambda c: (c.start, c.end, c.category.value))
        assert find_candidates(ctx) == everything, text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab Z09'_-.\n", "é", "ß", "٣", "²"]), max_size=60))
def test_all_words_are_words_between_the_ends(text: str) -> None:
    assert all_words(text) == words_between(text, 0, len(text))
    ascii_only = "".join(char for char in text if char.isascii())
    assert all_words(ascii_only) == _WORD.findall(ascii_only)


def test_a_short_single_quoted_phrase_is_found_but_not_an_elision() -> None:
    quoted = "iemand zei 'sale bougnoule' tegen mijn broer"
    start = quoted.index("bougnoule")
    assert TextLayout(quoted).in_short_quote(start, start + len("bougnoule"))
    assert not TextLayout(quoted).is_quoted(start, start + len("bougnoule"))  # not the whole term
    for text, word in [
        ("'t is een vuile makak", "makak"),  # Dutch 't (het) opens no quotation
        ("'Cause ur a dumb bitch, goin' nowhere", "bitch"),
        ("the drivers' union, you idiot", "idiot"),  # a lone apostrophe closes nothing
        ("he said 'one two three four five six seven idiot' to me", "idiot"),  # too long
    ]:
        start = text.index(word)
        assert not TextLayout(text).in_short_quote(start, start + len(word)), text
