"""Staff routes: parse the form, call the domain, write the audit line, render. Thin."""

import datetime as dt

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import audit, auth, kiosks, programme, schedule, venues
from ..db import get_db
from ..poster import door_url, qr_svg
from ..visits import TALLY_GENDERS, add_tally, day_counts
from . import blueprint
from .access import current_user, log_in, log_out, may_use_venue, require_role
from .forms import (
    ActivityForm,
    ChangeForm,
    ConfirmForm,
    DoorKeyForm,
    EventForm,
    KioskForm,
    LoginForm,
    NewUserForm,
    OwnPasswordForm,
    ResetPasswordForm,
    SlotForm,
    TallyForm,
    UserForm,
    VenueForm,
    options,
)

KIOSK_COOKIE = "checkin_kiosk"
KIOSK_SECONDS = 400 * 24 * 3600
BAD_INPUT = 400


def _db():
    return get_db()


def _log(action, detail="", venue=None):
    audit.record(_db(), current_user(), action, detail, venue["id"] if venue else None)


def _now(venue):
    return venues.local_now(venue, current_app.config["FROZEN_NOW"])


def _safe_next(default):
    target = request.args.get("next", "")
    if target.startswith("/staff") and "\\" not in target and "//" not in target:
        return target
    return default


def _week_from_args(venue):
    today = _now(venue).date()
    monday = schedule.monday_of(today)
    if "week" in request.args:
        monday = schedule.parse_week(request.args["week"])
        if monday is None:
            abort(404)
    return today, monday


def _activity_choices(venue, only_counted=False):
    rows = programme.activities(_db(), venue["id"])
    return [(a["id"], a["name_sv"]) for a in rows
            if a["active"] and (a["counted"] or not only_counted)]


@blueprint.app_context_processor
def staff_context():
    return {"staff_user": g.get("staff_user")}


# --- logging in and out ---------------------------------------------------------------------

@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    throttle = current_app.extensions["login_throttle"]
    if request.method == "GET":
        if current_user():
            return redirect(url_for(".index"))
        return render_template("staff/login.html", form=form)
    if not form.validate():
        return render_template("staff/login.html", form=form), BAD_INPUT
    username, client = form.username.data.strip(), request.remote_addr
    wait = throttle.seconds_to_wait(username, client)
    if wait:
        minutes = max(1, round(wait / 60)) if wait > 90 else None
        error = (_("Too many wrong tries. Wait %(n)s minutes and try again.", n=minutes)
                 if minutes else
                 _("Too many wrong tries. Wait %(n)s seconds and try again.", n=int(wait) + 1))
        return render_template("staff/login.html", form=form, error=error), 429
    user = auth.check_login(_db(), username, form.password.data)
    if user is None:
        throttle.failed(username, client)
        error = _("Wrong username or password, or the account is turned off.")
        return render_template("staff/login.html", form=form, error=error), 401
    throttle.succeeded(username, client)
    log_in(user)
    return redirect(_safe_next(url_for(".index")))


@blueprint.post("/logout")
@require_role("viewer")
def logout():
    log_out()
    flash(_("You are logged out."))
    return redirect(url_for(".login"))


@blueprint.get("/")
@require_role("viewer")
def index():
    user = current_user()
    allowed = [v for v in venues.all_venues(_db()) if may_use_venue(v)]
    return render_template("staff/index.html", venues=allowed, user=user,
                           is_staff=auth.role_at_least(user["role"], "staff"),
                           is_admin=user["role"] == "admin")


@blueprint.route("/password", methods=["GET", "POST"])
@require_role("viewer")
def own_password():
    form = OwnPasswordForm()
    user = current_user()
    if request.method == "POST":
        if form.validate():
            if not auth.check_password(user, form.current.data):
                form.current.errors.append(_("That is not your password now."))
            else:
                from flask import session

                from .access import SESSION_KEY

                auth.set_password(_db(), user["id"], form.new.data,
                                  keep_session=session.get(SESSION_KEY))
                _log("password changed", user["username"])
                flash(_("Your password is changed. You are logged out everywhere else."))
                return redirect(url_for(".index"))
        return render_template("staff/password.html", form=form), BAD_INPUT
    return render_template("staff/password.html", form=form)


# --- accounts (admin) -----------------------------------------------------------------------

def _venue_choices():
    return [(v["id"], v["name"]) for v in venues.all_venues(_db())]


def _get_user_or_404(user_id):
    user = auth.get_user(_db(), user_id)
    if user is None:
        abort(404)
    return user


@blueprint.get("/users")
@require_role("admin")
def users():
    rows = auth.all_users(_db())
    names = {v["id"]: v["name"] for v in venues.all_venues(_db())}
    for row in rows:
        row["venue_names"] = [names[i] for i in sorted(auth.user_venue_ids(_db(), row["id"]))]
    return render_template("staff/users.html", users=rows)


@blueprint.route("/users/new", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = NewUserForm()
    form.venues.choices = options(_venue_choices())
    if request.method == "POST":
        if form.validate():
            username = form.username.data.strip()
            try:
                user_id = auth.create_user(_db(), username, form.password.data, form.role.data)
            except ValueError:
                form.username.errors.append(_("That username is taken. Choose another."))
            else:
                auth.set_user_venues(_db(), user_id, form.venues.data or [])
                _log("account created", f"{username} ({form.role.data})")
                flash(_("Account %(name)s created. Tell them the password in person.",
                        name=username))
                return redirect(url_for(".users"))
        return render_template("staff/user_new.html", form=form), BAD_INPUT
    return render_template("staff/user_new.html", form=form)


def _user_page(account, form=None, reset=None, status=200, error=None):
    if form is None:
        form = UserForm(role=account["role"],
                        venues=sorted(auth.user_venue_ids(_db(), account["id"])))
        form.venues.choices = options(_venue_choices())
    return render_template(
        "staff/user.html", account=account, form=form, reset=reset or ResetPasswordForm(),
        toggle=ConfirmForm(), is_me=account["id"] == current_user()["id"], error=error,
    ), status


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def user(user_id):
    account = _get_user_or_404(user_id)
    if request.method == "GET":
        return _user_page(account)
    form = UserForm()
    form.venues.choices = options(_venue_choices())
    if not form.validate():
        return _user_page(account, form=form, status=BAD_INPUT)
    if account["id"] == current_user()["id"] and form.role.data != "admin":
        return _user_page(account, form=form, status=BAD_INPUT,
                          error=_("You cannot take away your own admin role. "
                                  "Ask another admin."))
    auth.set_role(_db(), user_id, form.role.data)
    auth.set_user_venues(_db(), user_id, form.venues.data or [])
    names = ", ".join(n for i, n in _venue_choices() if i in (form.venues.data or [])) or "all"
    _log("account changed", f"{account['username']}: role {form.role.data}, venues {names}")
    flash(_("Saved."))
    return redirect(url_for(".users"))


@blueprint.post("/users/<int:user_id>/password")
@require_role("admin")
def reset_password(user_id):
    account = _get_user_or_404(user_id)
    reset = ResetPasswordForm()
    if not reset.validate():
        return _user_page(account, reset=reset, status=BAD_INPUT)
    auth.set_password(_db(), user_id, reset.new.data)
    _log("password reset", account["username"])
    flash(_("New password set for %(name)s. Tell them in person.", name=account["username"]))
    return redirect(url_for(".users"))


@blueprint.post("/users/<int:user_id>/active")
@require_role("admin")
def toggle_user(user_id):
    account = _get_user_or_404(user_id)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    if account["id"] == current_user()["id"]:
        return _user_page(account, status=BAD_INPUT,
                          error=_("You cannot turn off your own account."))
    auth.set_active(_db(), user_id, not account["active"])
    _log("account turned off" if account["active"] else "account turned on",
         account["username"])
    flash(_("Saved."))
    return redirect(url_for(".users"))


# --- venues (admin) -------------------------------------------------------------------------

@blueprint.get("/venues")
@require_role("admin")
def venue_list():
    return render_template("staff/venues.html", venues=venues.all_venues(_db()))


def _venue_form_page(form, venue=None, status=200):
    return render_template("staff/venue_form.html", form=form, venue=venue), status


def _save_venue(form, venue=None):
    slug = form.slug.data.strip()
    if programme.slug_taken(_db(), slug, venue["id"] if venue else None):
        form.slug.errors.append(_("Another venue already uses that short name."))
        return None
    data = {
        "slug": slug, "name": form.name.data.strip(),
        "organisation": (form.organisation.data or "").strip(),
        "address": (form.address.data or "").strip(), "timezone": form.timezone.data.strip(),
        "opening_days": ",".join(str(d) for d in sorted(form.opening_days.data or [])),
    }
    venue_id = programme.save_venue(_db(), data, venue["id"] if venue else None)
    return venues.by_slug(_db(), slug) | {"id": venue_id}


@blueprint.route("/venues/new", methods=["GET", "POST"])
@require_role("admin")
def new_venue():
    form = VenueForm()
    if request.method == "GET":
        form.opening_days.data = [0, 1, 2, 3, 4]
        return _venue_form_page(form)
    if form.validate():
        venue = _save_venue(form)
        if venue:
            _log("venue created", f"{venue['name']} ({venue['slug']})", venue)
            flash(_("Venue %(name)s created.", name=venue["name"]))
            return redirect(url_for(".week", slug=venue["slug"]))
    return _venue_form_page(form, status=BAD_INPUT)


@blueprint.route("/<slug>/settings", methods=["GET", "POST"])
@require_role("admin")
def edit_venue(slug):
    venue = g.venue
    form = VenueForm()
    if request.method == "GET":
        form = VenueForm(data={**venue, "opening_days": sorted(venues.opening_days(venue))})
        return _venue_form_page(form, venue)
    if form.validate():
        saved = _save_venue(form, venue)
        if saved:
            _log("venue changed", f"{saved['name']} ({saved['slug']})", saved)
            flash(_("Saved."))
            return redirect(url_for(".venue_list"))
    return _venue_form_page(form, venue, BAD_INPUT)


# --- audit log ------------------------------------------------------------------------------

@blueprint.get("/audit")
@require_role("staff")
def audit_log():
    user = current_user()
    limited = set() if user["role"] == "admin" else auth.user_venue_ids(_db(), user["id"])
    return render_template("staff/audit.html", rows=audit.recent(_db(), venue_ids=limited))


# --- the week editor ------------------------------------------------------------------------

@blueprint.get("/<slug>/")
@require_role("staff")
def week(slug):
    venue = g.venue
    today, monday = _week_from_args(venue)
    return render_template(
        "staff/week.html", venue=venue, today=today, monday=monday,
        days=schedule.week(_db(), venue["id"], monday), confirm=ConfirmForm(),
        week_label=schedule.week_label(monday),
        prev_week=schedule.week_label(monday - dt.timedelta(days=7)),
        next_week=schedule.week_label(monday + dt.timedelta(days=7)),
    )


@blueprint.get("/<slug>/preview")
@require_role("staff")
def preview(slug):
    from ..visitor.routes import week_page

    venue = g.venue
    today, monday = _week_from_args(venue)
    return render_template("staff/preview.html", **week_page(venue, today, monday))


@blueprint.post("/<slug>/copy-week")
@require_role("staff")
def copy_week(slug):
    venue = g.venue
    monday = _week_from_args(venue)[1]
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    copied = programme.copy_week_changes(_db(), venue["id"], monday)
    next_week = schedule.week_label(monday + dt.timedelta(days=7))
    _log("week changes copied", f"{schedule.week_label(monday)} → {next_week}: {copied}", venue)
    flash(_("%(n)s changes copied to the next week.", n=copied))
    return redirect(url_for(".week", slug=slug, week=next_week))


# --- activities and weekly times ------------------------------------------------------------

@blueprint.get("/<slug>/activities")
@require_role("staff")
def activities(slug):
    venue = g.venue
    return render_template("staff/activities.html", venue=venue,
                           activities=programme.activities(_db(), venue["id"]),
                           slots=programme.slots(_db(), venue["id"]))


def _activity_data(form):
    elsewhere = form.place.data == "elsewhere"
    return {
        "name_sv": form.name_sv.data.strip(), "name_en": (form.name_en.data or "").strip(),
        "description_sv": (form.description_sv.data or "").strip(),
        "description_en": (form.description_en.data or "").strip(),
        "pictogram": form.pictogram.data,
        "address": form.address.data.strip() if elsewhere else "",
        "counted": int(bool(form.counted.data)), "active": int(bool(form.active.data)),
    }


@blueprint.route("/<slug>/activities/new", methods=["GET", "POST"])
@blueprint.route("/<slug>/activities/<int:activity_id>", methods=["GET", "POST"])
@require_role("staff")
def activity(slug, activity_id=None):
    venue = g.venue
    existing = None
    if activity_id is not None:
        existing = programme.get_activity(_db(), venue["id"], activity_id)
        if existing is None:
            abort(404)
    if request.method == "GET":
        form = ActivityForm()
        if existing:
            form = ActivityForm(data={**existing, "counted": bool(existing["counted"]),
                                      "active": bool(existing["active"]),
                                      "place": "elsewhere" if existing["address"] else "here"})
        return render_template("staff/activity.html", venue=venue, form=form,
                               activity=existing)
    form = ActivityForm()
    if form.validate():
        data = _activity_data(form)
        if programme.name_taken(_db(), venue["id"], data["name_sv"], activity_id):
            form.name_sv.errors.append(_("There is already an activity with that name."))
        else:
            programme.save_activity(_db(), venue["id"], data, activity_id)
            _log("activity created" if existing is None else "activity changed",
                 data["name_sv"], venue)
            flash(_("Saved. Visitors see it at once."))
            return redirect(url_for(".activities", slug=slug))
    return render_template("staff/activity.html", venue=venue, form=form,
                           activity=existing), BAD_INPUT


def _slot_text(slot, activity_name):
    until = slot["valid_until"] or "…"
    return (f"{activity_name}, weekday {slot['weekday']} {slot['start']}–{slot['end']}, "
            f"{slot['valid_from']} – {until}")


@blueprint.route("/<slug>/slots/new", methods=["GET", "POST"])
@blueprint.route("/<slug>/slots/<int:slot_id>", methods=["GET", "POST"])
@require_role("staff")
def slot(slug, slot_id=None):
    venue = g.venue
    existing = None
    if slot_id is not None:
        existing = programme.get_slot(_db(), venue["id"], slot_id)
        if existing is None:
            abort(404)
    if request.method == "GET" and existing:
        form = SlotForm(data={
            **existing, "activity": existing["activity_id"],
            "valid_from": dt.date.fromisoformat(existing["valid_from"]),
            "valid_until": existing["valid_until"] and dt.date.fromisoformat(
                existing["valid_until"])})
    else:
        form = SlotForm()
    form.activity.choices = options(_activity_choices(venue))
    page = {"venue": venue, "form": form, "slot": existing, "delete": ConfirmForm()}
    if request.method == "GET":
        if not existing and request.args.get("weekday", "").isdigit():
            form.weekday.data = int(request.args["weekday"])
        return render_template("staff/slot.html", **page)
    if not form.validate():
        return render_template("staff/slot.html", **page), BAD_INPUT
    data = {
        "activity_id": form.activity.data, "weekday": form.weekday.data,
        "start": form.start.data, "end": form.end.data,
        "valid_from": form.valid_from.data.isoformat(),
        "valid_until": form.valid_until.data.isoformat() if form.valid_until.data else None,
    }
    programme.save_slot(_db(), venue["id"], data, slot_id)
    name = dict(_activity_choices(venue))[data["activity_id"]]
    _log("weekly time created" if existing is None else "weekly time changed",
         _slot_text(data, name), venue)
    overlaps = programme.overlapping_slots(_db(), venue["id"], data, slot_id)
    flash(_("Saved. Visitors see it at once."))
    for other in overlaps:
        flash(_("Note: this overlaps with %(name)s at %(start)s–%(end)s the same weekday.",
                name=other["name_sv"], start=other["start"], end=other["end"]), "warning")
    return redirect(url_for(".activities", slug=slug))


@blueprint.post("/<slug>/slots/<int:slot_id>/delete")
@require_role("staff")
def delete_slot(slug, slot_id):
    venue = g.venue
    existing = programme.get_slot(_db(), venue["id"], slot_id)
    if existing is None:
        abort(404)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    name = programme.get_activity(_db(), venue["id"], existing["activity_id"])["name_sv"]
    programme.delete_slot(_db(), venue["id"], slot_id)
    _log("weekly time removed", _slot_text(existing, name), venue)
    flash(_("The weekly time is removed."))
    return redirect(url_for(".activities", slug=slug))


# --- one-off events -------------------------------------------------------------------------

@blueprint.route("/<slug>/events/new", methods=["GET", "POST"])
@blueprint.route("/<slug>/events/<int:event_id>", methods=["GET", "POST"])
@require_role("staff")
def event(slug, event_id=None):
    venue = g.venue
    existing = None
    if event_id is not None:
        existing = programme.get_event(_db(), venue["id"], event_id)
        if existing is None:
            abort(404)
    if request.method == "GET" and existing:
        form = EventForm(data={**existing, "activity": existing["activity_id"],
                               "date": dt.date.fromisoformat(existing["date"])})
    else:
        form = EventForm()
    form.activity.choices = options(_activity_choices(venue))
    page = {"venue": venue, "form": form, "event": existing, "delete": ConfirmForm()}
    if request.method == "GET":
        if not existing:
            try:
                form.date.data = dt.date.fromisoformat(request.args.get("date", ""))
            except ValueError:
                form.date.data = _now(venue).date()
        return render_template("staff/event.html", **page)
    if not form.validate():
        return render_template("staff/event.html", **page), BAD_INPUT
    data = {"activity_id": form.activity.data, "date": form.date.data.isoformat(),
            "start": form.start.data, "end": form.end.data,
            "note_sv": (form.note_sv.data or "").strip(),
            "note_en": (form.note_en.data or "").strip()}
    programme.save_event(_db(), venue["id"], data, event_id)
    name = dict(_activity_choices(venue))[data["activity_id"]]
    _log("event created" if existing is None else "event changed",
         f"{name}, {data['date']} {data['start']}–{data['end']}", venue)
    flash(_("Saved. Visitors see it at once."))
    return redirect(url_for(".week", slug=slug,
                            week=schedule.week_label(form.date.data)))


@blueprint.post("/<slug>/events/<int:event_id>/delete")
@require_role("staff")
def delete_event(slug, event_id):
    venue = g.venue
    existing = programme.get_event(_db(), venue["id"], event_id)
    if existing is None:
        abort(404)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    programme.delete_event(_db(), venue["id"], event_id)
    _log("event removed", f"{existing['date']} {existing['start']}–{existing['end']}", venue)
    flash(_("The event is removed."))
    return redirect(url_for(".week", slug=slug, week=schedule.week_label(
        dt.date.fromisoformat(existing["date"]))))


# --- one occurrence cancelled or moved ------------------------------------------------------

def _occurrence(venue, slot_id, day):
    slot = programme.get_slot(_db(), venue["id"], slot_id)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    if slot is None or not programme.slot_runs_on(slot, date):
        abort(404)
    return slot, date


@blueprint.route("/<slug>/change/<int:slot_id>/<day>", methods=["GET", "POST"])
@require_role("staff")
def change(slug, slot_id, day):
    venue = g.venue
    slot, date = _occurrence(venue, slot_id, day)
    activity = programme.get_activity(_db(), venue["id"], slot["activity_id"])
    existing = programme.get_change(_db(), slot_id, date)
    if request.method == "GET":
        form = ChangeForm(data={"start": slot["start"], "end": slot["end"], "new_date": date})
        if existing:
            form = ChangeForm(data={
                "what": "cancel" if existing["cancelled"] else "move",
                "new_date": dt.date.fromisoformat(existing["new_date"] or date.isoformat()),
                "start": existing["new_start"] or slot["start"],
                "end": existing["new_end"] or slot["end"],
                "note_sv": existing["note_sv"], "note_en": existing["note_en"]})
    else:
        form = ChangeForm()
    page = {"venue": venue, "form": form, "slot": slot, "date": date, "activity": activity,
            "existing": existing, "undo": ConfirmForm()}
    if request.method == "GET":
        return render_template("staff/change.html", **page)
    if not form.validate():
        return render_template("staff/change.html", **page), BAD_INPUT
    cancelled = form.what.data == "cancel"
    data = {"cancelled": cancelled,
            "new_date": None if cancelled else form.new_date.data.isoformat(),
            "new_start": None if cancelled else form.start.data,
            "new_end": None if cancelled else form.end.data,
            "note_sv": (form.note_sv.data or "").strip(),
            "note_en": (form.note_en.data or "").strip()}
    if not cancelled and abs((form.new_date.data - date).days) > 6:
        form.new_date.errors.append(_("Move it at most six days, or add a one-off event."))
        return render_template("staff/change.html", **page), BAD_INPUT
    programme.save_change(_db(), slot_id, date, data)
    what = "cancelled" if cancelled else (
        f"moved to {data['new_date']} {data['new_start']}–{data['new_end']}")
    _log("occurrence changed", f"{activity['name_sv']} {date.isoformat()}: {what}", venue)
    flash(_("Saved. Visitors see it at once."))
    return redirect(url_for(".week", slug=slug, week=schedule.week_label(date)))


@blueprint.post("/<slug>/change/<int:slot_id>/<day>/undo")
@require_role("staff")
def undo_change(slug, slot_id, day):
    venue = g.venue
    slot, date = _occurrence(venue, slot_id, day)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    programme.delete_change(_db(), slot_id, date)
    activity = programme.get_activity(_db(), venue["id"], slot["activity_id"])
    _log("occurrence restored", f"{activity['name_sv']} {date.isoformat()}", venue)
    flash(_("It is back to the usual time."))
    return redirect(url_for(".week", slug=slug, week=schedule.week_label(date)))


# --- door poster and door key ---------------------------------------------------------------

def _poster_words():
    words = {}
    for lang in ("sv", "en"):
        with force_locale(lang):
            words[lang] = {
                "scan": _("Scan to check in"),
                "no_phone": _("No phone? Ask the staff, or use the tablet."),
                "anonymous": _("We do not store who you are."),
                "type": _("Or type this address:"),
            }
    return words


@blueprint.get("/<slug>/poster")
@require_role("staff")
def poster(slug):
    venue = g.venue
    url = door_url(venue)
    svg = qr_svg(url)
    svg = svg[svg.index("<svg"):]  # inline: drop the XML declaration
    pictograms = [a["pictogram"] for a in programme.activities(_db(), venue["id"])
                  if a["active"] and a["counted"] and not a["address"]]
    return render_template(
        "staff/poster.html", venue=venue, qr=svg, url=url,
        short_url=url.split("://", 1)[-1], words=_poster_words(),
        pictograms=list(dict.fromkeys(pictograms))[:6],
    )


@blueprint.route("/<slug>/door-key", methods=["GET", "POST"])
@require_role("staff")
def door_key(slug):
    venue = g.venue
    form = DoorKeyForm()
    if request.method == "GET":
        return render_template("staff/door_key.html", venue=venue, form=form)
    if not form.validate():
        return render_template("staff/door_key.html", venue=venue, form=form), BAD_INPUT
    programme.replace_door_key(_db(), venue["id"])
    _log("door key replaced", "", venue)
    flash(_("The door key is new. Old posters now say the code is old and count nothing. "
            "Print this poster and put it up now."), "warning")
    return redirect(url_for(".poster", slug=slug))


# --- kiosks ---------------------------------------------------------------------------------

@blueprint.route("/<slug>/kiosks", methods=["GET", "POST"])
@require_role("staff")
def kiosk_list(slug):
    venue = g.venue
    form = KioskForm()
    page = {"venue": venue, "form": form, "revoke": ConfirmForm(),
            "kiosks": kiosks.venue_kiosks(_db(), venue["id"])}
    if request.method == "GET":
        return render_template("staff/kiosks.html", **page)
    if not form.validate():
        return render_template("staff/kiosks.html", **page), BAD_INPUT
    label = (form.label.data or "").strip()
    _kiosk_id, token = kiosks.create_kiosk(_db(), venue["id"], label, current_user()["id"])
    _log("kiosk created", label, venue)
    # This tablet is now a kiosk: the staff member is logged out on it.
    log_out()
    response = make_response(redirect(url_for("kiosk.home")))
    response.set_cookie(KIOSK_COOKIE, token, max_age=KIOSK_SECONDS, path="/kiosk",
                        httponly=True, samesite="Strict", secure=current_app.config["HTTPS"])
    return response


@blueprint.post("/<slug>/kiosks/<int:kiosk_id>/revoke")
@require_role("staff")
def revoke_kiosk(slug, kiosk_id):
    venue = g.venue
    found = [k for k in kiosks.venue_kiosks(_db(), venue["id"]) if k["id"] == kiosk_id]
    if not found:
        abort(404)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    kiosks.revoke_kiosk(_db(), kiosk_id)
    _log("kiosk turned off", found[0]["label"], venue)
    flash(_("The kiosk is turned off. That tablet can no longer check anyone in."))
    return redirect(url_for(".kiosk_list", slug=slug))


# --- tally ----------------------------------------------------------------------------------

NO_ACTIVITY = "none"


def _tally_target(venue):
    """(day, activity id or None, error) from ?day=&activity=."""
    today = _now(venue).date()
    choices = dict(_activity_choices(venue, only_counted=True))
    try:
        day = dt.date.fromisoformat(request.args.get("day", today.isoformat()))
    except ValueError:
        return today, None, _("Write the date as YYYY-MM-DD, for example 2026-12-18.")
    if day > today:
        return today, None, _("You can only count a day that has come.")
    raw = request.args.get("activity")
    if raw is None:
        running = schedule.running_now(
            schedule.check_in_choices(_db(), venue["id"], today), _now(venue))
        return day, running["activity"]["id"] if running and day == today else None, None
    if raw == NO_ACTIVITY:
        return day, None, None
    if not raw.isdigit() or int(raw) not in choices:
        return day, None, _("Choose an activity from the list.")
    return day, int(raw), None


def _tally_page(venue, day, activity_id, status=200, error=None):
    counts = day_counts(_db(), venue["id"], day, activity_id)
    rows = [(g_, counts["qr"][g_] + counts["kiosk"][g_], counts["tally"][g_])
            for g_ in TALLY_GENDERS]
    return render_template(
        "staff/tally.html", venue=venue, day=day, activity_id=activity_id,
        choices=_activity_choices(venue, only_counted=True), rows=rows, form=TallyForm(),
        total_checked=sum(r[1] for r in rows), total_tally=sum(r[2] for r in rows),
        error=error, today=_now(venue).date(),
    ), status


@blueprint.route("/<slug>/tally", methods=["GET", "POST"])
@require_role("staff")
def tally(slug):
    venue = g.venue
    day, activity_id, error = _tally_target(venue)
    if error:
        return _tally_page(venue, _now(venue).date(), None, BAD_INPUT, error)
    if request.method == "GET":
        return _tally_page(venue, day, activity_id)
    form = TallyForm()
    if not form.validate():
        return _tally_page(venue, day, activity_id, BAD_INPUT,
                           _("Something was missing. Nothing was changed. Tap + or − again."))
    step = int(form.step.data)
    changed = add_tally(_db(), venue_id=venue["id"], day=day, activity_id=activity_id,
                        gender=form.gender.data, step=step)
    if not changed:
        return _tally_page(venue, day, activity_id, BAD_INPUT,
                           _("There is nothing to take away. Nothing was changed."))
    name = dict(_activity_choices(venue)).get(activity_id, "-")
    _log("tally", f"{day.isoformat()} {name}: {form.gender.data} {step:+d}", venue)
    return redirect(url_for(".tally", slug=slug, day=day.isoformat(),
                            activity=activity_id or NO_ACTIVITY))
