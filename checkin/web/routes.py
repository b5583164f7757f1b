"""Pages every visitor may open whatever the venue: language, the accessibility statement,
health."""

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from checkin import venues
from checkin.db import database_problem, get_db
from checkin.i18n import LANGUAGES, locale_of
from checkin.resources import version
from checkin.web.pages import keep_cookie, safe_next

# When the accessibility statement was last checked (axe-core run plus a manual check).
ACCESSIBILITY_ASSESSED = dt.date(2026, 11, 23)

blueprint = Blueprint("web", __name__)


@blueprint.get("/lang/<code>")
def set_language(code):
    if code not in LANGUAGES:
        abort(404)
    # Through a check that the cookie came back: a browser that drops cookies is told why the
    # page did not switch, instead of landing on the same language without a word.
    response = redirect(url_for("web.language_set", code=code,
                                next=safe_next(url_for("week.home"))))
    keep_cookie(response, "lang", code)
    return response


@blueprint.get("/lang/<code>/set")
def language_set(code):
    if code not in LANGUAGES:
        abort(404)
    back = safe_next(url_for("week.home"))
    if request.cookies.get("lang") == code:
        return redirect(back)
    with force_locale(locale_of(code)):  # said in the language the visitor asked for
        response = make_response(render_template("web/no_language_cookie.html", back=back,
                                                 code=code))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/accessibility")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse) in DIGG's form."""
    config = current_app.config
    names = [v["name"] for v in venues.all_venues(get_db())]
    return render_template(
        "web/accessibility.html", service=config["SERVICE_NAME"],
        organisation=config["ORGANISATION"], contact_email=config["CONTACT_EMAIL"],
        assessed=format_date(ACCESSIBILITY_ASSESSED, format="long"),
        venue_names=_either(names) or config["ORGANISATION"],
    )


def _either(names):
    """'Mallis', 'Mallis eller Victor', 'A, B eller C'."""
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1])


@blueprint.get("/healthz")
def healthz():
    """200 'ok <version>', or 503 with the reason: the database file gone or not SQLite's
    (a kept connection would still read the deleted file), unreadable, or its schema not
    the one this release needs."""
    text = {"Content-Type": "text/plain"}
    problem = database_problem(current_app.config["DATABASE"], get_db)
    if problem:
        return f"{problem}\n", 503, text
    return f"ok {version()}\n", 200, text
