"""The week editor for staff: the week, activities, weekly times, one-off events, cancelled
or moved occurrences, venues (admin)."""

import datetime as dt

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from checkin import venues
from checkin.accounts.api import ConfirmForm, current_user, options, require_role
from checkin.db import get_db
from checkin.web.formatting import long_date
from checkin.web.pages import confirm_page, venue_now
from checkin.week import operations, schedule
from checkin.week.routes import blueprint, week_asked
from checkin.week.staff_forms import (
    NEW_ACTIVITY,
    PICTOGRAM_NAMES,
    ActivityForm,
    ChangeForm,
    DeleteSlotForm,
    EndSlotForm,
    EventForm,
    SlotForm,
    VenueForm,
)

BAD_INPUT = 400


def _db():
    return get_db()
# --- the week editor ------------------------------------------------------------------------

@blueprint.get("/staff/<slug>/")
@require_role("staff")
def staff_week(slug):
    venue = g.venue
    today, monday = week_asked(venue)
    return render_template(
        "week/staff/week.html", venue=venue, today=today, monday=monday,
        days=schedule.week(_db(), venue["id"], monday, shown_only=False), confirm=ConfirmForm(),
        week_label=schedule.week_label(monday),
        prev_week=schedule.week_label(monday - dt.timedelta(days=7)),
        next_week=schedule.week_label(monday + dt.timedelta(days=7)),
    )


@blueprint.get("/staff/<slug>/preview")
@require_role("staff")
def preview(slug):
    from checkin.week.routes import week_page

    venue = g.venue
    today, monday = week_asked(venue)
    return render_template("week/staff/preview.html", **week_page(venue, today, monday))


NOTE_MAX = 200


def _copy_page(venue, monday, changes, status=200, errors=None):
    return render_template(
        "week/staff/copy_week.html", venue=venue, monday=monday, changes=changes,
        next_monday=monday + dt.timedelta(days=7), week_label=schedule.week_label(monday),
        errors=errors or {}, form=request.form if request.method == "POST" else None,
    ), status


@blueprint.route("/staff/<slug>/copy-week", methods=["GET", "POST"])
@require_role("staff")
def copy_week(slug):
    """Copy this week's cancellations and moves to next week: first a page that shows each,
    with its notes to edit and a box to leave one out; nothing is copied before "Copy"."""
    venue = g.venue
    monday = week_asked(venue)[1]
    changes = operations.week_changes(_db(), venue["id"], monday, today=_today(venue))
    if request.method == "GET":
        return _copy_page(venue, monday, changes)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    notes, errors = {}, {}
    for change in changes:
        if change["next_state"] != "copy" or not request.form.get(f"copy_{change['id']}"):
            continue
        pair = tuple((request.form.get(f"note_{lang}_{change['id']}") or "").strip()
                     for lang in ("sv", "en"))
        if any(len(note) > NOTE_MAX for note in pair):
            errors[change["id"]] = _("A note can be at most %(max)s characters.", max=NOTE_MAX)
        notes[change["id"]] = pair
    if errors:
        return _copy_page(venue, monday, changes, BAD_INPUT, errors)
    if not notes:
        flash(_("Nothing was copied: no change was ticked."), "warning")
        return redirect(url_for("week.copy_week", slug=slug, week=schedule.week_label(monday)))
    copied = operations.copy_week_changes(_db(), venue["id"], monday, today=_today(venue),
                                          notes=notes, user=current_user())
    next_week = schedule.week_label(monday + dt.timedelta(days=7))
    flash(_("%(n)s changes copied to the next week.", n=copied))
    return redirect(url_for("week.staff_week", slug=slug, week=next_week))


# --- activities and weekly times ------------------------------------------------------------

@blueprint.get("/staff/<slug>/activities")
@require_role("staff")
def activities(slug):
    venue = g.venue
    return render_template("week/staff/activities.html", venue=venue,
                           activities=operations.activities(_db(), venue["id"]),
                           slots=operations.slots(_db(), venue["id"]),
                           today=_today(venue).isoformat())


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


@blueprint.route("/staff/<slug>/activities/new", methods=["GET", "POST"])
@blueprint.route("/staff/<slug>/activities/<int:activity_id>", methods=["GET", "POST"])
@require_role("staff")
def activity(slug, activity_id=None):
    venue = g.venue
    existing = None
    if activity_id is not None:
        existing = operations.get_activity(_db(), venue["id"], activity_id)
        if existing is None:
            abort(404)
    if request.method == "GET":
        form = ActivityForm()
        if existing:
            form = ActivityForm(data={**existing, "counted": bool(existing["counted"]),
                                      "active": bool(existing["active"]),
                                      "place": "elsewhere" if existing["address"] else "here"})
        return render_template("week/staff/activity.html", venue=venue, form=form,
                               pictogram_names=PICTOGRAM_NAMES, activity=existing)
    form = ActivityForm()
    if form.validate():
        data = _activity_data(form)
        if operations.name_taken(_db(), venue["id"], data["name_sv"], activity_id):
            form.name_sv.errors.append(_("There is already an activity with that name."))
        else:
            saved_id = operations.save_activity(_db(), venue["id"], data, activity_id,
                                               user=current_user(), today=_today(venue))
            if existing is None and data["active"]:
                # Nothing shows before the activity has a time: the next step is to add one.
                flash(_("%(name)s is saved. Visitors see it once it has a time: add one now.",
                        name=data["name_sv"]))
                return redirect(url_for("week.slot", slug=slug, activity=saved_id, next=1))
            flash(_("Saved. Visitors see it at once."))
            return redirect(url_for("week.activities", slug=slug))
    return render_template("week/staff/activity.html", venue=venue, form=form,
                           pictogram_names=PICTOGRAM_NAMES, activity=existing), BAD_INPUT


def _refusal(reason):
    """The words for a ProgrammeRefused reason."""
    return {
        "starts_in_past": _("A weekly time starts today or later. The weeks before today stay "
                            "as they were, so no report of them changes."),
        "past": _("That day is before today. The programme before today stays as it was, so "
                  "no report of it changes."),
        "has_run": _("This weekly time has already run, so it stays in the history. End it "
                     "from a date instead."),
        "ended": _("This weekly time ended before yesterday and stays as it was. Add a new "
                   "weekly time instead."),
        "never_runs": _("With that last day it would never run. Remove it instead."),
        "too_far": _("Move it at most six days, or add a one-off event."),
        "too_late": _("That date is more than 100 years ahead. Check the year."),
    }[reason]


def _refused_page(refused):
    return render_template("error.html", title=_("Nothing was changed"),
                           message=_refusal(refused.reason))


def _today(venue):
    return venue_now(venue).date()


def _slot_data(form):
    return {
        "activity_id": form.activity.data, "weekday": form.weekday.data,
        "start": form.start.data, "end": form.end.data,
        "valid_from": form.valid_from.data.isoformat(),
        "valid_until": form.valid_until.data.isoformat() if form.valid_until.data else None,
    }


def _slot_page(venue, form, existing, status=200, end_form=None):
    today = _today(venue)
    page = {"venue": venue, "form": form, "slot": existing, "today": today,
            "next_step": bool(request.args.get("next")),
            "has_run": bool(existing) and operations.has_run(existing, today),
            "first_time": existing and operations.first_time(existing),
            "end_form": end_form or EndSlotForm(formdata=None)}
    if existing and end_form is None:
        page["end_form"].last_day.data = today
    return render_template("week/staff/slot.html", **page), status


@blueprint.route("/staff/<slug>/slots/new", methods=["GET", "POST"])
@blueprint.route("/staff/<slug>/slots/<int:slot_id>", methods=["GET", "POST"])
@require_role("staff")
def slot(slug, slot_id=None):
    venue = g.venue
    today = _today(venue)
    existing = None
    if slot_id is not None:
        existing = operations.get_slot(_db(), venue["id"], slot_id)
        if existing is None:
            abort(404)
    if request.method == "GET" and existing:
        ran = operations.has_run(existing, today)
        form = SlotForm(data={
            **existing, "activity": existing["activity_id"],
            # A weekly time that has run changes from a date: today unless staff choose later.
            "valid_from": today if ran else dt.date.fromisoformat(existing["valid_from"]),
            "valid_until": existing["valid_until"] and dt.date.fromisoformat(
                existing["valid_until"])})
    else:
        form = SlotForm()
    form.activity.choices = options(operations.activity_choices(_db(), venue["id"]))
    if request.method == "GET":
        if not existing:
            form.valid_from.data = today
            if request.args.get("weekday", "").isdigit():
                form.weekday.data = int(request.args["weekday"])
            if request.args.get("activity", "").isdigit():
                form.activity.data = int(request.args["activity"])
        return _slot_page(venue, form, existing)
    if not form.validate():
        return _slot_page(venue, form, existing, BAD_INPUT)
    data = _slot_data(form)
    try:
        if existing is None:
            done = {"id": operations.add_slot(_db(), venue["id"], data, today=today,
                                             user=current_user()), "split": False, "dropped": 0}
        else:
            done = operations.change_slot(_db(), venue["id"], slot_id, data, today=today,
                                         user=current_user())
    except operations.ProgrammeRefused as refused:
        field = form.valid_from if refused.reason == "starts_in_past" or (
            refused.reason == "too_late" and operations.too_late(data["valid_from"], today)
        ) else form.valid_until
        field.errors = [*field.errors, _refusal(refused.reason)]
        return _slot_page(venue, form, existing, BAD_INPUT)
    if done["split"]:
        flash(_("From %(day)s the new times apply. The weeks before stay as they were.",
                day=long_date(form.valid_from.data)))
    else:
        flash(_("Saved. Visitors see it at once."))
    if done["dropped"]:
        flash(_("%(n)s cancellations or moves of the old times no longer apply.",
                n=done["dropped"]), "warning")
    for other in operations.overlapping_slots(_db(), venue["id"], data, done["id"]):
        flash(_("Note: this overlaps with %(name)s at %(start)s–%(end)s the same weekday.",
                name=other["name_sv"], start=other["start"], end=other["end"]), "warning")
    return redirect(url_for("week.activities", slug=slug))


@blueprint.post("/staff/<slug>/slots/<int:slot_id>/end")
@require_role("staff")
def end_slot(slug, slot_id):
    venue = g.venue
    existing = operations.get_slot(_db(), venue["id"], slot_id)
    if existing is None:
        abort(404)
    form = SlotForm(formdata=None, data={
        **existing, "activity": existing["activity_id"], "valid_from": _today(venue),
        "valid_until": existing["valid_until"] and dt.date.fromisoformat(
            existing["valid_until"])})
    form.activity.choices = options(operations.activity_choices(_db(), venue["id"]))
    end_form = EndSlotForm()
    if not end_form.validate():
        return _slot_page(venue, form, existing, BAD_INPUT, end_form)
    try:
        dropped = operations.end_slot(_db(), venue["id"], slot_id,
                                     last_day=end_form.last_day.data.isoformat(),
                                     today=_today(venue), user=current_user())
    except operations.ProgrammeRefused as refused:
        end_form.last_day.errors = [_refusal(refused.reason)]
        return _slot_page(venue, form, existing, BAD_INPUT, end_form)
    flash(_("It runs for the last time on or before %(day)s. The weeks before stay as they "
            "were.", day=long_date(end_form.last_day.data)))
    if dropped:
        flash(_("%(n)s cancellations or moves of the old times no longer apply.", n=dropped),
              "warning")
    return redirect(url_for("week.activities", slug=slug))


@blueprint.route("/staff/<slug>/slots/<int:slot_id>/delete", methods=["GET", "POST"])
@require_role("staff")
def delete_slot(slug, slot_id):
    """Asks first: the page says what goes; only its own button (with `confirmed`) removes."""
    venue = g.venue
    existing = operations.get_slot(_db(), venue["id"], slot_id)
    if existing is None:
        abort(404)
    form = DeleteSlotForm()
    page = {"venue": venue, "slot": existing, "form": form, "error": None,
            "has_run": operations.has_run(existing, _today(venue)),
            "activity": operations.get_activity(_db(), venue["id"], existing["activity_id"])}
    if page["has_run"]:
        page["error"] = _refusal("has_run")
    if request.method == "GET" or page["has_run"]:
        status = BAD_INPUT if request.method == "POST" else 200
        return render_template("week/staff/slot_delete.html", **page), status
    if not form.validate():
        abort(BAD_INPUT)
    if form.confirmed.data != "yes":
        return render_template("week/staff/slot_delete.html", **page)
    try:
        operations.delete_slot(_db(), venue["id"], slot_id, today=_today(venue),
                              user=current_user())
    except operations.ProgrammeRefused as refused:
        page["error"] = _refusal(refused.reason)
        return render_template("week/staff/slot_delete.html", **page), BAD_INPUT
    flash(_("The weekly time is removed."))
    return redirect(url_for("week.activities", slug=slug))


# --- one-off events -------------------------------------------------------------------------

@blueprint.route("/staff/<slug>/events/new", methods=["GET", "POST"])
@blueprint.route("/staff/<slug>/events/<int:event_id>", methods=["GET", "POST"])
@require_role("staff")
def event(slug, event_id=None):
    venue = g.venue
    existing = None
    if event_id is not None:
        existing = operations.get_event(_db(), venue["id"], event_id)
        if existing is None:
            abort(404)
    if request.method == "GET" and existing:
        form = EventForm(data={**existing, "activity": existing["activity_id"],
                               "date": dt.date.fromisoformat(existing["date"])})
    else:
        form = EventForm()
    form.activity.choices = options(
        operations.activity_choices(_db(), venue["id"])
        + [(NEW_ACTIVITY, _("A new activity (write its name below)"))])
    page = {"venue": venue, "form": form, "event": existing, "delete": ConfirmForm(),
            "past": bool(existing) and existing["date"] < _today(venue).isoformat()}
    if request.method == "GET":
        if not existing:
            try:
                form.date.data = dt.date.fromisoformat(request.args.get("date", ""))
            except ValueError:
                form.date.data = venue_now(venue).date()
            if request.args.get("activity", "").isdigit():
                form.activity.data = int(request.args["activity"])
        return render_template("week/staff/event.html", **page)
    valid = form.validate()
    new_name = (form.new_activity.data or "").strip() if form.activity.data == NEW_ACTIVITY else ""
    typed = (form.new_activity.data or "").strip()
    if typed and form.activity.data != NEW_ACTIVITY:
        # The name was dropped and the event saved for the activity still chosen above.
        form.new_activity.errors = [*form.new_activity.errors, _(
            "You wrote a new activity's name: choose “A new activity” in the list above, or "
            "clear the name.")]
        valid = False
    if new_name and operations.name_taken(_db(), venue["id"], new_name):
        form.new_activity.errors = [*form.new_activity.errors, _(
            "There is already an activity with that name. Choose it in the list above.")]
        valid = False
    if not valid:
        return render_template("week/staff/event.html", **page), BAD_INPUT
    data = {"activity_id": form.activity.data, "date": form.date.data.isoformat(),
            "start": form.start.data, "end": form.end.data,
            "note_sv": (form.note_sv.data or "").strip(),
            "note_en": (form.note_en.data or "").strip(),
            "address": (form.address.data or "").strip()}
    try:
        operations.save_event(
            _db(), venue["id"], data, event_id, today=_today(venue),
            new_activity=new_name or None, user=current_user())
    except operations.ProgrammeRefused as refused:
        form.date.errors = [*form.date.errors, _refusal(refused.reason)]
        return render_template("week/staff/event.html", **page), BAD_INPUT
    flash(_("Saved. Visitors see it at once."))
    return redirect(url_for("week.staff_week", slug=slug,
                            week=schedule.week_label(form.date.data)))


@blueprint.route("/staff/<slug>/events/<int:event_id>/delete", methods=["GET", "POST"])
@require_role("staff")
def delete_event(slug, event_id):
    venue = g.venue
    existing = operations.get_event(_db(), venue["id"], event_id)
    if existing is None:
        abort(404)
    day = dt.date.fromisoformat(existing["date"])
    name = operations.get_activity(_db(), venue["id"], existing["activity_id"])["name_sv"]
    if request.method == "GET":
        if day < _today(venue):  # history: nothing to ask about
            return _refused_page(operations.ProgrammeRefused("past")), BAD_INPUT
        return confirm_page(
            title=_("Remove %(name)s on %(day)s?", name=name, day=long_date(day)),
            lines=[_("It goes from the week at once: visitors no longer see it."),
                   _("Visits already counted for it stay in the figures."),
                   _("To show visitors that it will not happen, change it and write a note "
                     "instead.")],
            action=url_for("week.delete_event", slug=slug, event_id=event_id),
            button=_("Remove the event"),
            back=url_for("week.event", slug=slug, event_id=event_id))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    try:
        operations.delete_event(_db(), venue["id"], event_id, today=_today(venue),
                               user=current_user())
    except operations.ProgrammeRefused as refused:
        return _refused_page(refused), BAD_INPUT
    flash(_("The event is removed."))
    return redirect(url_for("week.staff_week", slug=slug, week=schedule.week_label(day)))


# --- one occurrence cancelled or moved ------------------------------------------------------

def _occurrence(venue, slot_id, day):
    slot = operations.get_slot(_db(), venue["id"], slot_id)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    if slot is None or not operations.slot_runs_on(slot, date):
        abort(404)
    return slot, date


@blueprint.route("/staff/<slug>/change/<int:slot_id>/<day>", methods=["GET", "POST"])
@require_role("staff")
def change(slug, slot_id, day):
    venue = g.venue
    slot, date = _occurrence(venue, slot_id, day)
    activity = operations.get_activity(_db(), venue["id"], slot["activity_id"])
    existing = operations.get_change(_db(), slot_id, date)
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
        return render_template("week/staff/change.html", **page)
    if not form.validate():
        return render_template("week/staff/change.html", **page), BAD_INPUT
    cancelled = form.what.data == "cancel"
    moved_date = form.new_date.data not in (None, date)
    new_hours = any(given and given != planned for given, planned in (
        (form.start.data, slot["start"]), (form.end.data, slot["end"])))
    if cancelled and (moved_date or new_hours):
        # A new date or time with "Cancelled" ticked was saved as a cancellation, the new
        # date dropped without a word.
        form.what.errors = [*form.what.errors, _(
            "You changed the date or the time: choose “Moved this time”, or set them back "
            "to cancel it.")]
        return render_template("week/staff/change.html", **page), BAD_INPUT
    data = {"cancelled": cancelled,
            "new_date": None if cancelled else form.new_date.data.isoformat(),
            "new_start": None if cancelled else form.start.data,
            "new_end": None if cancelled else form.end.data,
            "note_sv": (form.note_sv.data or "").strip(),
            "note_en": (form.note_en.data or "").strip()}
    try:
        operations.save_change(_db(), slot_id, date, data, today=_today(venue),
                              user=current_user())
    except operations.ProgrammeRefused as refused:
        form.new_date.errors = [*form.new_date.errors, _refusal(refused.reason)]
        return render_template("week/staff/change.html", **page), BAD_INPUT
    flash(_("Saved. Visitors see it at once."))
    return redirect(url_for("week.staff_week", slug=slug, week=schedule.week_label(date)))


@blueprint.post("/staff/<slug>/change/<int:slot_id>/<day>/undo")
@require_role("staff")
def undo_change(slug, slot_id, day):
    venue = g.venue
    _slot, date = _occurrence(venue, slot_id, day)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    try:
        operations.delete_change(_db(), slot_id, date, today=_today(venue),
                                user=current_user())
    except operations.ProgrammeRefused as refused:
        return _refused_page(refused), BAD_INPUT
    flash(_("It is back to the usual time."))
    return redirect(url_for("week.staff_week", slug=slug, week=schedule.week_label(date)))


# --- venues (admin) -------------------------------------------------------------------------

@blueprint.get("/staff/venues")
@require_role("admin")
def venue_list():
    return render_template("week/staff/venues.html", venues=venues.all_venues(_db()))


def _venue_form_page(form, venue=None, status=200):
    return render_template("week/staff/venue_form.html", form=form, venue=venue), status


def _save_venue(form, venue=None):
    slug = form.slug.data.strip()
    if operations.slug_taken(_db(), slug, venue["id"] if venue else None):
        form.slug.errors.append(_("Another venue already uses that short name."))
        return None
    data = {
        "slug": slug, "name": form.name.data.strip(),
        "organisation": (form.organisation.data or "").strip(),
        "address": (form.address.data or "").strip(), "timezone": form.timezone.data.strip(),
        "opening_days": ",".join(str(d) for d in sorted(form.opening_days.data or [])),
    }
    venue_id = operations.save_venue(_db(), data, venue["id"] if venue else None,
                                    user=current_user())
    return venues.by_slug(_db(), slug) | {"id": venue_id}


@blueprint.route("/staff/venues/new", methods=["GET", "POST"])
@require_role("admin")
def new_venue():
    form = VenueForm()
    if request.method == "GET":
        form.opening_days.data = [0, 1, 2, 3, 4]
        return _venue_form_page(form)
    if form.validate():
        venue = _save_venue(form)
        if venue:
            flash(_("Venue %(name)s created.", name=venue["name"]))
            return redirect(url_for("week.staff_week", slug=venue["slug"]))
    return _venue_form_page(form, status=BAD_INPUT)


@blueprint.route("/staff/<slug>/settings", methods=["GET", "POST"])
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
            flash(_("Saved."))
            return redirect(url_for("week.venue_list"))
    return _venue_form_page(form, venue, BAD_INPUT)
