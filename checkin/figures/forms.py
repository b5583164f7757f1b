"""Forms of the figures pages: the export's choices, the report's narrative, the counts file."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from checkin.accounts.api import REQUIRED, PlainDateField, options
from checkin.publishing.api import FIRST_DAY, LAST_DAY, MAX_YEARS, PUBLISHED_GROUPS, range_problem

NARRATIVE_MAX = 10000  # about four A4 pages of text
NO_HIDING = "none"
MIN_CELLS = range(2, 11)
GROUP_PAIRS = [("day", _l("Day")), ("week", _l("Week")), ("month", _l("Month")),
               ("year", _l("Year"))]
FORMAT_PAIRS = [("xlsx", _l("Excel (.xlsx), with a sheet that explains the numbers")),
                ("excel-csv", _l("CSV for Excel (semicolons, headings in words)")),
                ("csv", _l("CSV for other programs (commas, column names as in the guide)"))]
ALL_VENUES = "all"
EXACT, PUBLISHED = "exact", "published"
VERSION_PAIRS = [(EXACT, _l("Exact, for use inside the organisation")),
                 (PUBLISHED, _l("Published, as viewers and the city get them: small numbers "
                                "changed a little, whole periods that have ended"))]


class ExportForm(FlaskForm):
    """Sent with GET: choosing figures changes nothing, and the address can be bookmarked."""

    class Meta:
        csrf = False

    first = PlainDateField(_l("From (YYYY-MM-DD)"), validators=[InputRequired(REQUIRED)])
    last = PlainDateField(_l("To, included (YYYY-MM-DD)"), validators=[InputRequired(REQUIRED)])
    group = RadioField(_l("One row per"), default="month", validate_choice=False)
    by_activity = BooleanField(_l("One row per activity too"))
    venue = SelectField(_l("Venue"), validate_choice=False)
    fmt = RadioField(_l("File type"), default="xlsx", validate_choice=False)
    min_cell = SelectField(_l("Hide small numbers"), validate_choice=False)
    version = RadioField(_l("Which figures"), default=EXACT, validate_choice=False)

    def __init__(self, venue_pairs, min_cell_default, *, exact_allowed=True, **kw):
        super().__init__(**kw)
        self.exact_allowed = exact_allowed
        self.version.choices = options(VERSION_PAIRS)
        if not exact_allowed or not self.version.data:
            self.version.data = PUBLISHED if not exact_allowed else EXACT
        # A viewer gets published figures, by month or year only (docs/figures.md): the form
        # offers no day or week (asked for in the address, the page says why not).
        self.group.choices = options(GROUP_PAIRS if exact_allowed else [
            (value, label) for value, label in GROUP_PAIRS if value in PUBLISHED_GROUPS])
        self.fmt.choices = options(FORMAT_PAIRS)
        self.venue.choices = options(venue_pairs)
        self.min_cell.choices = options(
            [(NO_HIDING, _l("Hide nothing (inside the organisation only)"))]
            + [(str(n), _l("Hide counts under %(n)s (written <%(n)s)", n=n)) for n in MIN_CELLS])
        if not self.min_cell.data:
            self.min_cell.data = str(min_cell_default) if min_cell_default else NO_HIDING

    def validate_group(self, field):
        if field.data not in {value for value, _label in GROUP_PAIRS}:
            raise ValidationError(_l("Choose day, week, month or year."))

    def validate_fmt(self, field):
        if field.data not in {value for value, _label in FORMAT_PAIRS}:
            raise ValidationError(_l("Choose Excel or one of the CSV files."))

    def validate_version(self, field):
        if field.data not in {value for value, _label in VERSION_PAIRS}:
            raise ValidationError(_l("Choose exact or published figures."))

    def validate_min_cell(self, field):
        if self.published:
            return  # published figures hide nothing: the choice does not apply
        if field.data != NO_HIDING and field.data not in {str(n) for n in MIN_CELLS}:
            raise ValidationError(_l("Choose no hiding, or a number from 2 to 10."))

    def validate_last(self, field):
        if self.first.data and field.data and field.data < self.first.data:
            raise ValidationError(_l("The last day comes before the first day. Swap them."))
        if not (self.first.data and field.data):
            return
        problem = range_problem(self.first.data, field.data, self.group.data)
        if problem == "too_long":
            years = MAX_YEARS[self.group.data]
            raise ValidationError({
                "day": _l("One row per day can cover at most %(n)s years. Choose a shorter "
                          "time, or one row per week or month.", n=years),
                "week": _l("One row per week can cover at most %(n)s years. Choose a shorter "
                           "time, or one row per month or year.", n=years),
                "month": _l("One row per month can cover at most %(n)s years. Choose a "
                            "shorter time, or one row per year.", n=years),
                "year": _l("One row per year can cover at most %(n)s years. Choose a "
                           "shorter time.", n=years),
            }[self.group.data])
        if problem:
            raise ValidationError(_l("Choose days from %(first)s to %(last)s.",
                                     first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))

    @property
    def published(self):
        """Viewers only ever get published figures, whatever the address asks for."""
        return not self.exact_allowed or self.version.data == PUBLISHED

    @property
    def min_cell_number(self):
        if self.published or self.min_cell.data == NO_HIDING:
            return None
        return int(self.min_cell.data)


class NarrativeForm(FlaskForm):
    text = TextAreaField(
        _l("What happened this year, in your own words"),
        validators=[Length(max=NARRATIVE_MAX, message=_l(
            "The text can be at most %(max)d characters. Please shorten it."))])


class ImportForm(FlaskForm):
    file = FileField(_l("File with the counts (CSV or Excel .xlsx, at most 256 KB)"),
                     validators=[FileRequired(_l("Choose a file first."))])
    again = BooleanField(_l("Import again, although this very file was imported before"))
    finished = BooleanField(_l("Yes, change the reports of these finished periods"))


class SetAsideForm(FlaskForm):
    """An admin sets aside the check-ins of one day, or of one hour of it (empty: the day)."""

    date = PlainDateField(_l("Day"), validators=[InputRequired(REQUIRED)])
    hour = SelectField(_l("Hour"), validate_choice=False, default="")
    reason = StringField(
        _l("Why these check-ins did not come from a real door"),
        validators=[InputRequired(REQUIRED), Length(max=200, message=_l(
            "The reason can be at most %(max)d characters."))])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.hour.choices = options([("", _l("The whole day"))] + [
            (str(h), f"{h:02d}:00–{h + 1:02d}:00") for h in range(24)])

    def validate_hour(self, field):
        if field.data not in ("", *(str(h) for h in range(24))):
            raise ValidationError(_l("Choose an hour, or the whole day."))

    @property
    def hour_number(self):
        return int(self.hour.data) if self.hour.data else None
