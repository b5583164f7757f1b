"""Forms for the meeting in the room: every field checked, every message plain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from checkin.accounts.api import options
from checkin.feedback import meetings
from checkin.feedback.staff_forms import STATUS_PAIRS

OTHER = "other"
HANDS_PAIRS = [("votes_for", _l("For")), ("votes_against", _l("Against")),
               ("votes_unsure", _l("Don't know"))]


class StartMeetingForm(FlaskForm):
    kind = RadioField(_l("What meeting"), choices=options(
        [(name, name) for name in meetings.NAMES] + [(OTHER, _l("Another, with this name:"))]),
        default=meetings.NAMES[0],
        validators=[AnyOf((*meetings.NAMES, OTHER), _l("Choose what meeting."))])
    other_name = StringField(_l("Name of the meeting"),
                             validators=[Length(max=meetings.NAME_MAX)])
    with_ideas = BooleanField(_l("Begin with the idea box's ideas (most votes first)"),
                              default=True)

    def chosen_name(self):
        if self.kind.data == OTHER:
            return (self.other_name.data or "").strip()
        return self.kind.data

    def validate_other_name(self, field):
        if self.kind.data == OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Write the meeting's name."))


class HandsForm(FlaskForm):
    """One count: a step of +1 or −1 (the buttons), or the three numbers typed."""
    question = HiddenField(validators=[InputRequired()])
    step = HiddenField(default="")
    votes_for = IntegerField(_l("For"), validators=[
        Optional(), NumberRange(0, meetings.HANDS_MAX, _l("Write a whole number from 0 to "
                                                          "%(max)s.", max=meetings.HANDS_MAX))])
    votes_against = IntegerField(_l("Against"), validators=[
        Optional(), NumberRange(0, meetings.HANDS_MAX, _l("Write a whole number from 0 to "
                                                          "%(max)s.", max=meetings.HANDS_MAX))])
    votes_unsure = IntegerField(_l("Don't know"), validators=[
        Optional(), NumberRange(0, meetings.HANDS_MAX, _l("Write a whole number from 0 to "
                                                          "%(max)s.", max=meetings.HANDS_MAX))])


class QuestionForm(FlaskForm):
    kind = RadioField(_l("What is it"), choices=options([
        ("proposal", _l("A proposal from the room")), ("question", _l("Our own question"))]),
        default="proposal", validators=[AnyOf(("proposal", "question"), _l("Choose one."))])
    text = StringField(_l("In a few words"), validators=[
        InputRequired(_l("Write the proposal or the question.")),
        Length(max=meetings.TEXT_MAX)])


class DecideForm(FlaskForm):
    question = HiddenField(validators=[InputRequired()])
    status = SelectField(_l("The room decided"), choices=options(
        [p for p in STATUS_PAIRS if p[0] in meetings.DECISIONS]),
        validators=[AnyOf(meetings.DECISIONS, _l("Choose what was decided."))])
    answer = StringField(_l("In short, for the ideas page and the minutes"),
                         validators=[Length(max=meetings.ANSWER_MAX)])


class AttendedForm(FlaskForm):
    attended = IntegerField(_l("How many came"), validators=[
        InputRequired(_l("Write how many came, as a number.")),
        NumberRange(0, meetings.ATTENDED_MAX, _l("Write a whole number from 0 to %(max)s.",
                                                  max=meetings.ATTENDED_MAX))])


class CloseForm(FlaskForm):
    next_steps = TextAreaField(_l("What happens next (for the minutes)"),
                               validators=[Length(max=meetings.NEXT_STEPS_MAX)])
