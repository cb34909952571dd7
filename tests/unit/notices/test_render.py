"""Notice texts in each language, fallbacks, community overrides, case numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Ban, MemberRef, MessageRef, Mute, SendNotice, Warn
from bot.notices import (
    BUILT_IN_TEXTS,
    LANGUAGES,
    NoticeFieldError,
    NoticeKind,
    duration_words,
    fill_case_number,
    notice_language,
    period_words,
    render_notice,
)
from bot.settings import CommunityPolicy
from bot.verdicts import Language

POLICY = CommunityPolicy(key="c", display_name="Reizigers", default_language="fr")

OPENINGS = {"nl": "Niet hier, Jan.", "fr": "Pas ici, Jan.", "en": "Not here, Jan.",
            "de": "Nicht hier, Jan."}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notice_in_each_language_names_the_user_and_links_the_charter(lang: str) -> None:
    text = render_notice(POLICY, lang, "notice", user="Jan")
    assert text.startswith(OPENINGS[lang])
    assert text.endswith("https://pasici.be")
    assert len(text) < 220  # short enough to read at a glance


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_exists_in_every_language(lang: str) -> None:
    assert set(BUILT_IN_TEXTS[lang]) == set(NoticeKind)


@pytest.mark.parametrize("lang", [Language.UNKNOWN, "es", None, ""])
def test_unknown_language_falls_back_to_the_community_default(lang: object) -> None:
    assert notice_language(lang, POLICY) == "fr"
    assert render_notice(POLICY, lang, "notice", user="Jan").startswith("Pas ici")


def test_language_enum_is_accepted() -> None:
    assert render_notice(POLICY, Language.DE, "notice", user="Jan").startswith("Nicht hier")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Je kunt 10 minuten niets schrijven in Reizigers."),
        ("fr", "Vous ne pourrez plus écrire dans Reizigers pendant 10 minutes."),
        ("en", "You cannot post in Reizigers for 10 minutes."),
        ("de", "Sie können 10 Minuten lang nicht in Reizigers schreiben."),
    ],
)
def test_mute_text_says_how_long(lang: str, expected: str) -> None:
    text = render_notice(POLICY, lang, "mute", user="Jan", duration=timedelta(minutes=10))
    assert expected in text


@pytest.mark.parametrize(
    ("lang", "forever", "week"),
    [
        ("nl", "Je bent voorgoed uit Reizigers verbannen (dossier #12)",
         "Je bent voor 1 week uit"),
        ("fr", "Vous êtes banni de Reizigers définitivement (dossier n° 12)",
         "Reizigers pour 1 semaine"),
        ("en", "You are banned from Reizigers for good (case #12)", "Reizigers for 1 week"),
        ("de", "Sie sind dauerhaft aus Reizigers ausgeschlossen (Fall #12)", "für 1 Woche"),
    ],
)  # fmt: skip
def test_ban_farewell_gives_case_number_and_how_to_appeal(
    lang: str, forever: str, week: str
) -> None:
    text = render_notice(POLICY, lang, "ban_farewell", user="Jan", case="12")
    assert text.startswith(forever)
    assert text.count("12") == 2  # in the sentence and in the appeal
    assert "https://pasici.be" in text  # the appeal points to the charter page
    temporary = render_notice(
        POLICY, lang, "ban_farewell", user="Jan", case="12", period=timedelta(weeks=1)
    )
    assert week in temporary


def test_community_wording_overrides_one_language_and_kind_only() -> None:
    policy = CommunityPolicy.model_validate(
        {
            "key": "c",
            "display_name": "C",
            "charter_url": "https://example.be/charter",
            "notices": {
                "wording": {
                    "nl": {"notice": "Hier niet, {user}: {charter_url}"},
                    "en": {"appeal": "Mail appeals@example.be about case {case}."},
                }
            },
        }
    )
    assert render_notice(policy, "nl", "notice", user="An") == (
        "Hier niet, An: https://example.be/charter"
    )
    assert render_notice(policy, "nl", "warn", user="An").startswith("An, dit is een")
    assert render_notice(policy, "fr", "notice", user="An").startswith("Pas ici, An.")
    farewell = render_notice(policy, "en", "ban_farewell", user="An", case="7")
    assert farewell.endswith("Think this is a mistake? Mail appeals@example.be about case 7.")


def test_case_placeholder_is_kept_until_the_case_exists() -> None:
    text = render_notice(POLICY, "en", "ban", user="Jan")
    assert text == "Jan is banned from Reizigers for good (case #{case})."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"user": "Jan", "case": "1"}, "notice has no field"),
        ({"user": "Jan", "colour": "red"}, "no field"),
    ],
)
def test_unknown_fields_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(NoticeFieldError, match=message):
        render_notice(POLICY, "en", "notice", **fields)


def test_missing_or_mistyped_fields_are_refused() -> None:
    with pytest.raises(NoticeFieldError, match="needs the field duration"):
        render_notice(POLICY, "en", "mute", user="Jan")
    with pytest.raises(NoticeFieldError, match="duration must be a timedelta"):
        render_notice(POLICY, "en", "mute", user="Jan", duration="10m")
    with pytest.raises(NoticeFieldError, match="unknown notice kind"):
        render_notice(POLICY, "en", "shout", user="Jan")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Jan\u200b\x07", "Jan"),
        ("{case} {user}", "(case) (user)"),
        ("x" * 100, "x" * 63 + "…"),
        ("\x00", "?"),
    ],
)
def test_display_names_are_cleaned(name: str, shown: str) -> None:
    assert render_notice(POLICY, "en", "notice", user=name).startswith(f"Not here, {shown}.")


@pytest.mark.parametrize(
    ("delta", "lang", "words"),
    [
        (timedelta(minutes=1), "en", "1 minute"),
        (timedelta(days=1, hours=12), "nl", "1 dag en 12 uur"),
        (timedelta(days=2, hours=3, minutes=4), "fr", "2 jours, 3 heures et 4 minutes"),
        (timedelta(weeks=4), "de", "4 Wochen"),
        (timedelta(seconds=0), "en", "1 second"),
    ],
)
def test_duration_words(delta: timedelta, lang: str, words: str) -> None:
    assert duration_words(delta, lang) == words


def test_period_words() -> None:
    assert period_words(None, "nl") == "voorgoed"
    assert period_words(timedelta(days=7), "en") == "for 1 week"


def test_fill_case_number_stamps_texts_and_numbers() -> None:
    message = MessageRef("c", "ch", "m", "u")
    member = MemberRef("c", "u", "Jan")
    notice = SendNotice(message, "en", "case #{case}", "https://pasici.be")
    ban = Ban(member, None, farewell="bye (case #{case})")
    warn = Warn(member, "ch", "en", "warned")
    mute = Mute(member, datetime(2026, 1, 1, tzinfo=UTC))
    assert fill_case_number(notice, 9) == SendNotice(
        message, "en", "case #9", "https://pasici.be", case_number=9
    )
    assert fill_case_number(ban, 9) == Ban(member, None, farewell="bye (case #9)", case_number=9)
    assert fill_case_number(warn, 9) == Warn(member, "ch", "en", "warned", case_number=9)
    assert fill_case_number(mute, 9).case_number == 9  # type: ignore[union-attr]
