"""Staff forms every feature uses (confirm, dates, choices, required) and the accounts' own:
every field checked here or in the domain, every message plain and kind. The week's forms
are in week/staff_forms.py, the door's, kiosk's and tally's in visits/staff_forms.py."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

try:  # wtforms 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None

from checkin.accounts import auth

PASSWORD_MESSAGES = {
    "too_short": _l("The password must be at least 12 characters. A few words in a row is fine."),
    "too_long": _l("The password can be at most 128 characters."),
    "common": _l("That password is one of the most common ones. Choose another."),
    "username": _l("The password must not be the same as the username."),
    "weak": _l("That password is too easy to guess. Use four or five words that do not "
               "belong together, and no names from here."),
}
WEEKDAY_PAIRS = [
    (0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
    (4, _l("Friday")), (5, _l("Saturday")), (6, _l("Sunday")),
]
ROLE_LABELS = {
    "viewer": _l("Viewer: figures only"),
    "staff": _l("Staff: schedule, posters, kiosk, tally, feedback, ideas, surveys, figures"),
    "admin": _l("Admin: everything, also accounts and venues"),
}
ROLE_PAIRS = [(role, ROLE_LABELS[role]) for role in auth.ROLES]
ROLE_NAMES = dict(zip(auth.ROLES, (_l("viewer"), _l("staff"), _l("admin")), strict=True))
REQUIRED = _l("Please fill this in.")
DATE_MESSAGE = _l("Write the date as YYYY-MM-DD, for example 2026-12-18.")


def options(pairs):
    """(value, label) pairs as the installed wtforms wants its choices."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlainDateField(DateField):
    """A date written YYYY-MM-DD, with our own plain message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


def check_new_password(form, field):
    """The password rules; the route sets `form.password_context` (whose account, which
    venues) so that a password made of those names counts as easy to guess."""
    username = getattr(form, "username", None)
    context = getattr(form, "password_context", ())
    problem = auth.password_problem(field.data or "", username.data if username else "",
                                    context)
    if problem:
        raise ValidationError(PASSWORD_MESSAGES[problem])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED),
                                                         Length(max=auth.PASSWORD_MAX)])


class OwnPasswordForm(FlaskForm):
    current = PasswordField(_l("Your password now"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED),
                                                        check_new_password])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(REQUIRED)])

    def validate_repeat(self, field):
        if field.data != self.new.data:
            raise ValidationError(_l("The two new passwords are not the same."))


YOUR_PASSWORD = _l("Your own password, to confirm it is you")


class ResetPasswordForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED),
                                                        check_new_password])
    yours = PasswordField(YOUR_PASSWORD, validators=[DataRequired(REQUIRED)])


class UserForm(FlaskForm):
    role = RadioField(_l("Role"), choices=options(ROLE_PAIRS), default="staff",
                      validators=[InputRequired(_l("Choose a role."))])
    every_venue = BooleanField(_l("Every venue, also those added later"))
    venues = CheckboxesField(_l("Or only these venues"), coerce=int, validate_choice=True)

    def validate_venues(self, field):
        # Forgetting to tick used to mean every venue: now "every venue" is said on purpose.
        if not self.every_venue.data and not field.data:
            raise ValidationError(_l("Tick the venues this account may use, or every venue."))

    def chosen_venues(self):
        """The venue ids to store: none stored means every venue."""
        return [] if self.every_venue.data else list(self.venues.data or [])
    # Asked by the route only when this makes an admin: one left-open screen must not.
    yours = PasswordField(_l("Your own password (only to make someone an admin)"))


class NewUserForm(UserForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED),
                                                         check_new_password])

    def validate_username(self, field):
        if auth.username_problem(field.data):
            raise ValidationError(_l("Use 1 to 40 letters, digits, dots, dashes or underscores."))
