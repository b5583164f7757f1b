"""The visitor's language: chosen by a cookie, Swedish by default; WTForms' messages read once."""

import functools

from babel.support import Translations
from flask import Request, current_app, request
from flask_babel import get_locale
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from checkin.i18n import LOCALES


def select_locale():
    choice = request.cookies.get("lang")
    if choice in LOCALES:
        return choice
    return current_app.config["DEFAULT_LOCALE"]


@functools.lru_cache(maxsize=len(LOCALES) + 1)
def _wtforms_catalog(locale):
    return Translations.load(messages_path(), [locale], domain="wtforms")


class CheckinRequest(Request):
    @cached_property
    def wtforms_translations(self):
        """WTForms' own messages, which Flask-WTF looks for here first: read from disk once per
        language and process, not once per form (that parse was a sixth of a check-in)."""
        return _wtforms_catalog(str(get_locale()))
