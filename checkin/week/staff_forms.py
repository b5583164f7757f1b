"""The week's staff forms: venues, activities, slots, events, changes. Every field checked
here or in week/operations.py, every message plain and kind."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from checkin.accounts.api import (
    DATE_MESSAGE,
    REQUIRED,
    WEEKDAY_PAIRS,
    CheckboxesField,
    PlainDateField,
    options,
)
from checkin.week import operations

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


def check_time(_form, field):
    """16, 16.00, 16:00 and 1600 are all four o'clock: the field keeps it as '16:00'."""
    parsed = operations.parse_time(field.data)
    if parsed is None:
        raise ValidationError(TIME_MESSAGE)
    field.data = parsed


def check_end_after_start(form, field):
    if operations.is_time(form.start.data) and operations.is_time(field.data):
        if field.data <= form.start.data:
            raise ValidationError(_l("The end must be later than the start."))


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
        problem = operations.slug_problem(field.data)
        if problem == "reserved":
            raise ValidationError(_l("That word is used by the app itself. Choose another."))
        if problem:
            raise ValidationError(_l("Use small letters a–z, digits and dashes, for example "
                                     "mallis."))

    def validate_timezone(self, field):
        if not operations.is_time_zone(field.data):
            raise ValidationError(_l("Unknown time zone. Write it like Europe/Stockholm."))


class ActivityForm(FlaskForm):
    name_sv = StringField(_l("Name in Swedish"), validators=[DataRequired(REQUIRED),
                                                             Length(max=80)])
    name_en = StringField(_l("Name in English (optional)"), validators=[Length(max=80)])
    description_sv = StringField(_l("Short description (one line)"),
                                 validators=[Length(max=160)])
    description_en = StringField(_l("Short description in English (optional)"),
                                 validators=[Length(max=160)])
    pictogram = RadioField(_l("Symbol"), choices=options((p, p) for p in operations.PICTOGRAMS),
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
