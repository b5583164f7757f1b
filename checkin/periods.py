"""Periods as FIGURES.md names them: day 2026-01-05, week 2026-W02, month 2026-01. No Flask."""

import datetime as dt

GROUPS = ("day", "week", "month", "year")


def period_of(day, group):
    if group == "day":
        return day.isoformat()
    if group == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if group == "month":
        return f"{day.year}-{day.month:02d}"
    if group == "year":
        return str(day.year)
    raise ValueError(f"unknown grouping {group!r}")


def periods_between(first, last, group):
    """Every period that overlaps first..last, in order."""
    seen, day = [], first
    while day <= last:
        label = period_of(day, group)
        if not seen or seen[-1] != label:
            seen.append(label)
        day += dt.timedelta(days=1)
    return seen


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
