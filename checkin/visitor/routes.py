"""Visitor routes: parse the request, call the domain, render. Nothing about the person is kept."""

import datetime as dt
import hmac

from flask import (
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
from flask_babel import format_date
from flask_babel import gettext as _

from .. import LOCALES, retention, schedule, venues
from ..anonymity import is_device_key, new_device_key, person_hash
from ..db import get_db
from ..visits import GENDERS, answer_gender, change_visit, get_visit, link_phone, record_visit
from . import blueprint
from .forms import NO_ACTIVITY, AnswerForm, CheckInForm

PHONE_COOKIE = "checkin_phone"
GENDER_COOKIE = "checkin_gender"
REMEMBER_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie
# When the accessibility statement was last checked (axe-core run plus a manual check).
ACCESSIBILITY_ASSESSED = dt.date(2026, 11, 23)


def _now(venue):
    return venues.local_now(venue, current_app.config["FROZEN_NOW"])


def _venue(slug):
    venue = venues.by_slug(get_db(), slug)
    if venue is None:
        abort(404)
    return venue


def _door(slug, key):
    """The venue whose current door key this is; an old or wrong key counts nothing."""
    venue = _venue(slug)
    if not hmac.compare_digest(key.encode(), venue["door_key"].encode()):
        abort(make_response(render_template("visitor/old_key.html", venue=venue), 404))
    return venue


def _remembered_phone():
    """(key, gender answer) kept by this phone after the visitor agreed, else None."""
    key = request.cookies.get(PHONE_COOKIE)
    if not is_device_key(key):
        return None
    gender = request.cookies.get(GENDER_COOKIE)
    return key, gender if gender in GENDERS else None


def _set_cookie(response, name, value):
    response.set_cookie(
        name, value, max_age=REMEMBER_SECONDS, httponly=True, samesite="Lax",
        secure=current_app.config["HTTPS"],
    )


def _safe_next(default):
    target = request.args.get("next", "")
    # Our own path only: browsers drop tabs and newlines, so "/\t/evil" would mean "//evil".
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):
        return target
    return default


@blueprint.get("/")
def home():
    all_venues = venues.all_venues(get_db())
    if len(all_venues) == 1:
        return redirect(url_for(".week", slug=all_venues[0]["slug"]))
    return render_template("visitor/home.html", venues=all_venues)


@blueprint.get("/<slug>/")
def week(slug):
    venue = _venue(slug)
    today = _now(venue).date()
    monday = schedule.monday_of(today)
    if "week" in request.args:
        monday = schedule.parse_week(request.args["week"])
        if monday is None:
            abort(404)
    return render_template("visitor/week.html", **week_page(venue, today, monday))


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


def _check_in_page(venue, form, now, status=200, error=None):
    choices = schedule.check_in_choices(get_db(), venue["id"], now.date())
    return render_template(
        "visitor/check_in.html", venue=venue, form=form, choices=choices,
        today=now.date(), phone=_remembered_phone(), error=error,
    ), status


@blueprint.route("/<slug>/in/<key>", methods=["GET", "POST"])
def check_in(slug, key):
    venue = _door(slug, key)
    db = get_db()
    now = _now(venue)
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

    phone = _remembered_phone()
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
    return redirect(url_for(".done", slug=slug, key=key))


@blueprint.route("/<slug>/in/<key>/done", methods=["GET", "POST"])
def done(slug, key):
    venue = _door(slug, key)
    db = get_db()
    today = _now(venue).date()
    mine = session.get("visit") or {}
    visit = get_visit(db, mine.get("id")) if mine.get("date") == today.isoformat() else None
    if not visit or visit["venue_id"] != venue["id"]:
        return redirect(url_for(".check_in", slug=slug, key=key))
    phone = _remembered_phone()
    form = AnswerForm()
    if request.method == "POST":
        if not form.validate():
            return _done_page(venue, visit, mine, form, phone, 400,
                              _("Please choose one of the buttons. Nothing was changed."))
        gender = form.gender.data or None
        if gender:
            answer_gender(db, visit["id"], gender)
        response = redirect(url_for(".done", slug=slug, key=key))
        if form.remember.data and not phone:
            device_key = new_device_key()
            link_phone(db, visit["id"], person_hash(db, venue["id"], device_key, today.year))
            _set_cookie(response, PHONE_COOKIE, device_key)
            phone = (device_key, None)
            flash(_("This phone will be remembered. Next time one tap is enough."))
        if phone and gender:
            _set_cookie(response, GENDER_COOKIE, gender)
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
        "visitor/done.html", venue=venue, visit=visit, activity=activity, form=form,
        repeat=mine.get("repeat"), answered=mine.get("answered"), phone=phone, error=error,
        key=venue["door_key"],
    ), status


@blueprint.post("/forget")
def forget():
    """One tap makes the phone forget itself: both cookies go."""
    response = redirect(_safe_next(url_for(".home")))
    response.delete_cookie(PHONE_COOKIE)
    response.delete_cookie(GENDER_COOKIE)
    flash(_("This phone has forgotten its key. Next time you check in, nothing is remembered."))
    return response


@blueprint.get("/lang/<code>")
def set_language(code):
    if code not in LOCALES:
        abort(404)
    response = redirect(_safe_next(url_for(".home")))
    _set_cookie(response, "lang", code)
    return response


@blueprint.get("/privacy")
def privacy():
    config = current_app.config
    return render_template(
        "visitor/privacy.html", remembered=_remembered_phone() is not None,
        retention_months=retention.months(get_db(), config["RETENTION_MONTHS"]),
        responsible=config["RESPONSIBLE"],
        contact_email=config["CONTACT_EMAIL"],
    )


@blueprint.get("/accessibility")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse) in DIGG's form."""
    config = current_app.config
    names = [v["name"] for v in venues.all_venues(get_db())]
    return render_template(
        "visitor/accessibility.html", service=config["SERVICE_NAME"],
        organisation=config["ORGANISATION"], contact_email=config["CONTACT_EMAIL"],
        assessed=format_date(ACCESSIBILITY_ASSESSED, format="long"),
        venue_names=", ".join(names) or config["ORGANISATION"],
    )


@blueprint.get("/healthz")
def healthz():
    try:
        get_db().execute("SELECT count(*) FROM venue").fetchone()
    except Exception:  # noqa: BLE001 - any failure to read means not healthy
        return "database unavailable\n", 503, {"Content-Type": "text/plain"}
    return "ok\n", 200, {"Content-Type": "text/plain"}
