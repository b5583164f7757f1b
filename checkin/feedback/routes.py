"""Feedback, the survey and the idea box for visitors: anonymous, thin, nothing logged."""


from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from checkin import retention_period
from checkin.db import get_db
from checkin.feedback import ideas, meetings, smileys, surveys
from checkin.feedback.forms import IdeaForm, RatingForm, SurveyForm, TextForm, VoteForm
from checkin.feedback.visitor_text import FEEDBACK_TEXT_MAX, IDEA_TEXT_MAX, TooLong, clean_text
from checkin.visits.api import (
    Refused,
    drop_step_ref,
    keep_step_ref,
    remembered_phone,
    step_ref,
    steps,
    visitor_post,
)
from checkin.web.pages import sender_may_post, venue_now, venue_or_404
from checkin.web.posting_budget import PostingBudget, may_post
from checkin.week.api import schedule

blueprint = Blueprint("feedback", __name__)


def _budget():
    """The process's posting budget, made on first use from the app's settings."""
    budget = current_app.extensions.get("posting_budget")
    if budget is None:
        budget = PostingBudget(current_app.config["POSTS_PER_MINUTE_SESSION"])
        current_app.extensions["posting_budget"] = budget
    return budget


def _may_post(kind):
    """Spend one post of this browser's budget and its client address's: checked before the
    one-time token is spent, so a refused post writes nothing at all."""
    return may_post(_budget(), session) and sender_may_post(kind)


def _too_busy(venue):
    return render_template(
        "error.html", venue=venue, title=_("Many people are writing right now"),
        message=_("Nothing was saved. Please wait a minute and try again."),
    ), 429


def _today_choices(venue):
    """Today's activities that have begun: a face is never counted for one still to come."""
    now = venue_now(venue)
    return [item for item in schedule.check_in_choices(get_db(), venue["id"], now.date())
            if schedule.has_begun(item, now)]


def _already_saved(venue, page):
    """The page a replayed post gets: nothing more is stored, and it says so."""
    return render_template(
        "error.html", venue=venue, title=_("This answer is already saved"),
        message=_("Nothing more was saved. Thank you!"), back=page,
    ), 409


def _not_spent(venue, refused, page):
    """The page a refused post gets (visitor_post's reasons): past the sender's bounds, busy; a
    replay is told its answer is already saved; a page from another day (or a token that is
    not ours) that it has expired."""
    if refused == "too many":
        return _too_busy(venue)
    if refused == "used":
        return _already_saved(venue, page)
    return render_template(
        "error.html", venue=venue, back=page, title=_("This page has expired"),
        message=_("Nothing was saved. Load the page again and tap the button again."),
        back_label=_("Load the page again"),
    ), 400


TEXT_HOURS = 2  # a text can be added to a face for one to two hours


# --- feedback: a smiley, then an optional text -------------------------------------------------

def _rating_page(venue, form, status=200, error=None):
    return render_template(
        "feedback/feedback.html", venue=venue, form=form, choices=_today_choices(venue),
        error=error,
    ), status


@blueprint.route("/<slug>/feedback", methods=["GET", "POST"])
def feedback_page(slug):
    venue = venue_or_404(slug)
    db = get_db()
    now = venue_now(venue)
    form = RatingForm()
    choices = {str(c["activity"]["id"]): c["activity"]["id"] for c in _today_choices(venue)}
    if request.method == "GET":
        wanted = request.args.get("activity", "none")
        form.activity.data = wanted if wanted in choices else "none"
        return _rating_page(venue, form)
    if not form.validate():
        return _rating_page(venue, form, 400, _("Please tap one of the faces. Nothing was saved."))
    activity = form.activity.data or "none"
    activity_id = None
    if activity != "none":
        item = schedule.todays_activity(db, venue["id"], now, activity)
        if item is None:
            form.activity.data = "none"
            return _rating_page(venue, form, 400, _("We do not know that activity today. "
                                                    "Nothing was saved."))
        if not schedule.has_begun(item, now):
            form.activity.data = "none"
            return _rating_page(venue, form, 400, _("That activity has not begun yet. Nothing "
                                                    "was saved. Tell us afterwards!"))
        activity_id = item["activity"]["id"]

    def write():
        feedback_id = smileys.record_rating(
            db, venue_id=venue["id"], day=now.date(), rating=int(form.rating.data),
            activity_id=activity_id,
        )
        now_hour = steps.hour_number(now)
        # A text for one to two hours, and never after the venue's midnight.
        keep_step_ref("feedback", steps.start(
            db, kind="feedback", row_id=feedback_id, venue_id=venue["id"], now_hour=now_hour,
            until_hour=min(now_hour + TEXT_HOURS, steps.midnight_hour(now)),
            replaces=step_ref("feedback")))

    try:
        visitor_post("rating", venue, write, within_bounds=lambda: _may_post("feedback"))
    except Refused as refused:
        return _not_spent(venue, refused.reason, url_for("week.week", slug=slug))
    return redirect(url_for("feedback.feedback_text", slug=slug))


def _my_rating(venue):
    """The id of the face this browser may still add a text to (today's, at this venue's
    clock), else None."""
    db = get_db()
    now = venue_now(venue)
    ref = step_ref("feedback")
    found = steps.find(db, ref, kind="feedback", venue_id=venue["id"],
                       now_hour=steps.hour_number(now))
    if found is None:
        return None
    row = db.execute("SELECT date FROM feedback WHERE id = ?", [found["row_id"]]).fetchone()
    if row is None or row["date"] != now.date().isoformat():
        steps.finish(db, ref)  # the face is of another day: its step is over at midnight
        return None
    return found["row_id"]


def _rating_done():
    steps.finish(get_db(), drop_step_ref("feedback"))


@blueprint.route("/<slug>/feedback/text", methods=["GET", "POST"])
def feedback_text(slug):
    venue = venue_or_404(slug)
    feedback_id = _my_rating(venue)
    if feedback_id is None:
        return redirect(url_for("feedback.feedback_thanks", slug=slug))
    form = TextForm()

    def page(status=200, error=None):
        months = retention_period.months(get_db(), current_app.config["RETENTION_MONTHS"])
        return render_template("feedback/feedback_text.html", venue=venue, form=form,
                               limit=FEEDBACK_TEXT_MAX, error=error, months=months), status

    if request.method == "GET":
        return page()
    if not form.validate():
        return page(400, _("Something was missing. Nothing was saved. Please try again."))
    try:
        text = clean_text(form.text.data, FEEDBACK_TEXT_MAX)
    except TooLong:
        return page(400, _("That is more than %(limit)s characters. Nothing was saved. "
                           "Please make it shorter.", limit=FEEDBACK_TEXT_MAX))
    if text is not None:
        try:  # a text has no one-time token: its face's step is spent with it
            visitor_post(None, venue, lambda: smileys.add_text(get_db(), feedback_id, text),
                         within_bounds=lambda: _may_post("feedback"))
        except Refused:
            return _too_busy(venue)
    _rating_done()
    return redirect(url_for("feedback.feedback_thanks", slug=slug))


@blueprint.get("/<slug>/feedback/thanks")
def feedback_thanks(slug):
    venue = venue_or_404(slug)
    _rating_done()  # skipping the text ends the step too
    return render_template("feedback/feedback_thanks.html", venue=venue)


# --- the survey: one tap skips it ---------------------------------------------------------------

def _survey_page(venue, survey, form, status=200, error=None, answered=False, chosen=None):
    return render_template(
        "feedback/survey.html", venue=venue, survey=survey, form=form, error=error,
        answered=answered, chosen=chosen or {},
    ), status


def _posted_answers():
    """{question id: value} from fields named q<id>; empty choices are skipped questions.
    A field like `qx` stays under its name, which no question has: surveys.py refuses it."""
    return {int(name[1:]) if name[1:].isdigit() else name: value
            for name, value in request.form.items() if name.startswith("q") and value}


@blueprint.route("/<slug>/survey", methods=["GET", "POST"])
def survey_page(slug):
    venue = venue_or_404(slug)
    db = get_db()
    today = venue_now(venue).date()
    phone = remembered_phone(venue)
    form = SurveyForm()
    if request.method == "GET":
        survey = surveys.open_survey(db, venue["id"], today)
        if survey:
            form.survey.data = str(survey["id"])
        answered = bool(survey and phone and surveys.has_answered(db, survey, phone[0]))
        return _survey_page(venue, survey, form, answered=answered)
    survey_id = form.survey.data or ""
    survey = surveys.get_survey(db, int(survey_id)) if survey_id.isdigit() else None
    if survey is None or survey["venue_id"] != venue["id"]:
        return _survey_page(venue, None, form, 404, _("We could not find that survey. "
                                                      "Nothing was saved."))
    if not form.validate():
        return _survey_page(venue, survey, form, 400, _("Something was missing. Nothing was "
                                                         "saved. Please try again."))
    answers = _posted_answers()

    def not_stored(error):
        if isinstance(error, surveys.SurveyClosed):
            return _survey_page(venue, None, form, 400, _("This survey is closed. Nothing was "
                                                          "saved. Thank you anyway!"))
        if isinstance(error, surveys.NotAnOption):
            return _survey_page(venue, survey, form, 400, _("Please choose among the answers "
                                                            "shown. Nothing was saved."))
        if isinstance(error, surveys.NoAnswer):
            return _survey_page(venue, survey, form, 400, _("You did not choose any answer. "
                                                            "Nothing was saved. Choose one, or "
                                                            "tap Skip."))
        return _survey_page(venue, survey, form, 409, answered=True)

    refusals = (surveys.SurveyClosed, surveys.NotAnOption, surveys.NoAnswer,
                surveys.AlreadyAnswered)
    try:  # checked before the one-time token is spent: a refused answer writes nothing
        surveys.check_response(db, survey, today, answers, phone.key if phone else None)
    except refusals as error:
        return not_stored(error)
    try:
        # surveys.record_response checks the answers again, in the write.
        visitor_post("survey", venue, lambda: surveys.record_response(
            db, survey, today, answers, phone.key if phone else None),
            within_bounds=lambda: _may_post("survey"))
    except refusals as error:
        return not_stored(error)
    except Refused as refused:
        if refused.reason in ("too many", "used"):
            return _not_spent(venue, refused.reason, url_for("feedback.survey_page", slug=slug))
        # no token of today's page: say what is true now
        if phone and surveys.has_answered(db, survey, phone.key):
            return _survey_page(venue, survey, form, 409, answered=True)
        if not surveys.is_open(survey, today):
            return _survey_page(venue, None, form, 400, _("This survey is closed. Nothing was "
                                                          "saved. Thank you anyway!"))
        return _survey_page(venue, survey, form, 400, _("This page was from an earlier day. "
                                                        "Nothing was saved. Please tap again."))
    flash(_("Thank you for your answers!"))
    return redirect(url_for("feedback.feedback_thanks", slug=slug))


# --- the idea box ---------------------------------------------------------------------------------

def _ideas_page(venue, form, status=200, error=None):
    phone = remembered_phone(venue)
    db = get_db()
    shown = ideas.published(db, venue["id"], phone.key if phone else None)
    return render_template(
        "feedback/ideas.html", venue=venue, form=form, limit=IDEA_TEXT_MAX, error=error,
        ideas=shown, phone=phone, vote_form=VoteForm(formdata=None),
        from_meeting=meetings.from_meeting(db, [i["id"] for i in shown]),
    ), status


@blueprint.route("/<slug>/ideas", methods=["GET", "POST"])
def ideas_page(slug):
    venue = venue_or_404(slug)
    form = IdeaForm()
    if request.method == "GET":
        return _ideas_page(venue, form)
    if not form.validate():
        return _ideas_page(venue, form, 400, _("Something was missing. Nothing was saved. "
                                               "Please try again."))
    try:
        text = clean_text(form.text.data, IDEA_TEXT_MAX, one_line=True)
    except TooLong:
        return _ideas_page(venue, form, 400, _("That is more than %(limit)s characters. Nothing "
                                               "was saved. Please make it shorter.",
                                               limit=IDEA_TEXT_MAX))
    if text is None:
        return _ideas_page(venue, form, 400, _("Please write your idea first. Nothing was saved."))
    try:
        visitor_post("idea", venue, lambda: ideas.suggest(
            get_db(), venue_id=venue["id"], day=venue_now(venue).date(), text=text),
            within_bounds=lambda: _may_post("idea"))
    except Refused as refused:
        return _not_spent(venue, refused.reason, url_for("feedback.ideas_page", slug=slug))
    flash(_("Thank you for your idea! Staff read it first; then it is shown here."))
    return redirect(url_for("feedback.ideas_page", slug=slug))


@blueprint.post("/<slug>/ideas/<int:idea_id>/vote")
def vote(slug, idea_id):
    venue = venue_or_404(slug)
    db = get_db()
    idea = ideas.get_idea(db, idea_id)
    if (idea is None or idea["venue_id"] != venue["id"] or not idea["published"]
            or idea["rejected"]):
        abort(404)
    form = VoteForm()
    if not form.validate():
        return _ideas_page(venue, IdeaForm(formdata=None), 400,
                           _("Something was missing. Nothing was saved. Please try again."))
    phone = remembered_phone(venue)
    if phone is None:
        return _ideas_page(venue, IdeaForm(formdata=None), 400,
                           _("Only a phone with a saved code can vote, so that every vote "
                             "counts once. Nothing was saved."))
    back = redirect(url_for("feedback.ideas_page", slug=slug) + f"#idea-{idea_id}")
    today = venue_now(venue).date()
    if ideas.has_voted(db, idea, phone.key):  # a second tap, or an old page: say what is true
        flash(_("You have already voted for this idea. It counts once."))
        return back
    if not ideas.may_vote(db, venue["id"], phone.key, today):
        return _ideas_page(venue, IdeaForm(formdata=None), 403, _(
            "This phone cannot vote here yet. Nothing was saved. A phone votes on a day it "
            "has checked in here, once it has also checked in here on an earlier day this "
            "year."))
    try:
        counted = visitor_post("vote", venue, lambda: ideas.vote(db, idea_id, phone.key, today),
                               within_bounds=lambda: _may_post("vote"))
    except Refused as refused:
        return _not_spent(venue, refused.reason, url_for("feedback.ideas_page", slug=slug))
    if counted:
        flash(_("Thank you for your vote!"))
    else:
        flash(_("You have already voted for this idea. It counts once."))
    return back


# The staff pages and the sheet of ideas for the wall join this blueprint.
from checkin.feedback import idea_sheet_routes, meeting_routes, staff_routes  # noqa: E402,F401
