"""The built-in pasici.be wording, per language: warm, firm, short, with the charter link.

Belgian public-service tone: "je" in Dutch, "vous" in French, "Sie" in German.
"""

from __future__ import annotations

from bot.settings.notice_models import NoticeKind

__all__ = ["BUILT_IN_TEXTS", "LANGUAGES"]

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")

BUILT_IN_TEXTS: dict[str, dict[NoticeKind, str]] = {
    "nl": {
        NoticeKind.NOTICE: (
            "Niet hier, {user}. Kritiek mag altijd, maar beledigingen, haat, seksuele "
            "opmerkingen en bedreigingen horen hier niet thuis. Onze afspraken: {charter_url}"
        ),
        NoticeKind.WARN: (
            "{user}, dit is een waarschuwing: je bericht ging over de grens. Nog eens en je "
            "krijgt een time-out. Onze afspraken: {charter_url}"
        ),
        NoticeKind.MUTE: (
            "Niet hier, {user}. Je kunt {duration} niets schrijven in {community}. "
            "Onze afspraken: {charter_url}"
        ),
        NoticeKind.KICK: (
            "Niet hier, {user}. Je bent uit {community} verwijderd. Je bent opnieuw welkom "
            "als je onze afspraken respecteert: {charter_url}"
        ),
        NoticeKind.BAN: "{user} is {period} uit {community} verbannen (dossier #{case}).",
        NoticeKind.BAN_FAREWELL: (
            "Je bent {period} uit {community} verbannen (dossier #{case}), omdat je berichten "
            "herhaaldelijk over de grens gingen. Denk je dat dit een vergissing is? {appeal}"
        ),
        NoticeKind.APPEAL: (
            "Je kunt bezwaar maken via {charter_url}; vermeld daarbij dossier #{case}."
        ),
    },
    "fr": {
        NoticeKind.NOTICE: (
            "Pas ici, {user}. La critique est toujours permise, mais pas les insultes, la "
            "haine, les remarques sexuelles ni les menaces. Notre charte : {charter_url}"
        ),
        NoticeKind.WARN: (
            "{user}, ceci est un avertissement : votre message a dépassé les limites. À la "
            "prochaine fois, vous serez mis en sourdine. Notre charte : {charter_url}"
        ),
        NoticeKind.MUTE: (
            "Pas ici, {user}. Vous ne pourrez plus écrire dans {community} pendant "
            "{duration}. Notre charte : {charter_url}"
        ),
        NoticeKind.KICK: (
            "Pas ici, {user}. Vous avez été retiré de {community}. Vous serez à nouveau le "
            "bienvenu si vous respectez notre charte : {charter_url}"
        ),
        NoticeKind.BAN: "{user} est banni de {community} {period} (dossier n° {case}).",
        NoticeKind.BAN_FAREWELL: (
            "Vous êtes banni de {community} {period} (dossier n° {case}), car vos messages "
            "ont dépassé les limites à plusieurs reprises. Vous pensez qu'il s'agit d'une "
            "erreur ? {appeal}"
        ),
        NoticeKind.APPEAL: (
            "Vous pouvez faire appel via {charter_url} en mentionnant le dossier n° {case}."
        ),
    },
    "en": {
        NoticeKind.NOTICE: (
            "Not here, {user}. Criticism is always welcome; insults, hate, sexual remarks and "
            "threats are not. Our charter: {charter_url}"
        ),
        NoticeKind.WARN: (
            "{user}, this is a warning: your message crossed the line. Next time you will be "
            "muted. Our charter: {charter_url}"
        ),
        NoticeKind.MUTE: (
            "Not here, {user}. You cannot post in {community} for {duration}. "
            "Our charter: {charter_url}"
        ),
        NoticeKind.KICK: (
            "Not here, {user}. You have been removed from {community}. You are welcome back "
            "if you respect our charter: {charter_url}"
        ),
        NoticeKind.BAN: "{user} is banned from {community} {period} (case #{case}).",
        NoticeKind.BAN_FAREWELL: (
            "You are banned from {community} {period} (case #{case}) because your messages "
            "crossed the line repeatedly. Think this is a mistake? {appeal}"
        ),
        NoticeKind.APPEAL: "You can appeal via {charter_url}, quoting case #{case}.",
    },
    "de": {
        NoticeKind.NOTICE: (
            "Nicht hier, {user}. Kritik ist immer erlaubt, Beleidigungen, Hass, sexuelle "
            "Bemerkungen und Drohungen nicht. Unsere Regeln: {charter_url}"
        ),
        NoticeKind.WARN: (
            "{user}, dies ist eine Verwarnung: Ihre Nachricht hat die Grenze überschritten. "
            "Beim nächsten Mal werden Sie stummgeschaltet. Unsere Regeln: {charter_url}"
        ),
        NoticeKind.MUTE: (
            "Nicht hier, {user}. Sie können {duration} lang nicht in {community} schreiben. "
            "Unsere Regeln: {charter_url}"
        ),
        NoticeKind.KICK: (
            "Nicht hier, {user}. Sie wurden aus {community} entfernt. Sie sind wieder "
            "willkommen, wenn Sie unsere Regeln respektieren: {charter_url}"
        ),
        NoticeKind.BAN: "{user} ist {period} aus {community} ausgeschlossen (Fall #{case}).",
        NoticeKind.BAN_FAREWELL: (
            "Sie sind {period} aus {community} ausgeschlossen (Fall #{case}), weil Ihre "
            "Nachrichten wiederholt die Grenze überschritten haben. Ein Irrtum? {appeal}"
        ),
        NoticeKind.APPEAL: (
            "Sie können über {charter_url} Einspruch erheben; nennen Sie dabei Fall #{case}."
        ),
    },
}
