"""Staff pages of the door: the poster and its key, kiosks, and the tally of people counted
by hand."""

import datetime as dt

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from checkin.accounts.api import ConfirmForm, current_user, log_out, require_role
from checkin.db import get_db
from checkin.visits import kiosk_tokens
from checkin.visits.door import door_url
from checkin.visits.kiosk_tokens import KIOSK_COOKIE
from checkin.visits.recording import GENDERS, change_tally, day_counts
from checkin.visits.routes import blueprint
from checkin.visits.staff_forms import (
    DoorKeyForm,
    KioskForm,
    TallyForm,
)
from checkin.web.pages import confirm_page, hand_over_device, venue_now
from checkin.web.qr import qr_svg
from checkin.week.api import operations, schedule

KIOSK_SECONDS = 400 * 24 * 3600


BAD_INPUT = 400
CONFLICT = 409


def _db():
    return get_db()
# --- door poster and door key ---------------------------------------------------------------

def _poster_words():
    words = {}
    for lang in ("sv", "en"):
        with force_locale(lang):
            words[lang] = {
                "scan": _("Scan to check in"),
                "camera": _("Open the camera and point it at the code."),
                "no_phone": _("No phone? Ask the staff, or use the tablet."),
                "anonymous": _("We do not store who you are."),
                "type": _("Or type this address:"),
            }
    return words


@blueprint.get("/staff/<slug>/poster")
@require_role("staff")
def poster(slug):
    venue = g.venue
    url = door_url(current_app.config["BASE_URL"], venue)
    svg = qr_svg(url)
    svg = svg[svg.index("<svg"):]  # inline: drop the XML declaration
    pictograms = [a["pictogram"] for a in operations.activities(_db(), venue["id"])
                  if a["active"] and a["counted"] and not a["address"]]
    return render_template(
        "visits/staff/poster.html", venue=venue, qr=svg, url=url,
        short_url=url.split("://", 1)[-1], words=_poster_words(),
        pictograms=list(dict.fromkeys(pictograms))[:6],
    )


@blueprint.route("/staff/<slug>/door-key", methods=["GET", "POST"])
@require_role("staff")
def door_key(slug):
    venue = g.venue
    form = DoorKeyForm()
    if request.method == "GET":
        return render_template("visits/staff/door_key.html", venue=venue, form=form)
    if not form.validate():
        return render_template("visits/staff/door_key.html", venue=venue, form=form), BAD_INPUT
    operations.replace_door_key(_db(), venue["id"], user=current_user())
    flash(_("The door key is new. Old posters now say the code is old and count nothing. "
            "Print this poster and put it up now."), "warning")
    return redirect(url_for("visits.poster", slug=slug))


# --- kiosks ---------------------------------------------------------------------------------

@blueprint.route("/staff/<slug>/kiosks", methods=["GET", "POST"])
@require_role("staff")
def kiosk_list(slug):
    venue = g.venue
    form = KioskForm()
    page = {"venue": venue, "form": form, "revoke": ConfirmForm(),
            "kiosks": kiosk_tokens.venue_kiosks(_db(), venue["id"])}
    if request.method == "GET":
        return render_template("visits/staff/kiosks.html", **page)
    if not form.validate():
        return render_template("visits/staff/kiosks.html", **page), BAD_INPUT
    label = (form.label.data or "").strip()
    _kiosk_id, token = kiosk_tokens.create_kiosk(_db(), venue["id"], label, current_user())
    # This tablet is now a kiosk: the staff member is logged out on it.
    log_out()
    return hand_over_device(url_for("visits.kiosk_home"), KIOSK_COOKIE, token, KIOSK_SECONDS,
                            "/kiosk")


@blueprint.route("/staff/<slug>/kiosks/<int:kiosk_id>/revoke", methods=["GET", "POST"])
@require_role("staff")
def revoke_kiosk(slug, kiosk_id):
    venue = g.venue
    found = [k for k in kiosk_tokens.venue_kiosks(_db(), venue["id"])
             if k["id"] == kiosk_id and not k["revoked_at"]]
    if not found:
        abort(404)
    label = found[0]["label"] or _("Kiosk %(n)s", n=kiosk_id)
    if request.method == "GET":
        return confirm_page(
            title=_("Turn off %(label)s?", label=label),
            lines=[_("That tablet stops checking anyone in at once and shows a message."),
                   _("It cannot be turned on again: to use the tablet again, make it a new "
                     "kiosk on this page."),
                   _("Visits it has already counted stay in the figures.")],
            action=url_for("visits.revoke_kiosk", slug=slug, kiosk_id=kiosk_id),
            button=_("Turn it off"), back=url_for("visits.kiosk_list", slug=slug))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    kiosk_tokens.revoke_kiosk(_db(), venue["id"], kiosk_id, user=current_user())
    flash(_("The kiosk is turned off. That tablet can no longer check anyone in."))
    return redirect(url_for("visits.kiosk_list", slug=slug))


# --- tally ----------------------------------------------------------------------------------

NO_ACTIVITY = "none"
UNDO_KEY = "tally_undo"
# Today's changes, newest last, each undone in turn back to the first of the day; the list is
# kept in the signed session and begins again each day.
UNDO_MAX = 50
FIRST_YEAR = 2000  # as for imported counts: older is a typing mistake


def _tally_target(venue):
    """(day, activity id or None, error) from ?day=&activity=; by default the activity on now,
    or the one that ended last today."""
    now = venue_now(venue)
    today = now.date()
    choices = dict(operations.activity_choices(_db(), venue["id"], only_counted=True))
    try:
        day = dt.date.fromisoformat(request.args.get("day", today.isoformat()))
    except ValueError:
        return today, None, _("Write the date as YYYY-MM-DD, for example 2026-12-18.")
    if day > today:
        return today, None, _("You can only count a day that has come.")
    if day.year < FIRST_YEAR:
        return today, None, _("Choose a day from the year %(year)s on.", year=FIRST_YEAR)
    raw = request.args.get("activity")
    if raw is None:
        if day != today:
            return day, None, None
        item = schedule.running_or_last(
            schedule.check_in_choices(_db(), venue["id"], today), now)
        return day, item["activity"]["id"] if item else None, None
    if raw == NO_ACTIVITY:
        return day, None, None
    if not raw.isdigit() or int(raw) not in choices:
        return day, None, _("Choose an activity from the list.")
    return day, int(raw), None


def _gender_words():
    return {"woman": _("women"), "man": _("men"), "other": _("other"),
            "unstated": _("no answer")}


def change_words(changes):
    """'women +2, men −1': a tally change as staff say it."""
    words = _gender_words()
    return ", ".join(f"{words[g]} {n:+d}".replace("-", "−") for g, n in changes.items())


def _revisions():
    """What a tally change does to finished reports is the figures' to say: the app hands
    their answers over (create_app: figures.api.tally_revisions), so visits imports no
    figures module."""
    return current_app.extensions["tally_revisions"]


def _before_revision(venue, day):
    """The totals of the finished year `day` is in (figures/revisions.py), or {}."""
    return _revisions().before_change(_db(), venue["id"], day, venue_now(venue).date())


def _locale():
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def _tally_page(venue, day, activity_id, status=200, error=None, form=None, finished=None):
    counts = day_counts(_db(), venue["id"], day, activity_id)
    rows = [(g_, counts["qr"][g_] + counts["kiosk"][g_], counts["tally"][g_])
            for g_ in GENDERS]
    if form is None:
        form = TallyForm(formdata=None, data={
            **{g_: str(n) for g_, _c, n in rows}, **{f"was_{g_}": str(n) for g_, _c, n in rows}})
    steps = _undo_steps(venue)
    undo = steps[-1] if steps else None
    names = dict(operations.activity_choices(_db(), venue["id"]))
    return render_template(
        "visits/staff/tally.html", venue=venue, day=day, activity_id=activity_id,
        choices=operations.activity_choices(_db(), venue["id"], only_counted=True), rows=rows,
        form=form, held=schedule.check_in_choices(_db(), venue["id"], day),
        total_checked=sum(r[1] for r in rows), total_tally=sum(r[2] for r in rows),
        error=error, today=venue_now(venue).date(), no_activity=NO_ACTIVITY,
        undo=undo and {**undo, "words": change_words(undo["changes"]),
                       "name": names.get(undo["activity"], _("No particular activity")),
                       "date": dt.date.fromisoformat(undo["day"]), "left": len(steps)},
        confirm=ConfirmForm(), finished=finished,
    ), status


def _undo_steps(venue):
    """Today's tally changes at this venue that can still be undone, oldest first."""
    kept = session.get(UNDO_KEY)
    if not isinstance(kept, dict) or kept.get("venue") != venue["id"] or kept.get(
            "on") != venue_now(venue).date().isoformat():
        return []
    return list(kept.get("steps") or [])


def _keep_undo_steps(venue, steps):
    if steps:
        session[UNDO_KEY] = {"venue": venue["id"], "on": venue_now(venue).date().isoformat(),
                             "steps": steps[-UNDO_MAX:]}
    else:
        session.pop(UNDO_KEY, None)


def _tally_url(slug, day, activity_id, anchor=""):
    return url_for("visits.tally", slug=slug, day=day.isoformat(),
                   activity=activity_id or NO_ACTIVITY) + anchor


@blueprint.route("/staff/<slug>/tally", methods=["GET", "POST"])
@require_role("staff")
def tally(slug):
    venue = g.venue
    day, activity_id, error = _tally_target(venue)
    if error:
        return _tally_page(venue, venue_now(venue).date(), None, BAD_INPUT, error)
    if request.method == "GET":
        return _tally_page(venue, day, activity_id)
    form = TallyForm()
    if not form.validate():
        return _tally_page(venue, day, activity_id, BAD_INPUT,
                           _("Nothing was changed. Please fix what is marked below."), form)
    today = venue_now(venue).date()
    asked = _revisions().day_effects(_db(), venue["id"], day, sum(form.changes().values()), today)
    if asked and not form.finished.data:
        # A finished month's reports would change: say which and by how much, change nothing.
        return _tally_page(venue, day, activity_id, CONFLICT, form=form,
                           finished=_revisions().effect_lines(asked, _locale()))
    before = _before_revision(venue, day)
    made = change_tally(_db(), venue_id=venue["id"], day=day, activity_id=activity_id,
                        changes=form.changes(), user=current_user())
    if made and before:
        _revisions().record_after(_db(), venue["id"], before, "tally", today)
    step = form.step.data or "save"
    anchor = f"#tally-{step.partition(':')[0]}" if step != "save" else "#saved"
    if not made:
        if step != "save":
            return redirect(_tally_url(slug, day, activity_id, anchor))
        flash(_("Nothing to save: the numbers are as before."))
        return redirect(_tally_url(slug, day, activity_id, anchor))
    _keep_undo_steps(venue, [*_undo_steps(venue), {"day": day.isoformat(),
                                                    "activity": activity_id, "changes": made}])
    if step == "save":
        flash(_("Saved: %(changes)s.", changes=change_words(made)))
    return redirect(_tally_url(slug, day, activity_id, anchor))


@blueprint.post("/staff/<slug>/tally/undo")
@require_role("staff")
def undo_tally(slug):
    venue = g.venue
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    steps = _undo_steps(venue)
    if not steps:
        flash(_("There is nothing to undo."), "warning")
        return redirect(url_for("visits.tally", slug=slug))
    undo = steps.pop()
    day = dt.date.fromisoformat(undo["day"])
    before = _before_revision(venue, day)
    made = change_tally(_db(), venue_id=venue["id"], day=day, activity_id=undo["activity"],
                        changes={g_: -n for g_, n in undo["changes"].items()},
                        user=current_user(), undo=True)
    if made and before:  # undoing a confirmed change to a finished month is a revision too
        _revisions().record_after(_db(), venue["id"], before, "tally", venue_now(venue).date())
    _keep_undo_steps(venue, steps)
    flash(_("Undone: %(changes)s.", changes=change_words(made)) if made
          else _("There is nothing to undo."))
    return redirect(_tally_url(slug, day, undo["activity"], "#saved"))
