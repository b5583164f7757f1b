"""Visitor forms: every value checked against a short list.

CSRF is checked once, for every POST, by the app-wide CSRFProtect (checkin/__init__.py);
checking it again in each form cost a second token decode on the busiest request.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Optional

from checkin.visits.recording import GENDERS

NO_ACTIVITY = "none"


class CheckInForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect has already checked this POST

    day = HiddenField(validators=[DataRequired()])
    # Choices are today's activities, so they are checked in the route against the schedule.
    activity = StringField(_l("What are you here for?"), default=NO_ACTIVITY)


class AnswerForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect has already checked this POST

    gender = StringField(
        validators=[Optional(), AnyOf(GENDERS, message=_l("Please choose one of the buttons."))]
    )
    remember = BooleanField(_l("Remember this phone next time"))
