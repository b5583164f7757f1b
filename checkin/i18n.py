"""Languages: which ones exist, and gettext for a language without a request. No Flask."""

from functools import lru_cache

from babel.support import Translations

from checkin.resources import folder

LOCALES = ("sv", "en")


@lru_cache(maxsize=len(LOCALES) + 1)
def translator(locale):
    """gettext for `locale` without a request, for exports, imports and report texts."""
    return Translations.load(str(folder("translations")), [locale], domain="messages")


def missing_catalogs():
    """The languages whose compiled catalog (.mo) is missing: their pages would be English."""
    base = folder("translations")
    return [lang for lang in LOCALES if lang != "en"
            and not (base / lang / "LC_MESSAGES" / "messages.mo").is_file()]



