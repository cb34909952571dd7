"""Synthetic ``ok`` micro-messages: reactions, acknowledgements and emoji.

Neither the corpus nor the dev set has one-word messages, yet they are a large share of real
channel traffic ("👍", "lol", "merci", "+1"). Without them the heads extrapolate from empty
feature vectors and from the emoji-heavy hate of HatemojiBuild: measured before adding these,
"👍" scored hate 0.37, "lol" trolling 0.84 and "first" insult 0.43 (all flagged). Deterministic.
"""

from __future__ import annotations

import itertools

from bot.detection.training.samples import Sample

__all__ = ["short_negatives"]

_WORDS = {
    "en": (
        "ok",
        "okay",
        "lol",
        "haha",
        "thanks",
        "thx",
        "thank you",
        "first",
        "same",
        "yes",
        "no",
        "wow",
        "nice",
        "cool",
        "great",
        "sure",
        "agreed",
        "true",
        "hmm",
        "what?",
        "why?",
        "when?",
        "me too",
        "+1",
        "noted",
        "done",
        "good morning",
        "good luck",
        "cheers",
        "omg",
    ),
    "nl": (
        "oké",
        "ok",
        "merci",
        "bedankt",
        "dank u",
        "dankjewel",
        "haha",
        "jaja",
        "nee",
        "ja",
        "top",
        "super",
        "echt?",
        "wanneer?",
        "waarom?",
        "amai",
        "allez",
        "goedemorgen",
        "proficiat",
        "zalig",
        "klopt",
        "idem",
        "hmm",
        "oei",
        "tof",
    ),
    "fr": (
        "merci",
        "ok",
        "d'accord",
        "mdr",
        "ptdr",
        "haha",
        "oui",
        "non",
        "bien",
        "super",
        "top",
        "quand ?",
        "pourquoi ?",
        "bonjour",
        "bonne journée",
        "bravo",
        "génial",
        "pareil",
        "ah bon",
        "euh",
        "vraiment ?",
        "trop bien",
        "ça marche",
        "bof",
        "allez",
    ),
    "de": (
        "ok",
        "danke",
        "danke schön",
        "ja",
        "nein",
        "haha",
        "super",
        "toll",
        "genau",
        "stimmt",
        "wann?",
        "warum?",
        "guten Morgen",
        "moin",
        "servus",
        "prima",
        "echt?",
        "hm",
        "gleichfalls",
        "alles klar",
        "na ja",
        "krass",
        "cool",
        "passt",
        "geil",
    ),
}
_EMOJI = (
    "👍",
    "🙏",
    "❤️",
    "😀",
    "😂",
    "😊",
    "🙂",
    "😉",
    "👏",
    "🎉",
    "🔥",
    "💪",
    "😅",
    "🤔",
    "😢",
    "😮",
    "🙄",
    "😴",
    "✅",
    "🚆",
    "🚌",
    "📦",
    "⚽",
    "☕",
    "🌧️",
)
_LAUGHS = ("lol", "lool", "loll", "LOL", "haha", "hahaha", "mdr", "ptdr", "xD", "hihi", "jaja")
_PUNCT = ("", "!", "!!", "?", "...", " :)", " :-)", " xD")


def short_negatives() -> list[Sample]:
    """About 700 short harmless messages in nl/fr/en/de (ids ``short-<lang>-NNNN``)."""
    samples: list[Sample] = []
    for lang, words in sorted(_WORDS.items()):
        texts = {word + punct for word, punct in itertools.product(words, _PUNCT)}
        texts |= {f"{word} {emoji}" for word, emoji in zip(words, _EMOJI, strict=False)}
        for index, text in enumerate(sorted(texts)[::2]):
            samples.append(Sample(f"short-{lang}-{index:04d}", text, lang, "ok", source="short"))
    emoji_texts = sorted({a + b for a, b in itertools.product(_EMOJI, ("", *_EMOJI[:6]))})
    emoji_texts += ["!!!", "???", "?!", "...", "+1", "1", "10/10", ":)", ":(", "xD", "<3"]
    # laughter on its own is harmless; the trolling corpus uses it a lot ("cry more lol")
    emoji_texts += [f"{laugh}{end}" for laugh in _LAUGHS for end in ("", "!", " 😂", " 😅", "!!")]
    for index, text in enumerate(emoji_texts):
        samples.append(Sample(f"short-und-{index:04d}", text, "und", "ok", source="short"))
    return samples
