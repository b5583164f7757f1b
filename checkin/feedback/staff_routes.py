"""Staff pages for feedback: parse the form, call the domain, write the audit line, render.

Audit lines name the row (#id) and the action, never what a visitor wrote.
"""

import datetime as dt
from types import SimpleNamespace

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from checkin import retention_period
from checkin.accounts.api import ConfirmForm, current_user, require_role
from checkin.db import get_db
from checkin.feedback import ideas, retention, smileys, surveys
from checkin.feedback.routes import blueprint
from checkin.feedback.staff_forms import (
    STATUS_PAIRS,
    IdeaForm,
    NewSurveyForm,
    QuestionForm,
    RatingsForm,
    RetentionForm,
    SearchForm,
    SurveyDetailsForm,
)
from checkin.publishing.api import exports, share_bars
from checkin.web.pages import confirm_page, venue_now
from checkin.week.api import operations

BAD_INPUT = 400
CONFLICT = 409
RESULT_GROUPS = ("week", "month")


# --- ratings over time ----------------------------------------------------------------------

ANSWER_FILLS = ("#1d5c8a", "#f2d16b", "#b03a2e", "#8cc084", "#5b3a8a", "#f0a04b")
FACE_LEVELS = (5, 4, 3, 2, 1)
# Green to red as HappyOrNot's terminals; every face is named too, never colour alone.
FACE_FILLS = ("#0b5d3b", "#8cc084", "#f2d16b", "#f0a04b", "#b03a2e")
HAPPY = (5, 4)


def _face_names():
    return [_("Great"), _("Good"), _("OK"), _("Not so good"), _("Bad")]


def _period_name(period, group):
    """'2026-03' → 'mars 2026'; weeks and days as they are."""
    if group == "month":
        return format_date(dt.date.fromisoformat(period + "-01"), "LLLL y")
    return period


def _happy_share(levels):
    total = sum(levels.values())
    return round(100 * sum(levels[n] for n in HAPPY) / total) if total else None


def _trend(rows, group):
    """The share of happy faces in the last period with ratings beside the mean of those
    before, or None with fewer than two such periods."""
    rated = [r for r in rows if r["count"]]
    if len(rated) < 2:
        return None
    last, before = rated[-1], rated[:-1]
    earlier = {n: sum(r["levels"][n] for r in before) for n in FACE_LEVELS}
    return {"period": _period_name(last["period"], group), "share": _happy_share(last["levels"]),
            "before": _happy_share(earlier), "periods_before": len(before)}


@blueprint.get("/staff/<slug>/feedback/")
@require_role("staff")
def ratings(slug):
    venue = g.venue
    today = venue_now(venue).date()
    args = request.args or MultiDict({
        "first": (today.replace(day=1) - dt.timedelta(days=330)).replace(day=1).isoformat(),
        "last": today.isoformat(), "group": "month"})
    form = RatingsForm(formdata=args)
    if not form.validate():
        return render_template("feedback/staff/ratings.html", venue=venue, form=form,
                               rows=[], charts=None), BAD_INPUT
    first, last, group = form.first.data, form.last.data, form.group.data
    per_period = smileys.ratings(get_db(), venue["id"], first, last, group)
    per_activity = smileys.ratings(get_db(), venue["id"], first, last, group, True)
    rows = per_activity if form.by_activity.data else per_period
    for row in rows:
        row["name"] = _period_name(row["period"], group)
        row["shares"] = {n: round(100 * row["levels"][n] / row["count"]) if row["count"]
                         else None for n in FACE_LEVELS}
    totals = {}
    for row in per_activity:
        total = totals.setdefault(row["activity"], dict.fromkeys(FACE_LEVELS, 0))
        for n in FACE_LEVELS:
            total[n] += row["levels"][n]
    names = _face_names()
    charts = None
    if any(r["count"] for r in per_period):
        charts = {
            "periods": share_bars(
                [(_period_name(r["period"], group), [r["levels"][n] for n in FACE_LEVELS])
                 for r in per_period], names, FACE_FILLS, _("Faces per period"),
                desc=_("The share of each face in each period, from Great to Bad. The table "
                       "below has the numbers.")),
            "activities": share_bars(
                [(name or _("No activity chosen"), [levels[n] for n in FACE_LEVELS])
                 for name, levels in sorted(totals.items(),
                                            key=lambda t: (t[0] is None, t[0] or ""))],
                names, FACE_FILLS, _("Faces per activity, the whole period"),
                desc=_("The share of each face for each activity over the chosen period.")),
        }
    return render_template("feedback/staff/ratings.html", venue=venue, form=form, rows=rows,
                           charts=charts, trend=_trend(per_period, group),
                           faces=list(zip(FACE_LEVELS, names, strict=True)))


# --- free texts -----------------------------------------------------------------------------

def _texts_page(venue, form, status=200):
    search = (form.q.data or "").strip() if not form.errors else None
    hidden_view = request.args.get("hidden") == "1"
    rows = smileys.free_texts(get_db(), venue["id"], search=search or None,
                               hidden=hidden_view)
    return render_template("feedback/staff/texts.html", venue=venue, form=form, rows=rows,
                           hidden_view=hidden_view,
                           hidden_count=smileys.hidden_text_count(get_db(), venue["id"]),
                           confirm=ConfirmForm()), status


@blueprint.get("/staff/<slug>/feedback/texts")
@require_role("staff")
def texts(slug):
    form = SearchForm(formdata=request.args)
    if not form.validate():
        return _texts_page(g.venue, form, BAD_INPUT)
    return _texts_page(g.venue, form)


def _own_feedback(venue, feedback_id):
    row = get_db().execute("SELECT * FROM feedback WHERE id = ?", [feedback_id]).fetchone()
    if row is None or row["venue_id"] != venue["id"] or row["text"] is None:
        abort(404)
    return dict(row)


def _texts_url(slug, **kw):
    return url_for("feedback.texts", slug=slug, q=request.args.get("q") or None,
                   hidden=request.args.get("hidden") or None, **kw)


@blueprint.get("/staff/<slug>/feedback/texts/<int:feedback_id>/delete")
@require_role("staff")
def confirm_text_delete(slug, feedback_id):
    found = _own_feedback(g.venue, feedback_id)
    return confirm_page(
        title=_("Delete this text?"), quote=found["text"],
        lines=[_("The text is gone for good: nobody can read it again, not even an admin."),
               _("The rating (%(n)s of 5) stays in the figures.", n=found["rating"]),
               _("To keep it from others but keep it yourself, hide it instead.")],
        action=url_for("feedback.text_action", slug=slug, feedback_id=feedback_id,
                       action="delete", q=request.args.get("q") or None,
                       hidden=request.args.get("hidden") or None),
        button=_("Delete the text"), back=_texts_url(slug) + f"#text-{feedback_id}")


@blueprint.post("/staff/<slug>/feedback/texts/<int:feedback_id>/<action>")
@require_role("staff")
def text_action(slug, feedback_id, action):
    venue = g.venue
    if action not in ("hide", "show", "delete"):
        abort(404)
    _own_feedback(venue, feedback_id)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    if action == "delete":
        smileys.delete_text(get_db(), feedback_id, user=current_user())
        flash(_("The text is deleted. The rating stays in the figures."))
    else:
        smileys.set_hidden(get_db(), feedback_id, action == "hide", user=current_user())
        flash(_("The text is hidden: it is no longer in the list. \"Show hidden texts\" "
                "finds it.") if action == "hide" else _("The text is shown in the list again."))
    return redirect(_texts_url(slug))


# --- surveys --------------------------------------------------------------------------------

def _own_survey(venue, survey_id):
    survey = surveys.get_survey(get_db(), survey_id)
    if survey is None or survey["venue_id"] != venue["id"]:
        abort(404)
    survey["responses"] = surveys.response_count(get_db(), survey_id)
    return survey


@blueprint.route("/staff/<slug>/surveys", methods=["GET", "POST"])
@require_role("staff")
def survey_list(slug):
    venue = g.venue
    form = NewSurveyForm()
    today = venue_now(venue).date()
    rows = surveys.surveys(get_db(), venue["id"])
    for row in rows:
        row["responses"] = surveys.response_count(get_db(), row["id"])
    page = {"venue": venue, "form": form, "surveys": rows, "today": today.isoformat()}
    if request.method == "GET":
        form.opens.data = today
        form.closes.data = today + dt.timedelta(days=30)
        return render_template("feedback/staff/surveys.html", **page)
    if not form.validate():
        return render_template("feedback/staff/surveys.html", **page), BAD_INPUT
    try:
        survey_id = surveys.create_survey(
            get_db(), venue_id=venue["id"], title_sv=form.title_sv.data,
            title_en=form.title_en.data or "", opens=form.opens.data, closes=form.closes.data,
            questions=[form.question()], user=current_user())
    except surveys.SurveysOverlap as overlap:
        page["error"] = _overlap_message(overlap.other)
        return render_template("feedback/staff/surveys.html", **page), CONFLICT
    except surveys.SurveyError:
        page["error"] = _("Nothing was saved. Please check the survey and its question.")
        return render_template("feedback/staff/surveys.html", **page), BAD_INPUT
    flash(_("The survey is saved. Add more questions below."))
    return redirect(url_for("feedback.survey", slug=slug, survey_id=survey_id))


def _overlap_message(other):
    return _("Nothing was saved. The survey “%(title)s” is open %(opens)s to %(closes)s, and "
             "visitors see only one survey at a time: the other would stop getting answers. "
             "Choose days after %(closes)s, or close “%(title)s” first.",
             title=other["title_sv"], opens=other["opens"], closes=other["closes"])


def _survey_page(venue, survey, details=None, question=None, status=200, error=None):
    if details is None:
        details = SurveyDetailsForm(data={
            **survey, "opens": dt.date.fromisoformat(survey["opens"]),
            "closes": dt.date.fromisoformat(survey["closes"])})
    return render_template(
        "feedback/staff/survey.html", venue=venue, survey=survey, details=details,
        question=question or QuestionForm(), confirm=ConfirmForm(), error=error,
        is_open=surveys.is_open(survey, venue_now(venue).date()),
    ), status


@blueprint.route("/staff/<slug>/surveys/<int:survey_id>", methods=["GET", "POST"])
@require_role("staff")
def survey(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    if request.method == "GET":
        return _survey_page(venue, found)
    details = SurveyDetailsForm()
    if not details.validate():
        return _survey_page(venue, found, details=details, status=BAD_INPUT)
    try:
        surveys.set_details(get_db(), survey_id, title_sv=details.title_sv.data,
                            title_en=details.title_en.data or "", opens=details.opens.data,
                            closes=details.closes.data, user=current_user())
    except surveys.SurveysOverlap as overlap:
        return _survey_page(venue, found, details=details, status=CONFLICT,
                            error=_overlap_message(overlap.other))
    flash(_("Saved. Visitors see it at once."))
    return redirect(url_for("feedback.survey", slug=slug, survey_id=survey_id))


@blueprint.route("/staff/<slug>/surveys/<int:survey_id>/close", methods=["GET", "POST"])
@require_role("staff")
def close_survey(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    yesterday = venue_now(venue).date() - dt.timedelta(days=1)
    if found["closes"] <= yesterday.isoformat():
        return _survey_page(venue, found, status=BAD_INPUT, error=_("It is closed already."))
    if found["opens"] > yesterday.isoformat():
        return _survey_page(venue, found, status=BAD_INPUT, error=_(
            "It has not opened yet. Change its dates, or delete it."))
    if request.method == "GET":
        return confirm_page(
            title=_("Close the survey %(title)s now?", title=found["title_sv"]),
            lines=[_("Visitors no longer see it from today: yesterday was its last day."),
                   _("The answers it got stay, and so do its results."),
                   _("To open it again, change its last day on the survey's page.")],
            action=url_for("feedback.close_survey", slug=slug, survey_id=survey_id),
            button=_("Close the survey"),
            back=url_for("feedback.survey", slug=slug, survey_id=survey_id))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    surveys.close_survey(get_db(), survey_id, last_day=yesterday, user=current_user())
    flash(_("The survey is closed. Visitors no longer see it."))
    return redirect(url_for("feedback.survey", slug=slug, survey_id=survey_id))


@blueprint.post("/staff/<slug>/surveys/<int:survey_id>/questions")
@require_role("staff")
def add_question(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    form = QuestionForm()
    if not form.validate():
        return _survey_page(venue, found, question=form, status=BAD_INPUT)
    if found["responses"]:
        return _survey_page(venue, found, question=form, status=BAD_INPUT, error=_(
            "People have answered already, so the questions cannot change. Make a new survey."))
    try:
        surveys.add_question(get_db(), survey_id, form.question(), user=current_user())
    except surveys.SurveyError:
        return _survey_page(venue, found, question=form, status=BAD_INPUT, error=_(
            "People have answered already, so the questions cannot change. Make a new survey."))
    flash(_("The question is added."))
    return redirect(url_for("feedback.survey", slug=slug, survey_id=survey_id))


@blueprint.route("/staff/<slug>/surveys/<int:survey_id>/questions/<int:question_id>/delete",
                 methods=["GET", "POST"])
@require_role("staff")
def delete_question(slug, survey_id, question_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    question = next((q for q in found["questions"] if q["id"] == question_id), None)
    if question is None:
        abort(404)
    if request.method == "GET":
        return confirm_page(
            title=_("Remove this question?"), quote=question["text_sv"],
            lines=[_("It goes from the survey at once."),
                   _("Nobody has answered yet, so no answer is lost.")],
            action=url_for("feedback.delete_question", slug=slug, survey_id=survey_id,
                           question_id=question_id),
            button=_("Remove the question"),
            back=url_for("feedback.survey", slug=slug, survey_id=survey_id))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    try:
        surveys.delete_question(get_db(), survey_id, question_id, user=current_user())
    except surveys.SurveyError:
        return _survey_page(venue, found, status=BAD_INPUT, error=_(
            "This question cannot be removed: people have answered, or it is the only one."))
    flash(_("The question is removed."))
    return redirect(url_for("feedback.survey", slug=slug, survey_id=survey_id))


@blueprint.route("/staff/<slug>/surveys/<int:survey_id>/delete", methods=["GET", "POST"])
@require_role("staff")
def delete_survey(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    if request.method == "GET":
        return confirm_page(
            title=_("Delete the survey %(title)s?", title=found["title_sv"]),
            lines=[_("The survey and its questions are gone for good."),
                   _("Nobody has answered yet, so no answer is lost.")],
            action=url_for("feedback.delete_survey", slug=slug, survey_id=survey_id),
            button=_("Delete the survey"),
            back=url_for("feedback.survey", slug=slug, survey_id=survey_id))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    if found["responses"]:
        return _survey_page(venue, found, status=BAD_INPUT, error=_(
            "People have answered this survey, so it stays. You can close it."))
    surveys.delete_survey(get_db(), survey_id, user=current_user())
    flash(_("The survey is deleted."))
    return redirect(url_for("feedback.survey_list", slug=slug))


def _result_group():
    group = request.args.get("group") or None
    if group is not None and group not in RESULT_GROUPS:
        abort(BAD_INPUT)
    return group


def _results(venue, survey, group):
    """(results, published): exact with small counts hidden at MIN_CELL, as in the exports,
    or with ?version=published the figures viewers and the city get (a closed survey,
    whole). None for a published version not to be had yet."""
    if request.args.get("version") == "published":
        if group is not None or not surveys.may_publish(survey, venue_now(venue).date()):
            return None, True
        return surveys.results(get_db(), survey["id"], published=True), True
    result = surveys.results(get_db(), survey["id"], group)
    return surveys.hide_small_answers(result, current_app.config["MIN_CELL"]), False


@blueprint.get("/staff/<slug>/surveys/<int:survey_id>/results")
@require_role("staff")
def survey_results(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    group = _result_group()
    result, published = _results(venue, found, group)
    periods = result or []
    charts = []
    for index, question in enumerate(found["questions"]):
        rows = [(p["period"] if group else _("All answers"),
                 [o["count"] for o in p["questions"][index]["options"]]) for p in periods]
        if not rows or any(not isinstance(n, int) for _label, counts in rows for n in counts):
            continue  # a hidden or changed count: the table says it, a share bar would not
        charts.append({"question": question, "chart": share_bars(
            rows, [o["sv"] for o in question["options"]],
            [ANSWER_FILLS[k % len(ANSWER_FILLS)] for k in range(len(question["options"]))],
            question["text_sv"], desc=_("The share of each answer. The tables below have the "
                                        "numbers."))})
    return render_template(
        "feedback/staff/results.html", venue=venue, survey=found, group=group,
        periods=periods, charts=charts, published=published, not_yet=result is None,
        may_publish=surveys.may_publish(found, venue_now(venue).date()),
        min_cell=current_app.config["MIN_CELL"]), 400 if result is None else 200


@blueprint.get("/staff/<slug>/surveys/<int:survey_id>/results.csv")
@require_role("staff")
def survey_results_csv(slug, survey_id):
    venue = g.venue
    found = _own_survey(venue, survey_id)
    group = _result_group()
    result, published = _results(venue, found, group)
    if result is None:
        abort(BAD_INPUT)
    columns, rows = surveys.results_table(result)
    body = exports.write(SimpleNamespace(columns=columns, rows=rows), "csv")
    name = f"survey-{survey_id}-{group or 'all'}{'-published' if published else ''}.csv"
    return body, 200, {"Content-Type": exports.MEDIA_TYPES["csv"],
                       "Content-Disposition": f'attachment; filename="{name}"'}


# --- ideas ----------------------------------------------------------------------------------

@blueprint.get("/staff/<slug>/ideas")
@require_role("staff")
def idea_list(slug):
    return _ideas_page(g.venue)


def _activity_pairs(venue):
    """Every activity of the venue, also those no longer held: an idea may have led to one."""
    return [(a["id"], a["name_sv"]) for a in operations.activities(get_db(), venue["id"])]


def _ideas_page(venue, failed=None, status=200):
    """Waiting ideas first (oldest first), then the rest (newest first); `failed` keeps the
    form that was refused, with its messages, in its idea's place."""
    everything = ideas.all_ideas(get_db(), venue["id"])
    waiting = [i for i in everything if not i["published"] and not i["rejected"]]
    waiting.sort(key=lambda i: (i["created_date"], i["id"]))
    others = [i for i in everything if i["published"] or i["rejected"]]
    activities = _activity_pairs(venue)
    for idea in everything:
        if failed and failed[0] == idea["id"]:
            idea["form"] = failed[1]
        else:
            idea["form"] = IdeaForm(data={**idea, "activity": str(idea["activity_id"] or "")},
                                    formdata=None).with_activities(activities)
    return render_template("feedback/staff/ideas.html", venue=venue, waiting=waiting,
                           others=others, status_names={v: str(label) for v, label in
                                                        STATUS_PAIRS},
                           vote_days=ideas.votes_by_day(get_db(), venue["id"])), status


@blueprint.post("/staff/<slug>/ideas/votes")
@require_role("staff")
def vote_day(slug):
    """Set a day's votes aside (a burst no real visitors cast), or bring them back."""
    venue = g.venue
    form = ConfirmForm()
    action = request.form.get("action")
    try:
        day = dt.date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        day = None
    if not form.validate() or day is None or action not in ("aside", "back"):
        abort(400)
    changed = ideas.set_day_aside(get_db(), venue_id=venue["id"], day=day, user=current_user(),
                                  bring_back=action == "back")
    if action == "aside":
        flash(_("%(n)s votes of %(day)s are set aside: they count nowhere now.", n=changed,
                day=day.isoformat()))
    else:
        flash(_("%(n)s votes of %(day)s count again.", n=changed, day=day.isoformat()))
    return redirect(url_for("feedback.idea_list", slug=slug) + "#votes-by-day")


@blueprint.post("/staff/<slug>/ideas/<int:idea_id>")
@require_role("staff")
def moderate_idea(slug, idea_id):
    venue = g.venue
    idea = ideas.get_idea(get_db(), idea_id)
    if idea is None or idea["venue_id"] != venue["id"]:
        abort(404)
    form = IdeaForm().with_activities(_activity_pairs(venue))
    if not form.validate():
        return _ideas_page(venue, (idea_id, form), BAD_INPUT)
    action = form.action.data
    try:
        ideas.moderate(get_db(), idea_id, status=form.status.data,
                       answer_sv=form.answer_sv.data or "", answer_en=form.answer_en.data or "",
                       publish=True if action == "publish" else None,
                       reject=action == "reject",
                       change_sv=form.change_sv.data or "", change_en=form.change_en.data or "",
                       activity_id=int(form.activity.data) if form.activity.data else None,
                       day=venue_now(venue).date(), user=current_user())
    except ideas.IdeaError:
        form.answer_sv.errors.append(_("Say why it is not possible, in Swedish."))
        return _ideas_page(venue, (idea_id, form), BAD_INPUT)
    flash({"publish": _("The idea is shown in the idea box now."),
           "reject": _("The idea is rejected. Visitors do not see it."),
           "save": _("Saved. Visitors see it at once.")}[action])
    return redirect(url_for("feedback.idea_list", slug=slug) + f"#idea-{idea_id}")


# --- retention (admin) ----------------------------------------------------------------------

@blueprint.route("/staff/retention", methods=["GET", "POST"])
@require_role("admin")
def retention_setting():
    default = current_app.config["RETENTION_MONTHS"]
    form = RetentionForm()
    page = {"form": form, "last_purge": retention.last_purge(get_db())}
    if request.method == "GET":
        form.months.data = retention_period.months(get_db(), default)
        return render_template("feedback/staff/retention.html", **page)
    if not form.validate():
        return render_template("feedback/staff/retention.html", **page), BAD_INPUT
    retention.set_months(get_db(), form.months.data, user=current_user())
    flash(_("Saved. Texts and ideas not shown are deleted after %(n)s months.",
            n=form.months.data))
    return redirect(url_for("feedback.retention_setting"))
