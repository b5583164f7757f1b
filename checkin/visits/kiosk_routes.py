"""Kiosk routes: only a kiosk cookie opens them, and it opens nothing else."""

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from checkin.db import get_db
from checkin.visits import kiosk_tokens as kiosks
from checkin.visits.kiosk_forms import SKIP, KioskCheckInForm
from checkin.visits.kiosk_tokens import KIOSK_COOKIE
from checkin.visits.recording import record_visit
from checkin.visits.routes import blueprint
from checkin.web.pages import venue_now
from checkin.week import schedule

RESET_SECONDS = 5


def _kiosk():
    """(kiosk, venue) for this tablet's cookie, else a 401 page that says how to set one up."""
    kiosk = kiosks.kiosk_by_token(get_db(), request.cookies.get(KIOSK_COOKIE))
    if kiosk is None:
        abort(make_response(render_template("visits/kiosk/not_a_kiosk.html"), 401))
    venue = get_db().execute("SELECT * FROM venue WHERE id = ?", [kiosk["venue_id"]]).fetchone()
    return kiosk, dict(venue)




def _page(venue, form, status=200, error=None):
    now = venue_now(venue)
    choices = schedule.check_in_choices(get_db(), venue["id"], now.date())
    form.day.data = now.date().isoformat()
    if request.method == "GET":
        running = schedule.running_now(choices, now)
        form.activity.data = str(running["activity"]["id"]) if running else "none"
    return render_template("visits/kiosk/home.html", venue=venue, form=form, choices=choices,
                           today=now.date(), error=error), status


@blueprint.route("/kiosk/", methods=["GET", "POST"])
def kiosk_home():
    _kiosk_row, venue = _kiosk()
    form = KioskCheckInForm()
    if request.method == "GET":
        return _page(venue, form)
    now = venue_now(venue)
    if not form.validate():
        return _page(venue, form, 400, _("Something was missing. Please tap again."))
    if form.day.data != now.date().isoformat():
        return _page(venue, form, 400, _("This page was from an earlier day. Nothing was "
                                         "saved. Please tap again."))
    activity_id = None
    if form.activity.data != "none":
        allowed = {str(c["activity"]["id"]): c["activity"]["id"]
                   for c in schedule.check_in_choices(get_db(), venue["id"], now.date())}
        if form.activity.data not in allowed:
            return _page(venue, form, 400, _("We do not know that activity today. Nothing was "
                                             "saved. Choose one from the list."))
        activity_id = allowed[form.activity.data]
    gender = None if form.gender.data in ("", None, SKIP) else form.gender.data
    record_visit(get_db(), venue_id=venue["id"], day=now.date(), hour=now.hour,
                 source="kiosk", activity_id=activity_id, gender=gender)
    return redirect(url_for("visits.kiosk_thanks"))


@blueprint.get("/kiosk/thanks")
def kiosk_thanks():
    _kiosk_row, venue = _kiosk()
    return render_template("visits/kiosk/thanks.html", venue=venue, seconds=RESET_SECONDS)
