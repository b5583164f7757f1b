"""The visitors' week: the programme of one week, today first. No login, no JavaScript."""

import datetime as dt

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from checkin import venues
from checkin.db import get_db
from checkin.web.locale import language_choice
from checkin.web.pages import venue_now, venue_or_404
from checkin.week import schedule

blueprint = Blueprint("week", __name__)


@blueprint.get("/")
def home():
    all_venues = venues.all_venues(get_db())
    if len(all_venues) == 1:
        return redirect(url_for("week.week", slug=all_venues[0]["slug"]))
    return render_template("week/home.html", venues=all_venues)


def week_asked(venue):
    """(today, the Monday of the week asked for by ?week=2026-W49, else this week); 404 if odd."""
    today = venue_now(venue).date()
    monday = schedule.monday_of(today)
    if "week" in request.args:
        monday = schedule.parse_week(request.args["week"])
        if monday is None:
            abort(404)
    return today, monday


@blueprint.get("/<slug>/")
def week(slug):
    venue = venue_or_404(slug)
    today, monday = week_asked(venue)

    def page():
        return render_template("week/week.html", **week_page(venue, today, monday))

    # A message for this browser alone ("the code is deleted"): made for this request only, and
    # never kept by the browser, so the back button does not show it again.
    if "_flashes" in session:
        response = make_response(page())
        response.headers["Cache-Control"] = "no-store"
        return response
    if not set(request.args) <= {"week"}:  # an odd query string: made for this request only
        return page()
    # The visitors' most common page changes only with the schedule, the venue, the day and
    # the language: made once for each, then shared (a tenth of the work of making it).
    return schedule.kept_for_schedule(get_db(), (
        "week page", tuple(venue.items()), today, monday, language_choice(),
        request.full_path), page)


def week_page(venue, today, monday):
    """What the visitor week template needs; the staff preview renders the very same."""
    days = schedule.week(get_db(), venue["id"], monday)
    # Today first; the days already past this week go last.
    upcoming = [d for d in days if d[0] >= today]
    past = [d for d in days if d[0] < today]
    return dict(
        venue=venue, today=today, monday=monday,
        upcoming=upcoming, past=past if upcoming else [], all_past=past if not upcoming else [],
        week_label=schedule.week_label(monday),
        prev_week=schedule.week_label(monday - dt.timedelta(days=7)),
        next_week=schedule.week_label(monday + dt.timedelta(days=7)),
        this_week=schedule.monday_of(today) == monday,
        open_days=venues.opening_days(venue),
    )


# The staff pages, the calendar feed and the screen on the wall join this blueprint.
from checkin.week import feed_routes, staff_routes  # noqa: E402,F401
