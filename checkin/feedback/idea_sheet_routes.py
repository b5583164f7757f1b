"""The staff page that prints "Era idéer – våra svar": one venue's ideas of a month on one A4
sheet for the wall, in Swedish or English."""

import datetime as dt

from flask import current_app, g, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale

from checkin.accounts.api import require_role
from checkin.db import get_db
from checkin.feedback import idea_sheet
from checkin.feedback.routes import blueprint
from checkin.i18n import LOCALES
from checkin.web.pages import venue_now
from checkin.web.qr import qr_svg

BAD_INPUT = 400


@blueprint.get("/staff/<slug>/ideas/sheet")
@require_role("staff")
def idea_sheet_page(slug):
    venue = g.venue
    today = venue_now(venue).date()
    first = idea_sheet.parse_month(request.args.get("month", f"{today:%Y-%m}"))
    lang = request.args.get("lang", str(get_locale()))
    if first is None or lang not in LOCALES:
        return render_template(
            "feedback/staff/idea_sheet.html", venue=venue, sheet_html=None, lang="sv",
            month=today.replace(day=1), months=_months(today.replace(day=1))), BAD_INPUT
    box_url = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "feedback.ideas_page", slug=venue["slug"])
    qr = qr_svg(box_url)
    with force_locale(lang):
        # The sheet in its own language; the page around it stays in the staff's.
        sheet_html = render_template(
            "feedback/staff/_idea_sheet.html", venue=venue, lang=lang, today=today,
            month_name=format_date(first, "LLLL yyyy"), box_url=box_url.split("://", 1)[-1],
            qr=qr[qr.index("<svg"):], **idea_sheet.sheet(get_db(), venue["id"], first, today))
    return render_template("feedback/staff/idea_sheet.html", venue=venue, sheet_html=sheet_html,
                           lang=lang, month=first, months=_months(first))


def _months(first):
    """(the month before, the month after) as `2026-11` labels, for the page's links."""
    before = (first - dt.timedelta(days=1)).replace(day=1)
    after = idea_sheet.last_of_month(first) + dt.timedelta(days=1)
    return idea_sheet.month_label(before), idea_sheet.month_label(after)
