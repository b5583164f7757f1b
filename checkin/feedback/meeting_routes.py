"""Staff pages for the meeting in the room: start it, show one question at a time with the
hands counted, decide, count who came, close it, and print the minutes."""

import datetime as dt

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from checkin.accounts.api import current_user, require_role
from checkin.db import get_db
from checkin.feedback import meetings
from checkin.feedback.meeting_forms import (
    HANDS_PAIRS,
    AttendedForm,
    CloseForm,
    DecideForm,
    HandsForm,
    QuestionForm,
    StartMeetingForm,
)
from checkin.feedback.routes import blueprint
from checkin.feedback.staff_forms import STATUS_PAIRS
from checkin.web.pages import venue_now

BAD_INPUT = 400
CONFLICT = 409


def _refusal(reason):
    return {
        "name": _("Write the meeting's name (at most %(max)s characters).",
                  max=meetings.NAME_MAX),
        "text": _("Write the proposal or the question in a few words."),
        "answer": _("The answer is too long: at most %(max)s characters.",
                    max=meetings.ANSWER_MAX),
        "why": _("Say why it is not happening, in the answer."),
        "status": _("Choose what was decided."),
        "closed": _("The meeting is closed: its minutes stay as they are."),
        "number": _("Write a whole number from 0 to %(max)s.", max=meetings.HANDS_MAX),
        "full": _("A meeting has at most %(max)s questions.", max=meetings.QUESTIONS_MAX),
        "unknown": _("That question is not in this meeting."),
    }.get(reason, _("Nothing was changed."))


def _meeting_or_404(meeting_id):
    found = meetings.meeting(get_db(), g.venue["id"], meeting_id)
    if found is None:
        abort(404)
    return found


def _title(meeting):
    return _("%(name)s, %(day)s", name=meeting["name"],
             day=format_date(_date(meeting), "EEEE d MMMM y"))


def _date(meeting):
    return dt.date.fromisoformat(meeting["date"])


@blueprint.route("/staff/<slug>/meetings", methods=["GET", "POST"])
@require_role("staff")
def meeting_list(slug):
    venue = g.venue
    form = StartMeetingForm()
    if request.method == "POST":
        if form.validate():
            now = venue_now(venue)
            try:
                meeting_id = meetings.start(get_db(), venue["id"], form.chosen_name(),
                                            day=now.date(), hour=now.hour,
                                            user=current_user(),
                                            with_ideas=bool(form.with_ideas.data))
            except meetings.MeetingRefused as refused:
                form.other_name.errors = [_refusal(refused.reason)]
            else:
                return redirect(url_for("feedback.meeting_room", slug=slug,
                                        meeting_id=meeting_id))
        status = BAD_INPUT
    else:
        status = 200
    found = meetings.meetings(get_db(), venue["id"])
    for meeting in found:
        meeting["title"] = _title(meeting)
    return render_template("feedback/staff/meetings.html", venue=venue, form=form,
                           meetings=found), status


def _room(venue, meeting, status=200, **forms):
    question = meeting["question"]
    decide = forms.get("decide") or DecideForm(formdata=None, data={
        "question": question["id"] if question else "",
        "status": (question or {}).get("status") or "considering",
        "answer": (question or {}).get("answer") or ""})
    return render_template(
        "feedback/staff/meeting_room.html", venue=venue, meeting=meeting, question=question,
        title=_title(meeting), hands=HANDS_PAIRS, decide=decide,
        add=forms.get("add") or QuestionForm(formdata=None),
        attended=forms.get("attended") or AttendedForm(formdata=None,
                                                       data={"attended": meeting["attended"]}),
        hands_form=forms.get("hands"), error=forms.get("error"),
        status_names={v: str(label) for v, label in STATUS_PAIRS}), status


@blueprint.get("/staff/<slug>/meetings/<int:meeting_id>")
@require_role("staff")
def meeting_room(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if meeting["closed"]:
        return redirect(url_for("feedback.meeting_minutes", slug=slug, meeting_id=meeting_id))
    return _room(g.venue, meeting)


def _back(meeting_id):
    return redirect(url_for("feedback.meeting_room", slug=g.venue["slug"],
                            meeting_id=meeting_id))


def _change(meeting, form_name, form, field, operation, done):
    """The room's forms in one way: a refused form or operation shows the room again with
    the reason beside `field` (400, nothing changed); else `done` is said and back to the room.
    """
    if not form.validate():
        return _room(g.venue, meeting, BAD_INPUT, **{form_name: form})
    try:
        operation()
    except meetings.MeetingRefused as refused:
        field.errors = [_refusal(refused.reason)]
        return _room(g.venue, meeting, BAD_INPUT, **{form_name: form})
    flash(done)
    return _back(meeting["id"])


def _question_id(meeting, raw):
    ids = {q["id"] for q in meeting["questions"]}
    return int(raw) if (raw or "").isdigit() and int(raw) in ids else None


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/hands")
@require_role("staff")
def meeting_hands(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = HandsForm()
    question_id = _question_id(meeting, form.question.data)
    if not form.validate() or question_id is None:
        return _room(g.venue, meeting, BAD_INPUT, hands=form,
                     error=_("Nothing was counted: write whole numbers from 0 to %(max)s.",
                             max=meetings.HANDS_MAX))
    try:
        step = form.step.data or ""
        if step:
            field, _sep, amount = step.partition(":")
            meetings.step_hands(get_db(), g.venue["id"], meeting_id, question_id, field,
                                1 if amount == "1" else -1 if amount == "-1" else 0)
        else:
            for field, _label in HANDS_PAIRS:
                value = form[field].data
                if value is not None:
                    meetings.set_hands(get_db(), g.venue["id"], meeting_id, question_id,
                                       field, value)
    except meetings.MeetingRefused as refused:
        return _room(g.venue, _meeting_or_404(meeting_id),
                     CONFLICT if refused.reason == "closed" else BAD_INPUT,
                     error=_refusal(refused.reason))
    return _back(meeting_id)


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/undo")
@require_role("staff")
def meeting_undo(slug, meeting_id):
    _meeting_or_404(meeting_id)
    try:
        undone = meetings.undo(get_db(), g.venue["id"], meeting_id)
    except meetings.MeetingRefused as refused:
        return _room(g.venue, _meeting_or_404(meeting_id), CONFLICT,
                     error=_refusal(refused.reason))
    flash(_("The last count was taken back.") if undone else _("There is nothing to undo."))
    return _back(meeting_id)


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/go")
@require_role("staff")
def meeting_go(slug, meeting_id):
    _meeting_or_404(meeting_id)
    raw = request.form.get("position", "")
    try:
        meetings.go_to(get_db(), g.venue["id"], meeting_id,
                       int(raw) if raw.isdigit() else -1)
    except meetings.MeetingRefused as refused:
        return _room(g.venue, _meeting_or_404(meeting_id), BAD_INPUT,
                     error=_refusal(refused.reason))
    return _back(meeting_id)


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/questions")
@require_role("staff")
def meeting_add(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = QuestionForm()
    return _change(meeting, "add", form, form.text, lambda: meetings.add_question(
        get_db(), g.venue["id"], meeting_id, form.kind.data, form.text.data),
        _("Added: it comes next."))


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/decide")
@require_role("staff")
def meeting_decide(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = DecideForm()
    question_id = _question_id(meeting, form.question.data)
    if question_id is None:
        return _room(g.venue, meeting, BAD_INPUT, decide=form)
    return _change(meeting, "decide", form, form.answer, lambda: meetings.decide(
        get_db(), g.venue["id"], meeting_id, question_id, form.status.data, form.answer.data,
        day=venue_now(g.venue).date(), user=current_user()),
        _("Decided. The ideas page shows it at once."))


@blueprint.post("/staff/<slug>/meetings/<int:meeting_id>/attended")
@require_role("staff")
def meeting_attended(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = AttendedForm()
    return _change(meeting, "attended", form, form.attended, lambda: meetings.set_attended(
        get_db(), g.venue["id"], meeting_id, form.attended.data, user=current_user()),
        _("Saved: %(num)s came. They are counted once, as visits to %(name)s.",
          num=form.attended.data, name=meeting["name"]))


@blueprint.route("/staff/<slug>/meetings/<int:meeting_id>/close", methods=["GET", "POST"])
@require_role("staff")
def meeting_close(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = CloseForm()
    if request.method == "POST" and form.validate():
        try:
            meetings.close(get_db(), g.venue["id"], meeting_id, form.next_steps.data,
                           user=current_user())
        except meetings.MeetingRefused as refused:
            form.next_steps.errors = [_refusal(refused.reason)]
        else:
            flash(_("The meeting is closed. Here are its minutes."))
            return redirect(url_for("feedback.meeting_minutes", slug=slug,
                                    meeting_id=meeting_id))
    undecided = [q for q in meeting["questions"] if not q["status"]]
    return render_template("feedback/staff/meeting_close.html", venue=g.venue, form=form,
                           meeting=meeting, title=_title(meeting), undecided=undecided
                           ), BAD_INPUT if request.method == "POST" else 200


@blueprint.get("/staff/<slug>/meetings/<int:meeting_id>/minutes")
@require_role("staff")
def meeting_minutes(slug, meeting_id):
    meeting = _meeting_or_404(meeting_id)
    return render_template("feedback/staff/meeting_minutes.html", venue=g.venue,
                           meeting=meeting, title=_title(meeting),
                           status_names={v: str(label) for v, label in STATUS_PAIRS})
