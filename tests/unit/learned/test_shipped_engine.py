"""The shipped model with the real encoder (loaded once per session): sane verdicts end to end."""

from __future__ import annotations

import pytest

from bot.detection.engine import STAGE_ENCODER, STAGE_MID, DetectionEngine, decide
from bot.verdicts import Category


@pytest.fixture(scope="session")
def shipped_engine() -> DetectionEngine:
    return DetectionEngine.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jij bent een vuile idioot, ik weet waar je woont.", Category.THREAT),
        ("T'es qu'un connard fini.", Category.INSULT),
        ("The train is late again, what a fucking joke of a company.", None),
        ("Danke für die schnelle Hilfe mit meiner Rechnung!", None),
    ],
)
def test_shipped_engine_flags_abuse_not_criticism(
    shipped_engine: DetectionEngine, text: str, expected: Category | None
) -> None:
    flagged = decide(shipped_engine.classify(text), shipped_engine.default_thresholds())
    assert (flagged.category if flagged else None) is expected


UNCERTAIN = [
    "people like you should think twice before posting here",
    "Why do they always send the new guy to fix my line?",
    "Ces gens-là ne devraient pas travailler au guichet.",
    "Your colleague should go back to where she came from",
    "Wat doen die mensen hier eigenlijk in onze wijk?",
    "Solche Leute sollten nicht am Schalter arbeiten.",
    "message about the bus schedule and whether people like you belong here",
    "those people again, always the same story with them",
]


def test_uncertain_texts_reach_the_mid_stage_and_the_real_encoder(
    shipped_engine: DetectionEngine,
) -> None:
    from bot.detection.training.samples import load_corpus

    stages = [stage for _, stage in shipped_engine.classify_with_stages(UNCERTAIN)]
    assert STAGE_ENCODER in stages
    # the mid stage settles only what its gates are sure of: some of the dev set
    dev = [sample.text for sample in load_corpus("dev")]
    assert STAGE_MID in {stage for _, stage in shipped_engine.classify_with_stages(dev)}


MICRO_MESSAGES = [
    "👍",
    "ok",
    "lol",
    "haha",
    "first",
    "😀😀😀",
    "!!!!!!!!",
    "?",
    "Dank u",
    "mdr",
    "+1",
]


def test_shipped_engine_leaves_micro_messages_alone(shipped_engine: DetectionEngine) -> None:
    thresholds = shipped_engine.default_thresholds()
    results = shipped_engine.classify_many(MICRO_MESSAGES)
    flagged = [
        text
        for text, result in zip(MICRO_MESSAGES, results, strict=True)
        if decide(result, thresholds)
    ]
    assert flagged == []


@pytest.mark.parametrize(
    ("text", "harmful"),
    [
        ("Les migrants sont les bienvenus dans notre commune", False),
        ("Vluchtelingen zijn welkom in onze gemeente", False),
        ("Schwule Paare bekommen bei uns den gleichen Tarif, super!", False),
        ("Migrants are vermin, send them all back", True),
    ],
)
def test_shipped_engine_tells_identity_mentions_from_hate(
    shipped_engine: DetectionEngine, text: str, harmful: bool
) -> None:
    flagged = decide(shipped_engine.classify(text), shipped_engine.default_thresholds())
    assert (flagged is not None) is harmful


COUNTER_SPEECH_AND_NEGATION = [
    ("Stop calling people idiots.", Category.INSULT),
    ("Stop calling refugees cockroaches.", Category.HATE),
    ("Arrêtez de traiter les migrants de rats.", Category.HATE),
    ("Hört auf, Flüchtlinge als Ungeziefer zu bezeichnen.", Category.HATE),
    ("you are not an idiot", Category.INSULT),
    # addressed by a neutral role, a negated feeling about people (session 5)
    ("du bist ein Bayern-Fan", Category.INSULT),
    ("jij bent een Anderlecht fan", Category.INSULT),
    ("Jij bent een papa van twee, dus je snapt het", Category.INSULT),
    ("I don't hate your staff, I hate your broken ticket machines", Category.INSULT),
]

# Acted on before session 5 (audit 2): criticism of the company, praise, a reported slur, a
# customer updating an address, a religious greeting.
NEVER_ACTED_ON = [
    "Bpost lost my parcel and then marked it as delivered. You guys are a joke.",
    "Proximus, jullie zijn een schande",
    "SNCB, vous êtes une blague",
    "Telenet, ihr seid ein Witz",
    "Der neue Stürmer ist ein Tier, drei Tore in einem Spiel!",
    "Iemand zei 'sale bougnoule' tegen mijn broer dans le tram. Ik heb het gemeld bij de STIB.",
    "I have a new home address, how do I update it?",
    "Allen muslimischen Familien ein gesegnetes Zuckerfest!",
    "du bist ein Bayern-Fan",
    "jij bent een vrouw en je bent conducteur, knap",
]


@pytest.mark.parametrize("text", NEVER_ACTED_ON)
def test_criticism_praise_and_reports_are_never_acted_on(
    shipped_engine: DetectionEngine, text: str
) -> None:
    from bot.detection.tools.verdict import verdict_of
    from bot.settings.detection_models import ModelOnlySettings

    verdict = verdict_of(
        shipped_engine.classify(text), shipped_engine.default_thresholds(), ModelOnlySettings()
    )
    assert not verdict.flagged, verdict


@pytest.mark.parametrize(("text", "category"), COUNTER_SPEECH_AND_NEGATION)
def test_words_the_rules_discounted_are_marked_so_the_model_alone_cannot_act(
    shipped_engine: DetectionEngine, text: str, category: Category
) -> None:
    """The model reacts to the slur or insult word itself; the rules saw it negated or
    denounced. The score says so (``suppressed``) and the community policy then sends a high
    model score to review instead of acting (``ModelOnlySettings.allows``)."""
    from bot.settings.detection_models import ModelOnlySettings

    item = shipped_engine.classify(text).score_of(category)
    assert item.suppressed
    assert not item.spans
    assert not ModelOnlySettings().allows(item)


def test_crude_product_criticism_is_not_a_sexual_remark(shipped_engine: DetectionEngine) -> None:
    """The mid head once settled this with sexual 0.52 (over the sexual threshold); the stage
    rule is tested in test_mid_stage.py, the shipped answer here."""
    from bot.detection.engine import STAGE_MID

    classification, stage = shipped_engine.classify_with_stages(
        ["Die App ist echt der letzte Mist"]
    )[0]
    assert stage != STAGE_MID
    assert classification.score_of(Category.SEXUAL).score < 0.5
