"""What many pages need: the venue a URL names, that venue's clock, a safe way back, a kept
cookie."""

from flask import abort, current_app, g, render_template, request
from werkzeug.routing import IntegerConverter

from checkin.db import get_db
from checkin.row_ids import ROW_ID_MAX
from checkin.visits.phones import is_device_key
from checkin.visits.recording import GENDERS
from checkin.week import venues

PHONE_COOKIE = "checkin_phone"
GENDER_COOKIE = "checkin_gender"
REMEMBER_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie


class RowIdConverter(IntegerConverter):
    """`<int:…>` in our URLs: a row id or a year, never more than SQLite's integers hold, so a
    huge number is a 404 instead of an OverflowError deep in a query."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, **kwargs)


def venue_or_404(slug):
    venue = venues.by_slug(get_db(), slug)
    if venue is None:
        abort(404)
    return venue


def venue_now(venue):
    """Now at the venue, in its time zone (the frozen clock in tests and demos)."""
    return venues.local_now(venue, current_app.config["FROZEN_NOW"])


def safe_next(default, prefix="/"):
    """`?next=` if it is our own path under `prefix`, else `default`."""
    target = request.args.get("next", "")
    # Our own path only: browsers drop tabs and newlines, so "/\t/evil" would mean "//evil".
    if (target.startswith(prefix) and not target.startswith("//") and "//" not in target
            and "\\" not in target and target.isprintable()):
        return target
    return default


def keep_cookie(response, name, value, max_age=REMEMBER_SECONDS):
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="Lax",
        secure=current_app.config["HTTPS"],
    )


def remembered_phone():
    """(key, gender answer) kept by this phone after the visitor agreed, else None."""
    key = request.cookies.get(PHONE_COOKIE)
    if not is_device_key(key):
        return None
    gender = request.cookies.get(GENDER_COOKIE)
    return key, gender if gender in GENDERS else None


def confirm_page(*, title, lines, action, button, back, quote=None):
    """The page asked before a change that cannot simply be taken back: what will happen,
    a button that posts to `action`, and a link `back`."""
    return render_template("staff/confirm.html", title=title, lines=lines, action=action,
                           button=button, back=back, quote=quote, venue=g.get("venue"))
