"""The screen on the wall ("Nu och sen"): /<venue>/screen for a TV or tablet that staff set up,
and the staff page that sets one up or turns it off. Only a screen's own cookie opens it, since
it shows the door's QR code; it reloads itself every minute, without JavaScript."""

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

from checkin import i18n
from checkin.accounts.api import ConfirmForm, current_user, log_out, require_role
from checkin.db import get_db
from checkin.devices.screen_forms import ScreenForm
from checkin.feedback.api import meetings
from checkin.visits.api import door_url
from checkin.web.pages import confirm_page, hand_over_device, venue_now, venue_or_404
from checkin.web.qr import qr_svg
from checkin.week.api import SCREEN_COOKIE, blueprint, now_and_next, screen_tokens

REFRESH_SECONDS = 60
MEETING_REFRESH_SECONDS = 5
NEXT_DAY_SHOWN = 1  # of the next day's programme; the rest is "and N more that day"
SCREEN_COOKIE_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie
BAD_INPUT = 400


def clock(moment, lang):
    """The time as people say it: 'kl. 10.15', '10:15 am' (i18n.clock, as every page)."""
    said = i18n.clock(moment.strftime("%H:%M"), lang)
    return said if lang == "en" else f"kl. {said}"


@blueprint.get("/<slug>/screen")
def screen(slug):
    venue = venue_or_404(slug)
    found = screen_tokens.screen_by_token(get_db(), request.cookies.get(SCREEN_COOKIE))
    if found is None or found["venue_id"] != venue["id"]:
        response = make_response(render_template("week/screen/not_a_screen.html", venue=venue),
                                 401)
    else:
        moment = venue_now(venue)
        meeting = meetings.open_meeting(get_db(), venue["id"])
        if meeting and meeting["date"] == moment.date().isoformat():
            # A meeting in the room: the question on the wall, read again every few seconds.
            with force_locale(found["lang"]):
                response = make_response(render_template(
                    "week/screen/meeting.html", venue=venue, meeting=meeting,
                    question=meeting["question"], refresh=MEETING_REFRESH_SECONDS))
            response.headers["Cache-Control"] = "no-store"
            return response
        qr = qr_svg(door_url(current_app.config["BASE_URL"], venue))
        with force_locale(found["lang"]):
            response = make_response(render_template(
                "week/screen/screen.html", venue=venue, today=moment.date(),
                clock=clock(moment, found["lang"]), refresh=REFRESH_SECONDS,
                next_day_shown=NEXT_DAY_SHOWN,
                qr=qr[qr.index("<svg"):],  # inline: drop the XML declaration
                **now_and_next(get_db(), venue["id"], moment)))
    # It carries the door key: never kept by a cache, never shown again by the back button.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- staff: set up and turn off ---------------------------------------------------------------

def _screens_page(venue, form, status=200):
    return render_template(
        "week/screen/screens.html", venue=venue, form=form,
        screens=screen_tokens.venue_screens(get_db(), venue["id"])), status


@blueprint.route("/staff/<slug>/screens", methods=["GET", "POST"])
@require_role("staff")
def screen_list(slug):
    venue = g.venue
    form = ScreenForm()
    if request.method == "GET":
        return _screens_page(venue, form)
    if not form.validate():
        return _screens_page(venue, form, BAD_INPUT)
    _screen_id, token = screen_tokens.create_screen(
        get_db(), venue["id"], label=form.label.data, lang=form.lang.data,
        user=current_user(), day=venue_now(venue).date())
    # The screen hangs where anyone can reach it: the staff member is logged out on it.
    log_out()
    path = url_for("week.screen", slug=venue["slug"])
    return hand_over_device(path, SCREEN_COOKIE, token, SCREEN_COOKIE_SECONDS, path)


@blueprint.route("/staff/<slug>/screens/<int:screen_id>/off", methods=["GET", "POST"])
@require_role("staff")
def screen_off(slug, screen_id):
    """Asks first, as for a kiosk: a screen turned off cannot be turned on again."""
    venue = g.venue
    found = [s for s in screen_tokens.venue_screens(get_db(), venue["id"])
             if s["id"] == screen_id and not s["revoked_on"]]
    if not found:
        abort(404)
    if request.method == "GET":
        return confirm_page(
            title=_("Turn off %(label)s?",
                    label=found[0]["label"] or _("Screen %(n)s", n=screen_id)),
            lines=[_("That screen stops showing the programme and the door's QR code at "
                     "once."),
                   _("It cannot be turned on again: to use it again, set it up anew on this "
                     "page.")],
            action=url_for("week.screen_off", slug=slug, screen_id=screen_id),
            button=_("Turn it off"), back=url_for("week.screen_list", slug=slug))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    try:
        screen_tokens.revoke_screen(get_db(), venue["id"], screen_id, user=current_user(),
                                    day=venue_now(venue).date())
    except screen_tokens.ScreenError:
        abort(404)
    flash(_("The screen is turned off. It no longer shows the programme or the QR code."))
    return redirect(url_for("week.screen_list", slug=slug))
