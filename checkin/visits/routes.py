"""Check-in at the door: parse the request, record the visit, thank the visitor. Nothing about
the person is kept."""

import datetime as dt
import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from checkin.db import get_db
from checkin.feedback import retention
from checkin.visits.forms import NO_ACTIVITY, AnswerForm, CheckInForm
from checkin.visits.phones import new_device_key, person_hash
from checkin.visits.recording import (
    answer_gender,
    change_visit,
    get_visit,
    link_phone,
    record_visit,
)
from checkin.web.pages import (
    GENDER_COOKIE,
    PHONE_COOKIE,
    keep_cookie,
    remembered_phone,
    safe_next,
    venue_now,
    venue_or_404,
)
from checkin.week import schedule

blueprint = Blueprint("visits", __name__)


def _door(slug, key):
    """The venue whose current door key this is; an old or wrong key counts nothing."""
    venue = venue_or_404(slug)
    if not hmac.compare_digest(key.encode(), venue["door_key"].encode()):
        abort(make_response(render_template("visits/old_key.html", venue=venue), 404))
    return venue



def _check_in_page(venue, form, now, status=200, error=None):
    choices = schedule.check_in_choices(get_db(), venue["id"], now.date())
    return render_template(
        "visits/check_in.html", venue=venue, form=form, choices=choices,
        today=now.date(), phone=remembered_phone(), error=error,
    ), status


@blueprint.route("/<slug>/in/<key>", methods=["GET", "POST"])
def check_in(slug, key):
    venue = _door(slug, key)
    db = get_db()
    now = venue_now(venue)
    today = now.date()
    form = CheckInForm()
    if request.method == "GET":
        choices = schedule.check_in_choices(db, venue["id"], today)
        running = schedule.running_now(choices, now)
        form.day.data = today.isoformat()
        form.activity.data = str(running["activity"]["id"]) if running else NO_ACTIVITY
        return _check_in_page(venue, form, now)

    def refuse(message):
        form.day.data = today.isoformat()
        return _check_in_page(venue, form, now, 400, message)

    if not form.validate():
        return refuse(_("Something was missing. Please tap the button again."))
    try:
        day = dt.date.fromisoformat(form.day.data)
    except ValueError:
        day = None
    if day is None or day > today:
        return refuse(_("That day has not come yet. Nothing was saved. "
                        "Tap the button to check in today."))
    if day < today:
        return refuse(_("This page was from an earlier day. Nothing was saved. "
                        "Tap the button to check in today."))
    activity_id = None
    if form.activity.data != NO_ACTIVITY:
        choices = schedule.check_in_choices(db, venue["id"], today)
        allowed = {str(c["activity"]["id"]): c["activity"]["id"] for c in choices}
        if form.activity.data not in allowed:
            return refuse(_("We do not know that activity today. Nothing was saved. "
                            "Choose one from the list."))
        activity_id = allowed[form.activity.data]

    phone = remembered_phone()
    earlier = session.get("visit") or {}
    same_day_here = earlier.get("venue") == venue["id"] and earlier.get("date") == today.isoformat()
    if phone:
        visit_id, repeat = record_visit(
            db, venue_id=venue["id"], day=today, hour=now.hour, source="qr",
            activity_id=activity_id, gender=phone[1],
            person_hash=person_hash(db, venue["id"], phone[0], today.year),
        )
    elif same_day_here and get_visit(db, earlier.get("id")):
        # The same browser again today: change the visit it made, never count twice.
        visit_id, repeat = earlier["id"], True
        change_visit(db, visit_id, activity_id=activity_id)
    else:
        visit_id, repeat = record_visit(
            db, venue_id=venue["id"], day=today, hour=now.hour, source="qr",
            activity_id=activity_id,
        )
    session["visit"] = {
        "id": visit_id, "venue": venue["id"], "date": today.isoformat(), "repeat": repeat,
        "answered": bool(phone and phone[1]) or (repeat and earlier.get("answered", False)),
    }
    return redirect(url_for("visits.done", slug=slug, key=key))


@blueprint.route("/<slug>/in/<key>/done", methods=["GET", "POST"])
def done(slug, key):
    venue = _door(slug, key)
    db = get_db()
    today = venue_now(venue).date()
    mine = session.get("visit") or {}
    visit = get_visit(db, mine.get("id")) if mine.get("date") == today.isoformat() else None
    if not visit or visit["venue_id"] != venue["id"]:
        return redirect(url_for("visits.check_in", slug=slug, key=key))
    phone = remembered_phone()
    form = AnswerForm()
    if request.method == "POST":
        if not form.validate():
            return _done_page(venue, visit, mine, form, phone, 400,
                              _("Please choose one of the buttons. Nothing was changed."))
        gender = form.gender.data or None
        if gender:
            answer_gender(db, visit["id"], gender)
        response = redirect(url_for("visits.done", slug=slug, key=key))
        if form.remember.data and not phone:
            device_key = new_device_key()
            link_phone(db, visit["id"], person_hash(db, venue["id"], device_key, today.year))
            keep_cookie(response, PHONE_COOKIE, device_key)
            phone = (device_key, None)
            flash(_("This phone will be remembered. Next time one tap is enough."))
        if phone and gender:
            keep_cookie(response, GENDER_COOKIE, gender)
        session["visit"] = {**mine, "answered": True}
        return response
    return _done_page(venue, visit, mine, form, phone)


def _done_page(venue, visit, mine, form, phone, status=200, error=None):
    activity = None
    if visit["activity_id"]:
        activity = get_db().execute(
            "SELECT * FROM activity WHERE id = ?", [visit["activity_id"]]
        ).fetchone()
    return render_template(
        "visits/done.html", venue=venue, visit=visit, activity=activity, form=form,
        repeat=mine.get("repeat"), answered=mine.get("answered"), phone=phone, error=error,
        key=venue["door_key"],
    ), status


@blueprint.post("/forget")
def forget():
    """One tap makes the phone forget itself: both cookies go."""
    response = redirect(safe_next(url_for("week.home")))
    response.delete_cookie(PHONE_COOKIE)
    response.delete_cookie(GENDER_COOKIE)
    flash(_("This phone has forgotten its key. Next time you check in, nothing is remembered."))
    return response


@blueprint.get("/privacy")
def privacy():
    config = current_app.config
    return render_template(
        "visits/privacy.html", remembered=remembered_phone() is not None,
        retention_months=retention.months(get_db(), config["RETENTION_MONTHS"]),
        close_after_months=config["CLOSE_AFTER_MONTHS"],
        responsible=config["RESPONSIBLE"],
        contact_email=config["CONTACT_EMAIL"],
    )




from checkin.visits import kiosk_routes, staff_routes  # noqa: E402,F401  (their pages join this blueprint)
