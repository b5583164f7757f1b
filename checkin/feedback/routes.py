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

from checkin.db import get_db
from checkin.feedback import ideas, retention, surveys
from checkin.feedback import smileys as feedback
from checkin.feedback.forms import IdeaForm, RatingForm, SurveyForm, TextForm, VoteForm
from checkin.feedback.visitor_text import FEEDBACK_TEXT_MAX, IDEA_TEXT_MAX, TooLong, clean_text
from checkin.visits import steps
from checkin.web.pages import full_today, remembered_phone, spend_once, venue_now, venue_or_404
from checkin.web.posting_budget import PostingBudget, may_post
from checkin.week import schedule

blueprint = Blueprint("feedback", __name__)


def _budget():
    """The process's posting budget, made on first use from the app's settings."""
    budget = current_app.extensions.get("posting_budget")
    if budget is None:
        budget = PostingBudget(current_app.config.get("POSTS_PER_MINUTE_SESSION", 10),
                               current_app.config.get("POSTS_PER_MINUTE_VENUE", 120))
        current_app.extensions["posting_budget"] = budget
    return budget


def _may_post(venue):
    return may_post(_budget(), session, venue["id"])


def _too_busy(venue):
    return render_template(
        "error.html", venue=venue, title=_("Many people are writing right now"),
        message=_("Nothing was saved. Please wait a minute and try again."),
    ), 429


def _full(venue):
    return render_template(
        "error.html", venue=venue, title=_("No more answers today"),
        message=_("So many answers came today that we take no more until tomorrow. "
                  "Nothing was saved."),
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
    """The page a post gets when its one-time token is refused: a replay is told its answer is
    already saved; a page from another day (or a token that is not ours) that it has expired."""
    if refused == "used":
        return _already_saved(venue, page)
    return render_template(
        "error.html", venue=venue, back=page, title=_("This page has expired"),
        message=_("Nothing was saved. Load the page again and tap the button again."),
        back_label=_("Load the page again"),
    ), 400


SAID = "said"  # the session's key for the reference to the face a text may be added to
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
    refused = spend_once("rating", venue)
    if refused:
        return _not_spent(venue, refused, url_for("week.week", slug=slug))
    if not _may_post(venue):
        return _too_busy(venue)
    if full_today(venue, feedback.ratings_on):
        return _full(venue)
    feedback_id = feedback.record_rating(
        db, venue_id=venue["id"], day=now.date(), rating=int(form.rating.data),
        activity_id=activity_id,
    )
    now_hour = steps.hour_number(now)
    session[SAID] = steps.start(db, kind="feedback", row_id=feedback_id, venue_id=venue["id"],
                                now_hour=now_hour, until_hour=now_hour + TEXT_HOURS,
                                replaces=session.get(SAID))
    return redirect(url_for("feedback.feedback_text", slug=slug))


def _my_rating(venue):
    """The id of the face this browser may still add a text to, else None."""
    found = steps.find(get_db(), session.get(SAID), kind="feedback", venue_id=venue["id"],
                       now_hour=steps.hour_number(venue_now(venue)))
    return found["row_id"] if found else None


def _rating_done():
    steps.finish(get_db(), session.pop(SAID, None))


@blueprint.route("/<slug>/feedback/text", methods=["GET", "POST"])
def feedback_text(slug):
    venue = venue_or_404(slug)
    feedback_id = _my_rating(venue)
    if feedback_id is None:
        return redirect(url_for("feedback.feedback_thanks", slug=slug))
    form = TextForm()

    def page(status=200, error=None):
        months = retention.months(get_db(), current_app.config.get("RETENTION_MONTHS", 12))
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
        if not _may_post(venue):
            return _too_busy(venue)
        feedback.add_text(get_db(), feedback_id, text)
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
    refused = spend_once("survey", venue)
    if refused == "used":
        return _already_saved(venue, url_for("feedback.survey_page", slug=slug))
    if refused:  # no token of today's page: say what is true now
        if phone and surveys.has_answered(db, survey, phone.key):
            return _survey_page(venue, survey, form, 409, answered=True)
        if not surveys.is_open(survey, today):
            return _survey_page(venue, None, form, 400, _("This survey is closed. Nothing was "
                                                          "saved. Thank you anyway!"))
        return _survey_page(venue, survey, form, 400, _("This page was from an earlier day. "
                                                        "Nothing was saved. Please tap again."))
    if not _may_post(venue):
        return _too_busy(venue)
    if full_today(venue, surveys.responses_on):
        return _full(venue)
    try:
        # surveys.record_response is the one place that checks the answers.
        surveys.record_response(db, survey, today, answers, phone[0] if phone else None)
    except surveys.SurveyClosed:
        return _survey_page(venue, None, form, 400, _("This survey is closed. Nothing was "
                                                      "saved. Thank you anyway!"))
    except surveys.NotAnOption:
        return _survey_page(venue, survey, form, 400, _("Please choose among the answers shown. "
                                                        "Nothing was saved."))
    except surveys.NoAnswer:
        return _survey_page(venue, survey, form, 400, _("You did not choose any answer. Nothing "
                                                        "was saved. Choose one, or tap Skip."))
    except surveys.AlreadyAnswered:
        return _survey_page(venue, survey, form, 409, answered=True)
    flash(_("Thank you for your answers!"))
    return redirect(url_for("feedback.feedback_thanks", slug=slug))


# --- the idea box ---------------------------------------------------------------------------------

def _ideas_page(venue, form, status=200, error=None):
    phone = remembered_phone(venue)
    return render_template(
        "feedback/ideas.html", venue=venue, form=form, limit=IDEA_TEXT_MAX, error=error,
        ideas=ideas.published(get_db(), venue["id"], phone[0] if phone else None),
        phone=phone, vote_form=VoteForm(formdata=None),
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
    refused = spend_once("idea", venue)
    if refused:
        return _not_spent(venue, refused, url_for("feedback.ideas_page", slug=slug))
    if not _may_post(venue):
        return _too_busy(venue)
    if full_today(venue, ideas.suggested_on):
        return _full(venue)
    ideas.suggest(get_db(), venue_id=venue["id"], day=venue_now(venue).date(), text=text)
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
    if ideas.has_voted(db, idea, phone[0]):  # a second tap, or an old page: say what is true
        flash(_("You have already voted for this idea. It counts once."))
        return back
    refused = spend_once("vote", venue)
    if refused:
        return _not_spent(venue, refused, url_for("feedback.ideas_page", slug=slug))
    if not _may_post(venue):
        return _too_busy(venue)
    if ideas.vote(db, idea_id, phone[0]):
        flash(_("Thank you for your vote!"))
    else:
        flash(_("You have already voted for this idea. It counts once."))
    return back


# The staff pages and the sheet of ideas for the wall join this blueprint.
from checkin.feedback import idea_sheet_routes, meeting_routes, staff_routes  # noqa: E402,F401
