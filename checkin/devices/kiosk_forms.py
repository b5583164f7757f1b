"""The kiosk's one form: which activity, and an optional gender answer, in one tap."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Optional

from checkin.visits.api import GENDERS, NO_ACTIVITY

SKIP = "skip"


class KioskCheckInForm(FlaskForm):
    day = HiddenField(validators=[DataRequired()])
    # Checked in the route against today's activities.
    activity = StringField(default=NO_ACTIVITY)
    gender = StringField(validators=[Optional(), AnyOf((*GENDERS, SKIP))])
