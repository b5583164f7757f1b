"""Forms for the staff's feedback pages: every field checked, every message plain."""

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
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from checkin.accounts.api import DATE_MESSAGE, REQUIRED, PlainDateField, options
from checkin.feedback import ideas, surveys
from checkin.retention_period import MONTHS_MAX, MONTHS_MIN

GROUP_PAIRS = [("day", _l("Day")), ("week", _l("Week")), ("month", _l("Month"))]
# The same words as the idea box and the sheet on the wall (feedback/_idea_status.html).
STATUS_PAIRS = [
    ("new", _l("New")), ("considering", _l("We are looking at it")),
    ("planned", _l("It will happen")), ("done", _l("Done")),
    ("not_possible", _l("Not happening – here is why")),
]
KIND_PAIRS = [("choice", _l("Choose one answer")), ("scale", _l("A scale from 1 to 5"))]
OPTION_MAX = 60
TEXT_MAX = surveys.TEXT_MAX
ANSWER_MAX = 300
CHANGE_MAX = 120  # one line on the sheet on the wall
SEARCH_MAX = 100


class RatingsForm(FlaskForm):
    """The period and grouping picker: read from the address (GET), so no CSRF token."""

    class Meta:
        csrf = False

    first = PlainDateField(_l("From"), validators=[InputRequired(DATE_MESSAGE)])
    last = PlainDateField(_l("To"), validators=[InputRequired(DATE_MESSAGE)])
    group = SelectField(_l("Per"), choices=options(GROUP_PAIRS), default="month",
                        validators=[AnyOf([g for g, _ in GROUP_PAIRS],
                                          _l("Choose day, week or month."))])
    by_activity = BooleanField(_l("Per activity"))

    def validate_last(self, field):
        if field.data and self.first.data:
            if field.data < self.first.data:
                raise ValidationError(_l("The last date must not be before the first."))
            if (field.data - self.first.data).days > 3 * 366:
                raise ValidationError(_l("Choose at most three years at a time."))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search the texts"), validators=[Optional(), Length(
        max=SEARCH_MAX, message=_l("Search for at most %(max)d characters."))])


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(FlaskForm):
    text_sv = StringField(_l("Question in Swedish"), validators=[
        DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    text_en = StringField(_l("Question in English (optional)"),
                          validators=[Length(max=TEXT_MAX)])
    kind = RadioField(_l("Kind of answer"), choices=options(KIND_PAIRS), default="choice",
                      validators=[AnyOf([k for k, _ in KIND_PAIRS], _l("Choose a kind."))])
    options_sv = TextAreaField(_l("Answers in Swedish, one per line"),
                               default="Ja\nDelvis\nNej")
    options_en = TextAreaField(_l("Answers in English, one per line (optional)"),
                               default="Yes\nPartly\nNo")

    def validate_options_sv(self, field):
        if self.kind.data != "choice":
            return
        lines = _lines(field.data)
        if not 2 <= len(lines) <= 10:
            raise ValidationError(_l("Write 2 to 10 answers, one per line."))
        if any(len(line) > OPTION_MAX for line in lines):
            raise ValidationError(_l("Each answer can be at most %(max)s characters.",
                                     max=OPTION_MAX))
        if len({line.lower() for line in lines}) != len(lines):
            raise ValidationError(_l("Two answers are the same."))

    def validate_options_en(self, field):
        if self.kind.data != "choice" or not _lines(field.data):
            return
        if len(_lines(field.data)) != len(_lines(self.options_sv.data)):
            raise ValidationError(_l("Write as many English answers as Swedish ones, or none."))
        if any(len(line) > OPTION_MAX for line in _lines(field.data)):
            raise ValidationError(_l("Each answer can be at most %(max)s characters.",
                                     max=OPTION_MAX))

    def question(self):
        """The question as surveys.create_survey takes it."""
        data = {"text_sv": self.text_sv.data.strip(), "text_en": (self.text_en.data or "").strip(),
                "kind": self.kind.data}
        if self.kind.data == "choice":
            sv, en = _lines(self.options_sv.data), _lines(self.options_en.data)
            defaults = [o["sv"] for o in surveys.YES_PARTLY_NO]
            if sv == defaults and (en or [o["en"] for o in surveys.YES_PARTLY_NO]) == [
                    o["en"] for o in surveys.YES_PARTLY_NO]:
                data["options"] = surveys.YES_PARTLY_NO
            else:
                data["options"] = [{"value": str(n), "sv": label,
                                    "en": en[n - 1] if en else ""}
                                   for n, label in enumerate(sv, start=1)]
        return data


class SurveyDetailsForm(FlaskForm):
    title_sv = StringField(_l("Title in Swedish"), validators=[
        DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    title_en = StringField(_l("Title in English (optional)"), validators=[Length(max=TEXT_MAX)])
    opens = PlainDateField(_l("Opens (first day)"), validators=[InputRequired(DATE_MESSAGE)])
    closes = PlainDateField(_l("Closes (last day)"), validators=[InputRequired(DATE_MESSAGE)])

    def validate_closes(self, field):
        if field.data and self.opens.data and field.data < self.opens.data:
            raise ValidationError(_l("The last day must not be before the first."))


class NewSurveyForm(SurveyDetailsForm, QuestionForm):
    """A survey and its first question in one go: a survey always has a question."""


class IdeaForm(FlaskForm):
    status = SelectField(_l("Status"), choices=options(STATUS_PAIRS),
                         validators=[AnyOf(ideas.STATUSES, _l("Choose a status."))])
    answer_sv = TextAreaField(_l("Answer in Swedish"), validators=[Length(max=ANSWER_MAX)])
    answer_en = TextAreaField(_l("Answer in English (optional)"),
                              validators=[Length(max=ANSWER_MAX)])
    change_sv = StringField(_l("What changed in the programme, in Swedish (optional)"),
                            validators=[Length(max=CHANGE_MAX)])
    change_en = StringField(_l("What changed, in English (optional)"),
                            validators=[Length(max=CHANGE_MAX)])
    # Its choices are the venue's activities, set by the page (with_activities).
    activity = SelectField(_l("The activity that came of it (optional)"), choices=[], default="")
    action = HiddenField(default="save", validators=[AnyOf(
        ("save", "publish", "reject"), _l("Tap one of the buttons."))])

    def validate_answer_sv(self, field):
        if self.status.data == "not_possible" and not (field.data or "").strip():
            raise ValidationError(_l("Say why it is not possible, in Swedish."))

    def with_activities(self, pairs):
        """The venue's activities as (id, name) pairs: the only ones the form accepts."""
        self.activity.choices = options([("", _l("No activity"))] + [(str(i), n) for i, n in pairs])
        return self


class MonthsField(IntegerField):
    """A whole number of months, with our own plain message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(MONTHS_MESSAGE) from None


MONTHS_MESSAGE = _l("Write a number of months.")


class RetentionForm(FlaskForm):
    months = MonthsField(_l("Delete free texts and ideas not shown after (months)"),
                          validators=[InputRequired(MONTHS_MESSAGE),
                                      NumberRange(MONTHS_MIN, MONTHS_MAX,
                                                  _l("Write 1 to 120 months."))])
