"""Kiosk routes: only a kiosk cookie opens them, and it opens nothing else."""

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from checkin.db import get_db
from checkin.devices.kiosk_forms import SKIP, KioskCheckInForm
from checkin.feedback.api import RATING_VALUES, smileys
from checkin.visits.api import (
    KIOSK_COOKIE,
    Refused,
    arrivals,
    blueprint,
    door_limits,
    form_key,
    kiosk_tokens,
    posted_token,
    refusal,
    sender,
    visitor_post,
)
from checkin.web.pages import client_address, post_limits, sender_budget, venue_now
from checkin.week.api import schedule

# The thanks screen goes back to the start in 5 s, faces or not: the next person never finds
# the last one's faces (the accessibility statement says 5 s).
RESET_SECONDS = 5


def _kiosk():
    """(kiosk, venue) for this tablet's cookie, else a 401 page that says how to set one up."""
    kiosk = kiosk_tokens.kiosk_by_token(get_db(), request.cookies.get(KIOSK_COOKIE))
    if kiosk is None:
        abort(make_response(render_template("visits/kiosk/not_a_kiosk.html"), 401))
    venue = get_db().execute("SELECT * FROM venue WHERE id = ?", [kiosk["venue_id"]]).fetchone()
    return kiosk, dict(venue)


def _sender(kiosk):
    """A kiosk's budgets follow the tablet and its address: a copied kiosk cookie used from
    elsewhere spends a budget of its own, never the real tablet's."""
    return f"kiosk {kiosk['id']} {client_address()}"


def _page(venue, form, status=200, error=None):
    db = get_db()
    now = venue_now(venue)
    offered = schedule.still_on(schedule.check_in_choices(db, venue["id"], now.date()), now)
    form.day.data = now.date().isoformat()
    if request.method == "GET" or form.activity.data is None:
        running = schedule.running_now(offered, now)
        form.activity.data = str(running["activity"]["id"]) if running else arrivals.NO_ACTIVITY
    open_today = arrivals.open_on(db, venue, now.date())
    return render_template(
        "visits/kiosk/home.html", venue=venue, form=form, choices=offered, today=now.date(),
        running={item["activity"]["id"] for item in offered if schedule.is_on(item, now)},
        error=error, open_today=open_today,
        next_open=None if open_today else arrivals.next_open_day(db, venue, now.date()),
    ), status


@blueprint.route("/kiosk/", methods=["GET", "POST"])
def kiosk_home():
    kiosk, venue = _kiosk()
    form = KioskCheckInForm()
    if request.method == "GET":
        return _page(venue, form)
    gender = None if form.gender.data in ("", None, SKIP) else form.gender.data
    try:  # the door's rules, reasons and order (visits/arrivals.py)
        if not form.validate():
            raise arrivals.Refused("missing")
        arrival = arrivals.arrive(
            get_db(), source="kiosk", venue=venue, now=venue_now(venue),
            day_text=form.day.data, activity_text=form.activity.data, token=posted_token(),
            form_key=form_key(), sender=sender(_sender(kiosk), venue), gender=gender)
    except Refused as refused:
        status, message = refusal(refused.reason)
        return _page(venue, form, status, message)
    return redirect(url_for("visits.kiosk_thanks",
                            activity=arrival.activity_id or arrivals.NO_ACTIVITY))


def _rated_activity(venue, value):
    """The activity a face on the kiosk is about: one of today's that has ended, else None
    (the kiosk asks about nothing that has not happened yet, and never about the day)."""
    now = venue_now(venue)
    item = schedule.todays_activity(get_db(), venue["id"], now, value or "")
    return item if item and schedule.has_ended(item, now) else None


@blueprint.get("/kiosk/thanks")
def kiosk_thanks():
    _kiosk_row, venue = _kiosk()
    return render_template("visits/kiosk/thanks.html", venue=venue, seconds=RESET_SECONDS,
                           item=_rated_activity(venue, request.args.get("activity")))


@blueprint.post("/kiosk/feedback")
def kiosk_feedback():
    """One face from the kiosk's thanks screen: counted for the day (or an activity that has
    begun), never linked to the check-in; then the screen is ready for the next person."""
    kiosk, venue = _kiosk()
    rating = request.form.get("rating", "")
    if rating not in RATING_VALUES:
        return render_template("visits/kiosk/thanks.html", venue=venue, seconds=RESET_SECONDS,
                               item=None, error=_("Please tap one of the faces. Nothing was "
                                                  "saved.")), 400
    item = _rated_activity(venue, request.form.get("activity"))
    if item is None:  # not ended, not today's, or the day: not asked here, nothing stored
        return render_template("visits/kiosk/rated.html", venue=venue, seconds=RESET_SECONDS,
                               saved=False, not_asked=True), 400
    limits = [(60, door_limits(venue)["kiosk_per_minute"]), *post_limits()]
    try:  # the tablet's budget, then the one-time token: a refused face writes nothing
        visitor_post("kiosk-rating", venue, lambda: smileys.record_rating(
            get_db(), venue_id=venue["id"], day=venue_now(venue).date(), rating=int(rating),
            activity_id=item["activity"]["id"]),
            within_bounds=lambda: sender_budget().spend(_sender(kiosk), "kiosk-rating", limits))
    except Refused as refused:
        status = {"too many": 429, "used": 409}.get(refused.reason, 400)
        return render_template("visits/kiosk/rated.html", venue=venue, seconds=RESET_SECONDS,
                               saved=False, too_many=status == 429,
                               expired=status == 400), status
    return render_template("visits/kiosk/rated.html", venue=venue, seconds=RESET_SECONDS,
                           saved=True)
