"""Visitor forms: every value checked against a short list.

CSRF is checked once, for every POST, by the app-wide CSRFProtect (checkin/__init__.py);
checking it again in each form cost a second token decode on the busiest request.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired

from checkin.visits.arrivals import NO_ACTIVITY

# The optional questions after the tap, one per screen, in this order.
QUESTIONS = ("gender", "remember")


class CheckInForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect has already checked this POST

    day = HiddenField(validators=[DataRequired()])
    # Choices are today's activities, so they are checked in the route against the schedule.
    activity = StringField(_l("What are you doing today?"), default=NO_ACTIVITY)


class AnswerForm(FlaskForm):
    """One answer to the question on screen (or 'back' to undo a changed activity)."""

    class Meta:
        csrf = False  # CSRFProtect has already checked this POST

    question = HiddenField(validators=[DataRequired(), AnyOf((*QUESTIONS, "back"))])
    # Checked in the route against the question's own answers.
    answer = StringField(default="")
