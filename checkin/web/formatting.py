"""How dates, times and names are said to people, in Swedish and English."""

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

import pyphen
from flask import current_app, has_request_context
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from checkin.i18n import clock, english_clock


def _english():
    return str(get_locale()) == "en"


def _easy_read():
    """The visitor chose easy-read Swedish (lättläst), which writes words out in full."""
    from checkin.i18n import EASY
    from checkin.web.locale import language_choice

    return has_request_context() and language_choice() == EASY


def localized(row, field):
    """`name`/`description`/`note` in the visitor's language, Swedish where English is missing."""
    if _english() and row[f"{field}_en"]:
        return row[f"{field}_en"]
    return row[f"{field}_sv"]


def _clock(hhmm):
    """'20.04' in Swedish, '8:04 pm' in English."""
    return clock(hhmm, "en" if _english() else "sv")


def time_range(start, end):
    """'kl. 13–15' in Swedish ('klockan 13–15' in easy-read, which has no abbreviations);
    '2:30–4 pm' or '10 am–12 pm' in English: as people say it."""
    if _english():
        (first, first_half), (last, last_half) = english_clock(start), english_clock(end)
        if first_half == last_half:
            return f"{first}–{last} {last_half}"
        return f"{first} {first_half}–{last} {last_half}"
    word = "klockan" if _easy_read() else "kl."
    return f"{word} {clock(start, 'sv')}–{clock(end, 'sv')}"


def day_name(day, today=None):
    """'I dag', 'I morgon' or 'onsdag 25 november'."""
    if today is not None:
        if day == today:
            return _("Today")
        if day == today + dt.timedelta(days=1):
            return _("Tomorrow")
    return format_date(day, "EEEE d MMMM")


def long_date(day):
    return format_date(day, "EEEE d MMMM")


def local_moment(stamp, venue=None):
    """A stored staff time as the venue's wall-clock time (a naive datetime), or a date.

    Times written with a zone (UTC, to the hour) are moved to the venue's zone; older ones
    written without one were already local; a bare date stays a date.
    """
    if not stamp:
        return None
    if len(stamp) == 10:
        return dt.date.fromisoformat(stamp)
    moment = dt.datetime.fromisoformat(stamp.replace(" ", "T"))
    if moment.tzinfo is not None:
        zone = (venue or {}).get("timezone") or current_app.config["TIMEZONE"]
        moment = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return moment


def staff_time(stamp, venue=None, weekday=False):
    """'1 december 2026 kl. 20' / '1 December 2026, 8 pm': when staff did something, in local
    time, as finely as it was kept (the hour for most; minutes where a time has them)."""
    moment = local_moment(stamp, venue)
    if moment is None:
        return ""
    day = format_date(moment, "EEEE d MMMM y" if weekday else "d MMMM y")
    if not isinstance(moment, dt.datetime):
        return day
    hour = _clock(f"{moment.hour:02d}:{moment.minute:02d}")
    return f"{day}, {hour}" if _english() else f"{day} kl. {hour}"


def one_decimal(value):
    """3.75 → '3,8' in Swedish, '3.8' in English; None → '–'."""
    if value is None:
        return "–"
    return format_decimal(value, "0.0")


def month_label(yyyy_mm):
    """'2026-11' → 'november 2026' / 'November 2026'."""
    return format_date(dt.date.fromisoformat(f"{yyyy_mm}-01"), "LLLL y")


# Soft hyphens from a real hyphenation dictionary (pyphen's, from LibreOffice), so that a narrow
# screen breaks "Matlagnings-|kurs" in every browser, with or without a dictionary of its own.
SOFT_HYPHEN = "\u00ad"
HYPHEN_MIN = 8  # letters: shorter words fit any line
_WORD = re.compile(rf"[^\W\d_]{{{HYPHEN_MIN},}}")
_TAG = re.compile(r"(<[^>]*>)")
DICTIONARIES = {"sv": "sv_SE", "en": "en_GB"}


@functools.lru_cache(maxsize=len(DICTIONARIES))
def _dictionary(locale):
    return pyphen.Pyphen(lang=DICTIONARIES.get(locale, "sv_SE"), left=2, right=3)


@functools.lru_cache(maxsize=4096)
def _hyphenated_word(word, locale):
    if any(c.isupper() for c in word[1:]):  # BankID, acronyms: left whole
        return word
    return _dictionary(locale).inserted(word, hyphen=SOFT_HYPHEN)


def _hyphenate_text(text, locale):
    return _WORD.sub(lambda m: _hyphenated_word(m[0], locale), text)


def hyphenate(text, language=None):
    """Text with soft hyphens in its long words (Markup stays Markup; tags are left alone).
    For what is shown on visitor pages only: never in a form's value or a URL. `language`
    "sv" for Swedish names on English pages (a street: "Malmskillnads-gatan")."""
    if not text:
        return text
    locale = language or ("en" if _english() else "sv")
    if isinstance(text, Markup):
        parts = _TAG.split(str(text))
        hyphenated = "".join(p if p.startswith("<") else _hyphenate_text(p, locale)
                             for p in parts)
        # Safe markup stays safe: only U+00AD is put between letters, outside the tags.
        return Markup(hyphenated)  # noqa: S704  # nosec B704
    return _hyphenate_text(str(text), locale)


def init_app(app):
    app.jinja_env.filters["hy"] = hyphenate
    app.jinja_env.globals.update(
        localized=localized, time_range=time_range, day_name=day_name, long_date=long_date,
        locale=lambda: str(get_locale()), staff_time=staff_time, one_decimal=one_decimal,
        month_label=month_label, language=_language,
    )


def _language():
    from checkin.web.locale import language_choice

    return language_choice()
