"""The visits' staff forms: the door key, a kiosk's name, the hand tally."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from checkin.visits.recording import GENDERS, TALLY_MAX


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
