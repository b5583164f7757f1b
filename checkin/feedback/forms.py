"""Forms for feedback, the survey and the idea box: CSRF here, lengths checked in the domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired

RATING_VALUES = ("1", "2", "3", "4", "5")


class RatingForm(FlaskForm):
    rating = StringField(validators=[
        DataRequired(_l("Please tap one of the faces.")),
        AnyOf(RATING_VALUES, message=_l("Please tap one of the faces.")),
    ])
    # Checked in the route against today's activities.
    activity = StringField(default="none")


class TextForm(FlaskForm):
    text = TextAreaField(_l("Anything you want to add?"))


class SurveyForm(FlaskForm):
    # The answers are named q<question id> and checked in the route against the survey.
    survey = HiddenField(validators=[DataRequired()])


class IdeaForm(FlaskForm):
    text = StringField(_l("Your idea"))


class VoteForm(FlaskForm):
    pass
