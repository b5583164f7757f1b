"""Persons reached: distinct yearly hashes per period and scope, and the counts kept when a year
is closed and its hashes go. No Flask."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from functools import lru_cache

from checkin.figures.columns import GENDER_COLUMNS, GENDERS, PERSON_COLUMNS
from checkin.figures.periods import FiguresError, Period, periods  # noqa: F401

ALL = "all"  # the scope of a period's total row: every activity and none


def no_persons():
    return Counter({c: 0 for c in PERSON_COLUMNS})


def count_persons(hashed_visits):
    """Persons among one venue's visits of one period, by scope.

    `hashed_visits`: (hash, activity id or None, gender answer or None), oldest day first.
    Returns {activity id, None (no activity) or ALL: Counter of PERSON_COLUMNS}. A person's
    gender is their latest answer in the whole period (a skip is no answer), in every scope.

    "Latest" is decided by the day alone: a phone has at most one visit a day at a venue
    (the unique index visit_one_a_day), and checking in again that day changes that same
    visit. Nothing orders rows within a day: ids are random (row_ids.py), by design.
    """
    members, answer = defaultdict(set), {}
    for person, activity, gender in hashed_visits:
        members[activity].add(person)
        members[ALL].add(person)
        if gender is not None:
            answer[person] = gender
    out = {}
    for scope, hashes in members.items():
        counts = no_persons()
        for person in hashes:
            gender = answer.get(person, "unstated")
            counts[f"persons_{GENDER_COLUMNS[GENDERS.index(gender)]}"] += 1
        counts["persons_total"] = len(hashes)
        out[scope] = counts
    return out



# ---------------------------------------------------------------- persons of closed years


def frozen_ranges(year):
    """The ranges of days whose persons the yearly close keeps: every day; every ISO week,
    cut at the year's ends and, where a month starts inside it, at that month's start;
    every run of whole months (a month, a quarter, the year).

    So an export whose --from is a month's first day and --to a month's last day (or any
    export by day) finds every period it shows here."""
    return _frozen_ranges(year)


@lru_cache(maxsize=8)
def _frozen_ranges(year):
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out, one = set(), dt.timedelta(days=1)
    day = first
    while day <= last:
        out.add((day, day))
        day += one
    month_starts = [dt.date(year, m, 1) for m in range(1, 13)]
    month_ends = [*(m - one for m in month_starts[1:]), last]
    for i, start in enumerate(month_starts):
        for end in month_ends[i:]:
            out.add((start, end))
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        sunday = monday + dt.timedelta(days=6)
        lo, hi = max(monday, first), min(sunday, last)
        out.add((lo, hi))
        for start in month_starts:
            if lo < start <= hi:
                out.update({(lo, start - one), (start, hi)})
        monday += dt.timedelta(days=7)
    return frozenset(out)


def freeze_persons(db, year):
    """Count the persons of every frozen range of `year`, every venue and scope, into
    frozen_persons, from the hashes that are about to go. The caller holds the write.
    Returns how many rows were stored."""
    cursor = db.conn.cursor()
    cursor.row_factory = None
    stored = 0
    span = [f"{year:04d}-01-01", f"{year:04d}-12-31"]
    # Set-aside check-ins are left out here as in every figure (visits/set_aside.py).
    venue_ids = [r[0] for r in cursor.execute(
        "SELECT DISTINCT venue_id FROM visit WHERE date BETWEEN ? AND ? "
        "AND person_hash IS NOT NULL AND set_aside_id IS NULL", span).fetchall()]
    ranges = sorted(frozen_ranges(year))
    for venue_id in venue_ids:
        rows = cursor.execute(
            "SELECT date, person_hash, activity_id, gender FROM visit WHERE venue_id = ? "
            "AND date BETWEEN ? AND ? AND person_hash IS NOT NULL AND set_aside_id IS NULL "
            "ORDER BY date",
            [venue_id, *span]).fetchall()
        dates = [r[0] for r in rows]
        out = []
        for first, last in ranges:
            lo = bisect_left(dates, first.isoformat())
            hi = bisect_right(dates, last.isoformat())
            if lo == hi:
                continue  # no rows: no persons, which is what a missing row says
            for scope, c in count_persons(r[1:] for r in rows[lo:hi]).items():
                kind = "all" if scope == ALL else "none" if scope is None else "activity"
                out.append((venue_id, first.isoformat(), last.isoformat(), kind,
                            None if scope in (ALL, None) else scope,
                            *(c[col] for col in PERSON_COLUMNS)))
        cursor.executemany(
            "INSERT INTO frozen_persons (venue_id, first_day, last_day, scope, activity_id, "
            "women, men, other, unstated, total) VALUES (?,?,?,?,?,?,?,?,?,?)", out)
        stored += len(out)
    return stored


def _frozen_persons(db, venue_id, first, last):
    """{scope: Counter} kept at the close for exactly first..last (no row: no persons)."""
    out = {}
    for kind, activity, *numbers in db.execute(
        "SELECT scope, activity_id, women, men, other, unstated, total FROM frozen_persons "
        "WHERE venue_id = ? AND first_day = ? AND last_day = ?",
        [venue_id, first.isoformat(), last.isoformat()],
    ).fetchall():
        scope = ALL if kind == "all" else None if kind == "none" else activity
        out[scope] = Counter(dict(zip(PERSON_COLUMNS, numbers, strict=True)))
    return out


def persons_in_period(db, venue_id, period, linked, closed_years):
    """Persons of one venue's period by scope, and why not if they cannot be counted.

    The one place that decides: counted from the hashes while the year is open, read from
    the figures frozen at the close once it is closed. Returns (persons, reason) where
    persons is {scope: Counter} (a scope missing: nobody) or None with reason
    "spans_years" or "closed_year_cut".
    """
    if period.spans_years:
        return None, "spans_years"
    if period.first.year in closed_years:
        if (period.first, period.last) not in frozen_ranges(period.first.year):
            return None, "closed_year_cut"
        return _frozen_persons(db, venue_id, period.first, period.last), None
    return count_persons(linked.get(period.label, ())), None

