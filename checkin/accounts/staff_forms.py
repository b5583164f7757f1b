"""Staff forms: every field checked here or in the domain, every message plain and kind."""


from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

try:  # wtforms 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None

from checkin.accounts import auth
from checkin.visits.recording import GENDERS, TALLY_MAX
from checkin.week import operations as programme

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
# Each symbol's name, said to screen readers instead of the file's id ("sewing").
PICTOGRAM_NAMES = {
    "sewing": _l("Sewing"), "cooking": _l("Cooking"), "talk": _l("Talking"),
    "computer": _l("Computer"), "writing": _l("Writing"), "film": _l("Film"),
    "money": _l("Money"), "yoga": _l("Yoga"), "social": _l("Coffee and company"),
    "women": _l("Women"), "music": _l("Music"), "walk": _l("Walking"), "plant": _l("Plant"),
    "tree": _l("Tree"), "radio": _l("Radio"), "star": _l("Star"), "party": _l("Party"),
    "meeting": _l("Meeting"), "food": _l("Food"), "sport": _l("Sport"),
    "people": _l("People"), "calendar": _l("Calendar"), "checkin": _l("Checking in"),
    "qr": _l("QR code"),
}
TIME_MESSAGE = _l("Write the time as 13, 13.30 or 13:30.")
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


def check_time(_form, field):
    """16, 16.00, 16:00 and 1600 are all four o'clock: the field keeps it as '16:00'."""
    parsed = programme.parse_time(field.data)
    if parsed is None:
        raise ValidationError(TIME_MESSAGE)
    field.data = parsed


def check_end_after_start(form, field):
    if programme.is_time(form.start.data) and programme.is_time(field.data):
        if field.data <= form.start.data:
            raise ValidationError(_l("The end must be later than the start."))


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


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=80)])
    slug = StringField(_l("Short name in the address"), validators=[DataRequired(REQUIRED)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    # New venues take the TIMEZONE setting, read where the registry put it.
    timezone = StringField(_l("Time zone"), default=lambda: current_app.config["TIMEZONE"],
                           validators=[DataRequired(REQUIRED)])
    opening_days = CheckboxesField(_l("Open on"), choices=options(WEEKDAY_PAIRS), coerce=int)

    def validate_slug(self, field):
        problem = programme.slug_problem(field.data)
        if problem == "reserved":
            raise ValidationError(_l("That word is used by the app itself. Choose another."))
        if problem:
            raise ValidationError(_l("Use small letters a–z, digits and dashes, for example "
                                     "mallis."))

    def validate_timezone(self, field):
        if not programme.is_time_zone(field.data):
            raise ValidationError(_l("Unknown time zone. Write it like Europe/Stockholm."))


class ActivityForm(FlaskForm):
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(REQUIRED),
                                                             Length(max=80)])
    name_en = StringField(_l("Name in English (optional)"), validators=[Length(max=80)])
    description_sv = StringField(_l("Short description (one line)"),
                                 validators=[Length(max=160)])
    description_en = StringField(_l("Short description in English (optional)"),
                                 validators=[Length(max=160)])
    pictogram = RadioField(_l("Symbol"), choices=options((p, p) for p in programme.PICTOGRAMS),
                           default="people",
                           validators=[InputRequired(_l("Choose a symbol."))])
    place = RadioField(_l("Where"), choices=options([
        ("here", _l("Here, on site")), ("elsewhere", _l("At another address"))]),
        default="here", validators=[InputRequired(_l("Choose where."))])
    address = StringField(_l("Address, if elsewhere"), validators=[Length(max=200)])
    counted = BooleanField(_l("Count visits (untick for activities open to everyone in the "
                              "city)"), default=True)
    active = BooleanField(_l("Shown in the week"), default=True)

    def validate_address(self, field):
        if self.place.data == "elsewhere" and not (field.data or "").strip():
            raise ValidationError(_l("Write the address where it is held."))


class SlotForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=int,
                           validators=[InputRequired(_l("Choose an activity."))])
    weekday = SelectField(_l("Weekday"), choices=options(WEEKDAY_PAIRS), coerce=int,
                          validators=[InputRequired(_l("Choose a weekday."))])
    start = StringField(_l("Starts"), validators=[check_time])
    end = StringField(_l("Ends"), validators=[check_time, check_end_after_start])
    # No default here: the page puts the venue's today, never a day in the past.
    valid_from = PlainDateField(_l("From date"), validators=[InputRequired(DATE_MESSAGE)])
    valid_until = PlainDateField(_l("Until date (optional)"), validators=[Optional()])
    overlap_ok = HiddenField()

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The last date must not be before the first."))


class EndSlotForm(FlaskForm):
    last_day = PlainDateField(_l("Last day it runs"), validators=[InputRequired(DATE_MESSAGE)])


class DeleteSlotForm(FlaskForm):
    """Sent only by the page that asks first: without `confirmed` nothing is removed."""

    confirmed = HiddenField()


NEW_ACTIVITY = 0  # the activity list's choice "a new activity", named in its own field


class EventForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=int,
                           validators=[InputRequired(_l("Choose an activity."))])
    new_activity = StringField(_l("Name of the new activity"), validators=[Length(max=80)])
    date = PlainDateField(_l("Date"), validators=[InputRequired(DATE_MESSAGE)])
    start = StringField(_l("Starts"), validators=[check_time])
    end = StringField(_l("Ends"), validators=[check_time, check_end_after_start])
    address = StringField(_l("Place, if not the usual one"), validators=[Length(max=200)])
    note_sv = StringField(_l("Note in Swedish (optional)"), validators=[Length(max=200)])
    note_en = StringField(_l("Note in English (optional)"), validators=[Length(max=200)])

    def validate_new_activity(self, field):
        if self.activity.data == NEW_ACTIVITY and not (field.data or "").strip():
            raise ValidationError(_l("Write the new activity's name, or choose one above."))


class ChangeForm(FlaskForm):
    what = RadioField(_l("What happens"), choices=options([
        ("cancel", _l("Cancelled this time")), ("move", _l("Moved this time"))]),
        default="cancel", validators=[AnyOf(("cancel", "move"), _l("Choose what happens."))])
    new_date = PlainDateField(_l("New date"), validators=[Optional()])
    start = StringField(_l("Starts"), validators=[check_time])
    end = StringField(_l("Ends"), validators=[check_time, check_end_after_start])
    note_sv = StringField(_l("Note visitors see, in Swedish"), validators=[Length(max=200)])
    note_en = StringField(_l("Note in English (optional)"), validators=[Length(max=200)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.what.data == "move" and not self.new_date.data:
            if not self.new_date.errors:
                self.new_date.errors = [*self.new_date.errors, DATE_MESSAGE]
            return False
        return valid


class DoorKeyForm(FlaskForm):
    confirm = BooleanField(_l("Yes, the old posters will stop working. I will print new ones."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class KioskForm(FlaskForm):
    label = StringField(_l("Name of this tablet (optional)"), validators=[Length(max=60)])


TALLY_STEPS = ("save", *(f"{g}:{s}" for g in GENDERS for s in ("1", "-1")))


def check_count(_form, field):
    """A count of people: empty (unchanged), or a whole number from 0 to TALLY_MAX."""
    raw = (field.data or "").strip()
    if raw and not (raw.isdigit() and int(raw) <= TALLY_MAX):
        raise ValidationError(_l("Write a whole number from 0 to %(max)s.", max=TALLY_MAX))


class TallyForm(FlaskForm):
    """The number per gender as typed, the numbers the page showed, and which button."""

    woman = StringField(_l("Women"), validators=[check_count])
    man = StringField(_l("Men"), validators=[check_count])
    other = StringField(_l("Other"), validators=[check_count])
    unstated = StringField(_l("No answer"), validators=[check_count])
    was_woman = HiddenField(validators=[check_count])
    was_man = HiddenField(validators=[check_count])
    was_other = HiddenField(validators=[check_count])
    was_unstated = HiddenField(validators=[check_count])
    step = StringField(default="save", validators=[AnyOf(TALLY_STEPS)])
    # A day of a month that has ended: its reports change, so the page asks first.
    finished = BooleanField(_l("Yes, change the reports of these finished periods"))

    def changes(self):
        """{gender: +n or -n}: what was typed and stepped, against what the page showed.

        Applied to the counts as they are now, so two phones counting at once both count.
        """
        step_gender, _sep, step = (self.step.data or "save").partition(":")
        out = {}
        for gender in GENDERS:
            was = int(self[f"was_{gender}"].data or 0)
            typed = (self[gender].data or "").strip()
            target = int(typed) if typed else was
            if gender == step_gender:
                target = max(0, min(TALLY_MAX, target + int(step)))
            if target != was:
                out[gender] = target - was
        return out
