"""Shared fixtures: a tiny model trained with a hashing stand-in encoder (no USE download/load)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.detection.engine import DetectionEngine
from bot.detection.learned.features import HashingEmbedder
from bot.detection.training.samples import Sample
from bot.detection.training.train import TrainOptions, train

_TRAIN = [
    ("en", "ok", "The train was late again this morning, so annoying."),
    ("en", "ok", "Thanks for fixing my internet connection so quickly!"),
    ("en", "ok", "Damn, the app crashed again while paying my invoice."),
    ("en", "ok", "When will the parcel arrive? It has been a week."),
    ("en", "insult", "You are a useless idiot, the worst agent ever."),
    ("en", "insult", "Shut up you pathetic moron."),
    ("en", "hate", "Immigrants are vermin and should be deported."),
    ("en", "hate", "Those people are animals, send them all back."),
    ("en", "sexual", "Send me pictures of your body, sexy girl."),
    ("en", "sexual", "Nice legs, come sit on my lap baby."),
    ("en", "threat", "I know where you live and I will burn your house."),
    ("en", "threat", "I am going to kill you after your shift."),
    ("en", "trolling", "Cry more, ratio, nobody cares about your club lol."),
    ("en", "trolling", "lol cry harder loser fans, ratio."),
    ("nl", "ok", "De trein is weer te laat, wat een gedoe."),
    ("nl", "ok", "Bedankt voor de snelle hulp met mijn factuur."),
    ("nl", "ok", "Verdomme, alweer een storing bij het internet."),
    ("nl", "insult", "Jij bent een vuile idioot, echt waardeloos."),
    ("nl", "hate", "Die migranten zijn ongedierte, allemaal buiten."),
    ("nl", "threat", "Ik weet waar je woont, ik steek je huis in brand."),
    ("nl", "sexual", "Stuur me eens een naaktfoto schatje."),
    ("nl", "trolling", "Huil maar, jullie club is kansloos, ratio."),
    ("fr", "ok", "Le train est encore en retard, c'est pénible."),
    ("fr", "ok", "Merci pour votre aide rapide avec la facture."),
    ("fr", "insult", "T'es un connard fini, incompétent."),
    ("fr", "threat", "Je sais où tu habites, je vais te tuer."),
    ("de", "ok", "Der Zug ist schon wieder zu spät, ärgerlich."),
    ("de", "ok", "Danke für die schnelle Hilfe mit der Rechnung."),
    ("de", "insult", "Du bist so ein Vollidiot, echt."),
    ("de", "hate", "Flüchtlinge sind Ungeziefer, alle raus."),
]
_DEV = [
    ("en", "ok", "My bus did not show up, very frustrating."),
    ("en", "insult", "You are a stupid idiot."),
    ("en", "threat", "I will kill you, I know where you live."),
    ("nl", "ok", "Mijn pakje is nog steeds niet geleverd."),
    ("nl", "insult", "Jij bent een idioot."),
    ("fr", "ok", "Ma facture est trop élevée ce mois-ci."),
    ("fr", "insult", "T'es un connard."),
    ("de", "ok", "Die Rechnung ist zu hoch."),
    ("de", "insult", "Du bist ein Idiot."),
    ("en", "hate", "Immigrants are vermin."),
    ("en", "sexual", "Send me nudes baby."),
    ("en", "trolling", "Cry more, ratio."),
]


def _samples(rows: list[tuple[str, str, str]], split: str) -> list[Sample]:
    return [
        Sample(f"{lang}-{split}-{i:03d}", text, lang, label)
        for i, (lang, label, text) in enumerate(rows)
    ]


@pytest.fixture(scope="session")
def tiny_train() -> list[Sample]:
    return _samples(_TRAIN, "tr")


@pytest.fixture(scope="session")
def tiny_dev() -> list[Sample]:
    return _samples(_DEV, "dev")


def train_tiny(directory: Path, train_samples: list[Sample], dev_samples: list[Sample]) -> None:
    options = TrainOptions(models_dir=directory, use_public=False, progress=False)
    train(options, HashingEmbedder(64), train_samples, dev_samples, log=lambda _: None)


@pytest.fixture(scope="session")
def tiny_models(
    tmp_path_factory: pytest.TempPathFactory, tiny_train: list[Sample], tiny_dev: list[Sample]
) -> Path:
    directory = tmp_path_factory.mktemp("models")
    train_tiny(directory, tiny_train, tiny_dev)
    return directory


@pytest.fixture(scope="session")
def tiny_engine(tiny_models: Path) -> DetectionEngine:
    return DetectionEngine.load(tiny_models)
