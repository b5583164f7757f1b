"""Check-in at the door: parse the request, call one operation (visits/arrivals.py), render.

Nothing about the person is kept. Between the tap and the questions after it the browser keeps
only a random reference to its step (visits/steps.py), which names no row and is forgotten when
the venue's day is over.
"""

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
    url_for,
)
from flask_babel import gettext as _

from checkin import retention_period, venues
from checkin.db import get_db
from checkin.visits import arrivals, once, steps, volume
from checkin.visits.forms import NO_ACTIVITY, QUESTIONS, AnswerForm, CheckInForm
from checkin.visits.phone_pages import (
    GENDER_COOKIE,
    PHONE_COOKIE,
    drop_step_ref,
    form_key,
    keep_phone_code,
    keep_step_ref,
    posted_token,
    remembered_phone,
    step_ref,
)
from checkin.visits.phones import GENDER_FLAGS, phone_code
from checkin.visits.recording import GENDERS, answer_gender, change_visit, get_visit
from checkin.web.formatting import localized
from checkin.web.pages import (
    REMEMBER_SECONDS,
    client_address,
    safe_next,
    sender_budget,
    venue_now,
    venue_or_404,
)
from checkin.week.api import schedule

blueprint = Blueprint("visits", __name__)



def _door(slug, key):
    """The venue whose current door key this is; an old or wrong key counts nothing."""
    venue = venue_or_404(slug)
    if not hmac.compare_digest(key.encode(), venue["door_key"].encode()):
        abort(make_response(render_template("visits/old_key.html", venue=venue), 404))
    return venue


def door_limits(venue):
    return volume.venue_limits(get_db(), venue["id"], current_app.config)


def too_many_message():
    return _("Many people are checking in right now. Nothing was saved. "
             "Please wait a minute and tap again.")


def _visit_step(venue, now):
    """(reference, today's visit, step data) for this browser at this venue, else None."""
    db = get_db()
    ref = step_ref("visit")
    found = steps.find(db, ref, kind="visit", venue_id=venue["id"],
                       now_hour=steps.hour_number(now))
    visit = get_visit(db, found["row_id"]) if found else None
    if not visit or visit["venue_id"] != venue["id"] or visit["date"] != now.date().isoformat():
        if found:  # another day's visit: the step is over, whatever hour the row says
            steps.finish(db, ref)
        return None
    return ref, visit, found["data"]


# --- the door page -------------------------------------------------------------------------------

def _check_in_page(venue, form, now, status=200, error=None):
    db = get_db()
    today = now.date()
    offered = schedule.still_on(schedule.check_in_choices(db, venue["id"], today), now)
    if form.activity.data is None or request.method == "GET":
        running = schedule.running_now(offered, now)
        form.activity.data = str(running["activity"]["id"]) if running else NO_ACTIVITY
    form.day.data = today.isoformat()
    open_today = arrivals.open_on(db, venue, today)
    next_open = None if open_today else arrivals.next_open_day(db, venue, today)
    phone = remembered_phone(venue)
    return render_template(
        "visits/check_in.html", venue=venue, form=form, choices=offered, today=today,
        running={item["activity"]["id"] for item in offered if schedule.is_on(item, now)},
        phone=phone, error=error, open_today=open_today, next_open=next_open,
        # A closed day still helps: the next open day's programme, and the week it is in.
        next_programme=schedule.occurrences(db, venue["id"], next_open, next_open,
                                            moved_away=True, shown_only=True)
        if next_open else [],
        next_week=schedule.week_label(schedule.monday_of(next_open)) if next_open else None,
        open_days=venues.opening_days(venue),
        already=_already(venue, now, phone) if open_today else None,
    ), status


def _already(venue, now, phone):
    """Today's visit of this phone or browser, said on the door before the tap, else None."""
    mine = _visit_step(venue, now)
    visit = arrivals.todays_visit(get_db(), venue_id=venue["id"], day=now.date(), phone=phone,
                                  browser_visit_id=mine[1]["id"] if mine else None)
    if visit is None:
        return None
    return {"activity": _activity(visit["activity_id"])}


def refusal(reason):
    """(status, words) for why a tap stored nothing (arrivals.REASONS): one answer for the
    door and the kiosk."""
    earlier = _("This page was from an earlier day. Nothing was saved. "
                "Tap the button to check in today.")
    missing = _("Something was missing. Nothing was saved. Please try again.")
    return {
        "missing": (400, missing),
        "bad": (400, missing),
        "later day": (400, _("That day has not come yet. Nothing was saved. "
                             "Tap the button to check in today.")),
        "earlier day": (400, earlier),
        "old": (400, earlier),
        "unknown activity": (400, _("We do not know that activity today. Nothing was saved. "
                                    "Choose one from the list.")),
        "activity over": (400, _("That activity is over for today. Nothing was saved. "
                                 "Choose one from the list.")),
        "closed": (403, _("We are closed today. Nothing was saved.")),
        "too many": (429, too_many_message()),
        "used": (409, _("This page was already used. Nothing more was saved. "
                        "Tap the button if you want to check in.")),
    }[reason]


def sender(address, venue):
    """Who taps, for the bounds that follow them (visits/arrivals.py)."""
    budget = sender_budget()
    # Hashed once here, not again for each bound asked (web/sender_budget.py).
    return arrivals.Sender(budget.sender(address), budget, door_limits(venue), current_app.config)


@blueprint.route("/<slug>/in/<key>", methods=["GET", "POST"])
def check_in(slug, key):
    venue = _door(slug, key)
    db = get_db()
    now = venue_now(venue)
    if request.method == "GET":
        return _check_in_page(venue, CheckInForm(), now)
    mine = _visit_step(venue, now)
    phone = remembered_phone(venue)

    def keep_step(arrival):
        """The browser's step to the questions after the tap, in the check-in's transaction."""
        if mine and mine[1]["id"] == arrival.visit_id:
            ref, data = mine[0], mine[2]
        else:
            ref, data = None, {}
        # The questions come once a day: a second check-in asks nothing again.
        data["ask"] = [] if phone or arrival.repeat else list(QUESTIONS)
        data["repeat"] = arrival.repeat
        data.pop("before", None)
        if arrival.repeat and arrival.before != arrival.activity_id:
            data["before"] = arrival.before or NO_ACTIVITY
        if ref:
            steps.update(db, ref, data)
        else:
            keep_step_ref("visit", steps.start(
                db, kind="visit", row_id=arrival.visit_id, venue_id=venue["id"],
                now_hour=steps.hour_number(now), until_hour=steps.midnight_hour(now),
                data=data, replaces=step_ref("visit")))

    try:
        # What was sent is checked by the arrival rules (arrivals.sent_activity), the one place
        # for them; the form is made only to show the page again (a tenth of a check-in's time).
        arrivals.arrive(
            db, source="qr", venue=venue, now=now, day_text=request.form.get("day"),
            activity_text=request.form.get("activity", NO_ACTIVITY), token=posted_token(),
            form_key=form_key(),
            sender=sender(client_address(), venue), phone=phone,
            browser_visit_id=mine[1]["id"] if mine else None, then=keep_step)
    except once.Refused as refused:
        if refused.reason == "used" and mine:  # a second tap in a row
            return redirect(url_for("visits.done", slug=slug, key=key))
        return _check_in_page(venue, CheckInForm(), now, *refusal(refused.reason))
    return redirect(url_for("visits.done", slug=slug, key=key))


# --- after the tap: thanks, then one question per screen ----------------------------------------

def _activity(activity_id):
    if not activity_id or activity_id == NO_ACTIVITY:
        return None
    return get_db().execute("SELECT * FROM activity WHERE id = ?", [activity_id]).fetchone()


def _feedback_offer(venue, visit, now):
    """What 'How was it?' asks about, only once it has happened: the visit's activity once it
    has ended, or 'day' for a visit without one once its part of the day is over
    (schedule.DAY_PART_ENDS); else None. Never on arrival, a repeat or an undo before then."""
    if visit["activity_id"] is None:
        return "day" if schedule.day_part_over(visit["hour"], now) else None
    current = schedule.todays_activity(get_db(), venue["id"], now, visit["activity_id"])
    return current["activity"] if current and schedule.has_ended(current, now) else None


def _done_page(venue, visit, data, now, status=200, error=None):
    db = get_db()
    phone = remembered_phone(venue)
    ask = [q for q in data.get("ask", []) if not (q == "remember" and phone)]
    item = schedule.todays_activity(db, venue["id"], now, visit["activity_id"] or "")
    return render_template(
        "visits/done.html", venue=venue, visit=visit, question=ask[0] if ask else None,
        item=item, activity=_activity(visit["activity_id"]), form=AnswerForm(),
        repeat=data.get("repeat"), before=_activity(data.get("before")),
        before_none=data.get("before") == NO_ACTIVITY,
        rest=[i for i in schedule.rest_of_day(db, venue["id"], now)
              if not item or i is not item and i["activity"]["id"] != item["activity"]["id"]],
        feedback=None if ask else _feedback_offer(venue, visit, now),
        phone=phone, error=error, now=now, remember_days=REMEMBER_SECONDS // 86400,
    ), status


@blueprint.route("/<slug>/in/<key>/done", methods=["GET", "POST"])
def done(slug, key):
    venue = _door(slug, key)
    db = get_db()
    now = venue_now(venue)
    mine = _visit_step(venue, now)
    if mine is None:
        return redirect(url_for("visits.check_in", slug=slug, key=key))
    ref, visit, data = mine
    if request.method == "GET":
        return _done_page(venue, visit, data, now)
    form = AnswerForm()
    back = redirect(url_for("visits.done", slug=slug, key=key), 303)
    if not form.validate():
        return _done_page(venue, visit, data, now, 400,
                          _("Please choose one of the buttons. Nothing was changed."))
    question, answer = form.question.data, form.answer.data
    ask = data.get("ask", [])
    if question == "back":
        if "before" in data:
            before = data.pop("before")
            change_visit(db, visit["id"],
                         activity_id=None if before == NO_ACTIVITY else int(before))
            steps.update(db, ref, data)
            flash(_("Now it says %(activity)s again.",
                    activity=_localized_name(_activity(before))))
        return back
    if not ask or ask[0] != question:
        return back  # answered already (a second tap, or the browser's back button): no change
    if question == "gender":
        if answer != "skip" and answer not in GENDERS:
            return _done_page(venue, visit, data, now, 400,
                              _("Please choose one of the buttons. Nothing was changed."))
        if answer != "skip":
            answer_gender(db, visit["id"], answer)
    elif question == "remember":
        if answer not in ("yes", "no"):
            return _done_page(venue, visit, data, now, 400,
                              _("Please choose one of the buttons. Nothing was changed."))
        if answer == "yes" and remembered_phone(venue) is None:
            code = arrivals.remember_phone(db, visit["id"], venue["id"], now.date())
            keep_phone_code(back, code)
            flash(_("Done. Next time one tap is enough."))
    data["ask"] = ask[1:]
    steps.update(db, ref, data)
    return back


def _localized_name(activity):
    return localized(activity, "name") if activity else _("Nothing special")


# --- forgetting the phone, and what we store ---------------------------------------------------

def _forget_response(default):
    """The phone's code goes, and so does this browser's link to today's visit and to a face
    it may still add a text to: a second check-in today is a new visit, as the page says."""
    db = get_db()
    steps.finish(db, drop_step_ref("visit"))
    steps.finish(db, drop_step_ref("feedback"))
    response = redirect(safe_next(default))
    response.delete_cookie(PHONE_COOKIE)
    response.delete_cookie(GENDER_COOKIE)
    flash(_("The code is deleted. The phone remembers nothing."))
    return response


@blueprint.route("/forget", methods=["GET", "POST"])
def forget():
    """Asks once: a phone that forgets its code counts as a new person next time."""
    if request.method == "POST":
        return _forget_response(url_for("week.home"))
    return render_template("visits/forget.html", venue=None, back=safe_next(url_for("week.home")),
                           remembered=remembered_phone() is not None)


@blueprint.route("/<slug>/forget", methods=["GET", "POST"])
def forget_here(slug):
    venue = venue_or_404(slug)
    week = url_for("week.week", slug=slug)
    if request.method == "POST":
        return _forget_response(week)
    return render_template("visits/forget.html", venue=venue, back=safe_next(week),
                           remembered=remembered_phone(venue) is not None)


# --- the gender answer a remembered phone keeps ---------------------------------------------------

def _phone_gender_response(default):
    """A remembered phone changes or removes the gender answer its code carries: the same key
    (so it is still the same person in this year's count), only the answer in the code changes.
    Nothing is written to the database: the answer goes with the phone's next check-in."""
    phone = remembered_phone()
    back = redirect(safe_next(default) + "#phone", 303)
    answer = request.form.get("gender", "")
    if phone is None:
        flash(_("This phone has no saved code, so it keeps no answer. Nothing was changed."))
        return back
    if answer != "none" and answer not in GENDER_FLAGS:
        flash(_("Please choose one of the buttons. Nothing was changed."))
        return back
    gender = None if answer == "none" else answer
    keep_phone_code(back, phone_code(get_db(), phone.key, gender))
    if gender is None:
        flash(_("Done. The phone keeps only its code now, no gender answer."))
    else:
        flash(_("Done. The phone now keeps the answer “%(answer)s”. The code is the same.",
                answer=gender_word(gender)))
    return back


# The gender answers in their order, for the pages that offer them (visits/_phone.html).
blueprint.add_app_template_global(GENDERS, "genders")


@blueprint.app_template_global()
def gender_word(gender):
    """The words of the gender buttons, for the pages that say which answer a phone keeps."""
    return {"woman": _("Woman"), "man": _("Man"), "other": _("Other"),
            "unstated": _("Prefer not to say")}.get(gender, "")


@blueprint.post("/phone/gender")
def phone_gender():
    return _phone_gender_response(url_for("visits.privacy"))


@blueprint.post("/<slug>/phone/gender")
def phone_gender_here(slug):
    venue_or_404(slug)
    return _phone_gender_response(url_for("visits.privacy_here", slug=slug))


def _privacy(venue):
    config = current_app.config
    back = safe_next(url_for("week.week", slug=venue["slug"]) if venue else url_for("week.home"))
    return render_template(
        "visits/privacy.html", venue=venue, back=back,
        remembered=remembered_phone(venue) is not None, phone=remembered_phone(venue),
        remember_days=REMEMBER_SECONDS // 86400,
        retention_months=retention_period.months(get_db(), config["RETENTION_MONTHS"]),
        close_after_months=config["CLOSE_AFTER_MONTHS"],
        responsible=config["RESPONSIBLE"],
        contact_email=config["CONTACT_EMAIL"],
    )


@blueprint.get("/privacy")
def privacy():
    return _privacy(None)


@blueprint.get("/<slug>/privacy")
def privacy_here(slug):
    return _privacy(venue_or_404(slug))


from checkin.visits import staff_routes  # noqa: E402,F401  (its pages join this blueprint)
