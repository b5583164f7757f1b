"""The staff form that makes a device a screen on the wall."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import AnyOf, Length

from checkin.accounts.api import options
from checkin.week.api import LABEL_MAX


class ScreenForm(FlaskForm):
    label = StringField(_l("Name of this screen (optional)"),
                        validators=[Length(max=LABEL_MAX)])
    lang = RadioField(_l("Language on the screen"),
                      choices=options([("sv", "Svenska"), ("en", "English")]), default="sv",
                      validators=[AnyOf(("sv", "en"), _l("Choose a language."))])
