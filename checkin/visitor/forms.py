"""Visitor forms: CSRF-protected, every value checked against a short list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Optional

from ..visits import GENDERS

NO_ACTIVITY = "none"


class CheckInForm(FlaskForm):
    day = HiddenField(validators=[DataRequired()])
    # Choices are today's activities, so they are checked in the route against the schedule.
    activity = StringField(_l("What are you here for?"), default=NO_ACTIVITY)


class AnswerForm(FlaskForm):
    gender = StringField(
        validators=[Optional(), AnyOf(GENDERS, message=_l("Please choose one of the buttons."))]
    )
    remember = BooleanField(_l("Remember this phone next time"))
