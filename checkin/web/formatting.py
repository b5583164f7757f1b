"""How dates, times and names are said to people, in Swedish and English."""

import datetime as dt

from flask_babel import format_date, get_locale
from flask_babel import gettext as _


def _english():
    return str(get_locale()) == "en"


def localized(row, field):
    """`name`/`description`/`note` in the visitor's language, Swedish where English is missing."""
    if _english() and row[f"{field}_en"]:
        return row[f"{field}_en"]
    return row[f"{field}_sv"]


def _clock(hhmm):
    hour, minute = (int(p) for p in hhmm.split(":"))
    if _english():
        suffix = "am" if hour < 12 else "pm"
        shown = hour % 12 or 12
        return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"
    return f"{hour}.{minute:02d}" if minute else f"{hour}"


def time_range(start, end):
    """'kl. 13–15' in Swedish, '1 pm–3 pm' in English: as people say it."""
    span = f"{_clock(start)}–{_clock(end)}"
    return span if _english() else f"kl. {span}"


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


def init_app(app):
    app.jinja_env.globals.update(
        localized=localized, time_range=time_range, day_name=day_name, long_date=long_date,
        locale=lambda: str(get_locale()),
    )
