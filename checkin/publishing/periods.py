"""Periods as docs/figures.md names them: day 2026-01-05, week 2026-W02, month 2026-01, year 2026.
No Flask."""

import datetime as dt
from dataclasses import dataclass

from checkin.i18n import translator
from checkin.week.api import week_label

GROUPS = ("day", "week", "month", "year")
# What one export may cover: from 2000 (nothing here is older) and at most so many years by
# each grouping, so that one request stays a few seconds' work at most.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
MAX_YEARS = {"day": 3, "week": 10, "month": 30, "year": 100}
# The grains of published figures: months and years, never days or weeks (docs/figures.md,
# "What a reader gains by comparing"). Every published visit figure is a sum of published
# month cells, so a week, which cuts months, cannot be made of them.
PUBLISHED_GROUPS = ("month", "year")


class FiguresError(ValueError):
    """Input the figures cannot be made from; the message says what to change."""


def range_problem(first, last, group):
    """Why first..last is too far out or too long for one export by `group`, or None:
    "too_early", "too_late" or "too_long" (then MAX_YEARS[group] says how long it may be)."""
    if first < FIRST_DAY:
        return "too_early"
    if last > LAST_DAY:
        return "too_late"
    if group in MAX_YEARS and (last - first).days >= MAX_YEARS[group] * 365.25:
        return "too_long"
    return None


def check_range(first, last, group):
    problem = range_problem(first, last, group)
    if problem == "too_long":
        raise FiguresError(f"one export by {group} covers at most {MAX_YEARS[group]} years; "
                           "choose a shorter range or a longer grouping")
    if problem:
        raise FiguresError(f"the range must lie between {FIRST_DAY} and {LAST_DAY}")


@dataclass(frozen=True)
class Period:
    label: str
    first: dt.date  # clipped to the range asked for
    last: dt.date

    @property
    def spans_years(self):
        return self.first.year != self.last.year


def _whole_period(day, group):
    """(label, first day, last day) of the period that holds `day`."""
    if group == "day":
        return day.isoformat(), day, day
    if group == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return week_label(day), monday, monday + dt.timedelta(days=6)
    if group == "month":
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first.strftime("%Y-%m"), first, following - dt.timedelta(days=1)
    if group == "year":
        return str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise FiguresError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")


def periods(first, last, group):
    """Every period that overlaps first..last, clipped to it, in order."""
    if group not in GROUPS:
        raise FiguresError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    if first > last:
        raise FiguresError(f"the range is reversed: {first} is after {last}")
    out, day = [], first
    while day <= last:
        label, start, end = _whole_period(day, group)
        out.append(Period(label, max(start, first), min(end, last)))
        day = end + dt.timedelta(days=1)
    return out


def whole_range(first, last, group):
    """first..last widened to whole periods: from the start of first's period to the end of
    last's."""
    return _whole_period(first, group)[1], _whole_period(last, group)[2]


def published_range(first, last, group, today, locale="sv"):
    """The range published figures may show for first..last: whole periods that have ended.

    Returns (first, last, note): widened to whole periods, with a note saying so ('' if
    nothing changed). Raises FiguresError, saying why and what to ask for instead, when the
    range reaches a period that has not ended by `today` (the venue's local date).
    """
    _ = translator(locale).gettext
    periods(first, last, group)  # checks the group and the order
    if group not in PUBLISHED_GROUPS:
        raise FiguresError(_("Published figures are given by month or by year only, so that "
                             "no one can be worked out by comparing tables. Choose month or "
                             "year."))
    wide_first, wide_last = whole_range(first, last, group)
    if wide_last >= today:
        label, start, _end = _whole_period(today, group)
        usable = start - dt.timedelta(days=1)
        names = {"day": _("the day"), "week": _("the week"), "month": _("the month"),
                 "year": _("the year")}
        message = _("Published figures show only whole periods that have ended, and "
                    "%(period)s %(label)s has not ended yet.") % {
                        "period": names[group], "label": label}
        if usable >= wide_first:
            message += " " + _("Choose a last day no later than %(day)s.") % {
                "day": usable.isoformat()}
        else:
            message += " " + _("Choose an earlier range.")
        raise FiguresError(message)
    note = ""
    if (wide_first, wide_last) != (first, last):
        note = _("Published figures show only whole periods, so the range was widened to "
                 "%(first)s – %(last)s.") % {"first": wide_first.isoformat(),
                                              "last": wide_last.isoformat()}
    return wide_first, wide_last, note


def last_whole(group, today):
    """(first, last) of the latest whole period of `group` that has ended before `today`."""
    _label, start, _end = _whole_period(today, group)
    end = start - dt.timedelta(days=1)
    return _whole_period(end, group)[1], end


def period_of(day, group):
    """The label of the period that holds `day`."""
    return _whole_period(day, group)[0]


def periods_between(first, last, group):
    """The labels of every period that overlaps first..last, in order."""
    return [period.label for period in periods(first, last, group)]


def month_start(day, back=0):
    """The first day of the month `back` months before the one that holds `day`."""
    month = day.year * 12 + day.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)

def months_before(day, months):
    """The same day `months` months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
