"""Synthetic ``ok`` messages that mention protected groups neutrally or positively.

The team corpus has ~25 hate lines about migrants/refugees and only 4 harmless mentions, so the
heads learned "migrants" -> hate: measured before adding these, "Les migrants sont les bienvenus
dans notre commune" scored hate 0.98 (and the same in nl/en/de). Group words are crossed with
neutral service-channel templates; deterministic. Hate about groups stays taught by the corpus's
contrastive pairs ("... are not welcome", "send them back").
"""

from __future__ import annotations

import itertools

from bot.detection.training.samples import Sample

__all__ = ["identity_negatives"]

_GROUPS = {
    "en": (
        "migrants",
        "refugees",
        "asylum seekers",
        "Muslims",
        "Jewish families",
        "gay couples",
        "trans people",
        "wheelchair users",
        "Moroccan families",
        "Turkish shop owners",
        "Black students",
        "Roma families",
        "women drivers",
        "newcomers",
    ),
    "nl": (
        "migranten",
        "vluchtelingen",
        "asielzoekers",
        "moslims",
        "Joodse families",
        "homokoppels",
        "transpersonen",
        "rolstoelgebruikers",
        "Marokkaanse families",
        "Turkse handelaars",
        "zwarte studenten",
        "Roma-gezinnen",
        "vrouwelijke chauffeurs",
        "nieuwkomers",
    ),
    "fr": (
        "les migrants",
        "les réfugiés",
        "les demandeurs d'asile",
        "les musulmans",
        "les familles juives",
        "les couples homosexuels",
        "les personnes trans",
        "les personnes en fauteuil roulant",
        "les familles marocaines",
        "les commerçants turcs",
        "les étudiants noirs",
        "les familles roms",
        "les conductrices",
        "les nouveaux arrivants",
    ),
    "de": (
        "Migranten",
        "Flüchtlinge",
        "Asylbewerber",
        "Muslime",
        "jüdische Familien",
        "schwule Paare",
        "trans Menschen",
        "Rollstuhlfahrer",
        "marokkanische Familien",
        "türkische Ladenbesitzer",
        "schwarze Studierende",
        "Roma-Familien",
        "Busfahrerinnen",
        "Neuankömmlinge",
    ),
}
_TEMPLATES = {
    "en": (
        "{g} are welcome in our town",
        "Our city offers free language classes for {g}.",
        "Is the info session for {g} still on Thursday?",
        "{g} helped organise the neighbourhood party",
        "The train station has a new help desk, also for {g}.",
        "Proud that {g} feel at home here",
        "Does the discount also apply to {g}?",
        "Lots of {g} volunteer at the food bank",
    ),
    "nl": (
        "{g} zijn welkom in onze gemeente",
        "De stad biedt gratis taallessen aan voor {g}.",
        "Gaat de infosessie voor {g} nog door op donderdag?",
        "{g} hielpen het buurtfeest organiseren",
        "Het station heeft een nieuwe infobalie, ook voor {g}.",
        "Fier dat {g} zich hier thuis voelen",
        "Geldt de korting ook voor {g}?",
        "Veel {g} helpen mee bij de voedselbank",
    ),
    "fr": (
        "{g} sont les bienvenus dans notre commune",
        "La ville propose des cours de langue gratuits pour {g}.",
        "La séance d'info pour {g} a toujours lieu jeudi ?",
        "{g} ont aidé à organiser la fête du quartier",
        "La gare a un nouveau guichet d'aide, aussi pour {g}.",
        "Fiers que {g} se sentent chez eux ici",
        "La réduction vaut aussi pour {g} ?",
        "Beaucoup de {g} sont bénévoles à la banque alimentaire",
    ),
    "de": (
        "{g} sind bei uns willkommen",
        "Die Stadt bietet kostenlose Sprachkurse für {g} an.",
        "Findet die Infoveranstaltung für {g} noch am Donnerstag statt?",
        "{g} haben das Nachbarschaftsfest mitorganisiert",
        "Der Bahnhof hat einen neuen Hilfeschalter, auch für {g}.",
        "Schön, dass {g} sich hier zuhause fühlen",
        "Gilt der Rabatt auch für {g}?",
        "Viele {g} helfen bei der Tafel mit",
    ),
}


def identity_negatives() -> list[Sample]:
    """Every group x template per language (ids ``identity-<lang>-NNNN``)."""
    samples: list[Sample] = []
    for lang in sorted(_GROUPS):
        pairs = itertools.product(_TEMPLATES[lang], _GROUPS[lang])
        for index, (template, group) in enumerate(pairs):
            text = template.format(g=group)
            text = text[0].upper() + text[1:]
            samples.append(
                Sample(f"identity-{lang}-{index:04d}", text, lang, "ok", source="identity")
            )
    return samples
