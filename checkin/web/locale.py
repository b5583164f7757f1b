"""The visitor's language: chosen by a cookie, Swedish by default; WTForms' messages read once."""

import functools

from babel.support import Translations
from flask import Request, current_app, has_request_context, request
from flask_babel import Domain, get_locale
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from checkin.i18n import EASY, LANGUAGES, LOCALES, easy_translations, locale_of


def language_choice():
    """What the visitor chose: 'sv', 'easy' or 'en' (the default where nothing is chosen)."""
    cookies = request.cookies
    # `in` first: werkzeug's .get() builds and catches an exception for a missing cookie.
    choice = cookies["lang"] if "lang" in cookies else None
    return choice if choice in LANGUAGES else current_app.config["DEFAULT_LOCALE"]


def select_locale():
    return locale_of(language_choice())


class CheckinDomain(Domain):
    """Flask-Babel's domain, with easy-read Swedish for the visitor who chose it."""

    def get_translations(self):
        if has_request_context() and language_choice() == EASY:
            return easy_translations()
        return super().get_translations()


@functools.lru_cache(maxsize=len(LOCALES) + 1)
def _wtforms_catalog(locale):
    return Translations.load(messages_path(), [locale], domain="wtforms")


class CheckinRequest(Request):
    @cached_property
    def wtforms_translations(self):
        """WTForms' own messages, which Flask-WTF looks for here first: read from disk once per
        language and process, not once per form (that parse was a sixth of a check-in)."""
        return _wtforms_catalog(str(get_locale()))
