"""Languages: which ones exist, and gettext for a language without a request. No Flask."""

from functools import lru_cache

from babel.support import Translations

from checkin.resources import folder

LOCALES = ("sv", "en")
# What a visitor can choose: Swedish, easy-read Swedish (lättläst, MTM's guidance) and
# English. Easy-read is Swedish for dates and numbers, with its own catalog for the words
# visitors read (translations/easy/sv/); what it does not cover stays plain Swedish.
EASY = "easy"
LANGUAGES = ("sv", EASY, "en")


def locale_of(language):
    """The Babel locale of a visitor's language choice: easy-read is Swedish."""
    return "sv" if language == EASY else language


@lru_cache(maxsize=len(LOCALES) + 1)
def translator(locale):
    """gettext for `locale` without a request, for exports, imports and report texts."""
    return Translations.load(str(folder("translations")), [locale], domain="messages")


@lru_cache(maxsize=1)
def easy_translations():
    """Swedish, with the easy-read catalog over it."""
    translations = Translations.load(str(folder("translations")), ["sv"], domain="messages")
    easy = Translations.load(str(folder("translations") / EASY), ["sv"], domain="messages")
    translations.merge(easy)
    return translations


def missing_catalogs():
    """The languages whose compiled catalog (.mo) is missing: their pages would be English."""
    base = folder("translations")
    return [lang for lang in LOCALES if lang != "en"
            and not (base / lang / "LC_MESSAGES" / "messages.mo").is_file()]


def english_clock(hhmm):
    """('2:30', 'pm') for '14:30': an English time as people say it, and its half of the day."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    shown = hour % 12 or 12
    return (f"{shown}:{minute:02d}" if minute else f"{shown}"), ("am" if hour < 12 else "pm")


def clock(hhmm, locale):
    """A time of day as people say it, the one way every page and the audit log say it:
    '20.04' or '20' in Swedish, '8:04 pm' or '8 pm' in English (for 'HH:MM')."""
    if locale == "en":
        return " ".join(english_clock(hhmm))
    hour, minute = (int(p) for p in hhmm.split(":"))
    return f"{hour}.{minute:02d}" if minute else f"{hour}"
