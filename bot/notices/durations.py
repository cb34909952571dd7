"""Durations and ban periods in words, per language ("10 minuten", "pour 7 jours")."""

from __future__ import annotations

from datetime import timedelta

__all__ = ["duration_words", "period_words"]

# (seconds, {lang: (singular, plural)}) from the largest unit down.
_UNITS: tuple[tuple[int, dict[str, tuple[str, str]]], ...] = (
    (604_800, {"nl": ("week", "weken"), "fr": ("semaine", "semaines"),
               "en": ("week", "weeks"), "de": ("Woche", "Wochen")}),
    (86_400, {"nl": ("dag", "dagen"), "fr": ("jour", "jours"),
              "en": ("day", "days"), "de": ("Tag", "Tage")}),
    (3_600, {"nl": ("uur", "uur"), "fr": ("heure", "heures"),
             "en": ("hour", "hours"), "de": ("Stunde", "Stunden")}),
    (60, {"nl": ("minuut", "minuten"), "fr": ("minute", "minutes"),
          "en": ("minute", "minutes"), "de": ("Minute", "Minuten")}),
    (1, {"nl": ("seconde", "seconden"), "fr": ("seconde", "secondes"),
         "en": ("second", "seconds"), "de": ("Sekunde", "Sekunden")}),
)  # fmt: skip
_AND = {"nl": "en", "fr": "et", "en": "and", "de": "und"}
_FOREVER = {"nl": "voorgoed", "fr": "définitivement", "en": "for good", "de": "dauerhaft"}
_FOR = {"nl": "voor {}", "fr": "pour {}", "en": "for {}", "de": "für {}"}


def duration_words(delta: timedelta, lang: str) -> str:
    """``timedelta(days=1, hours=12)`` in ``lang`` -> "1 dag en 12 uur"."""
    remaining = max(int(delta.total_seconds()), 1)
    parts: list[str] = []
    for seconds, names in _UNITS:
        count, remaining = divmod(remaining, seconds)
        if count:
            singular, plural = names[lang]
            parts.append(f"{count} {singular if count == 1 else plural}")
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} {_AND[lang]} {parts[-1]}"


def period_words(delta: timedelta | None, lang: str) -> str:
    """A ban period: "voorgoed" / "for good" when None, else "voor 7 dagen" / "for 7 days"."""
    if delta is None:
        return _FOREVER[lang]
    return _FOR[lang].format(duration_words(delta, lang))
