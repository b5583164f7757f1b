"""Persons reached: distinct yearly hashes per period and scope, and the counts kept when a year
is closed and its hashes go. No Flask."""

import datetime as dt
import secrets
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from functools import lru_cache

from checkin.publishing.api import (  # noqa: F401
    GENDER_COLUMNS,
    KEY_SCALE,
    PERSON_COLUMNS,
    FiguresError,
    Period,
    periods,
    person_key,
)
from checkin.visits.api import GENDERS, year_secret

ALL = "all"  # the scope of a period's total row: every activity and none


def no_persons():
    return Counter({c: 0 for c in PERSON_COLUMNS})


def person_cells(hashed_visits):
    """Who is in each persons cell of one venue's period: {scope: {column: set of hashes}}.

    `hashed_visits`: (hash, activity id or None, gender answer or None), oldest day first.
    Scopes are activity ids, None (no activity) and ALL. A person's gender is their latest
    answer in the whole period (a skip is no answer), in every scope.

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
        cells = {c: set() for c in PERSON_COLUMNS}
        for person in hashes:
            gender = answer.get(person, "unstated")
            cells[f"persons_{GENDER_COLUMNS[GENDERS.index(gender)]}"].add(person)
        cells["persons_total"] = hashes
        out[scope] = cells
    return out


def count_persons(hashed_visits):
    """Persons among one venue's visits of one period: {scope: Counter of PERSON_COLUMNS}."""
    return {scope: Counter({c: len(members) for c, members in cells.items()})
            for scope, cells in person_cells(hashed_visits).items()}


def person_keys(db, venue_id, year):
    """key_of(hash): a person's stored key (k * 2**32) at the venue in the year, from the
    hash through a keyed hash with the year's secret, so it dies with them at the close."""
    secret, cache = None, {}

    def key_of(person):
        nonlocal secret
        if person not in cache:
            if secret is None:
                secret = bytes.fromhex(year_secret(db, year))
            cache[person] = int(person_key(secret, person, venue_id, year) * KEY_SCALE)
        return cache[person]

    return key_of


def sum_keys(cells, key_of):
    """{scope: Counter of the key sums (mod 2**32) of each persons cell}."""
    return {scope: Counter({c: sum(key_of(p) for p in members) % KEY_SCALE
                            for c, members in by_column.items()})
            for scope, by_column in cells.items()}


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


def _secret_at_close(db, year):
    # Read, never made here (the close holds the write); a year with hashes has its secret,
    # and one without (hashes written by hand) gets a throwaway one: its keys are random too.
    row = db.execute("SELECT secret FROM year_key WHERE year = ?", [year]).fetchone()
    return bytes.fromhex(row[0]) if row else secrets.token_bytes(32)


def freeze_persons(db, year):
    """Count the persons of every frozen range of `year`, every venue and scope, into
    frozen_persons, from the hashes that are about to go, each count with the sum of its
    persons' keys so that published figures stay the same. The caller holds the write.
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
    secret = _secret_at_close(db, year)
    for venue_id in venue_ids:
        keys = {}

        def key_of(person, keys=keys, venue_id=venue_id):
            if person not in keys:
                keys[person] = int(person_key(secret, person, venue_id, year) * KEY_SCALE)
            return keys[person]

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
            for scope, cells in person_cells(r[1:] for r in rows[lo:hi]).items():
                kind = "all" if scope == ALL else "none" if scope is None else "activity"
                out.append((venue_id, first.isoformat(), last.isoformat(), kind,
                            None if scope in (ALL, None) else scope,
                            *(len(cells[col]) for col in PERSON_COLUMNS),
                            *(sum(map(key_of, cells[col])) % KEY_SCALE
                              for col in PERSON_COLUMNS)))
        cursor.executemany(
            "INSERT INTO frozen_persons (venue_id, first_day, last_day, scope, activity_id, "
            "women, men, other, unstated, total, women_key, men_key, other_key, unstated_key, "
            "total_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", out)
        stored += len(out)
    return stored


def _frozen_persons(db, venue_id, first, last):
    """({scope: Counter}, {scope: Counter of key sums}) kept at the close for exactly
    first..last (no row: no persons)."""
    counts, keys = {}, {}
    for kind, activity, *numbers in db.execute(
        "SELECT scope, activity_id, women, men, other, unstated, total, women_key, men_key, "
        "other_key, unstated_key, total_key FROM frozen_persons "
        "WHERE venue_id = ? AND first_day = ? AND last_day = ?",
        [venue_id, first.isoformat(), last.isoformat()],
    ).fetchall():
        scope = ALL if kind == "all" else None if kind == "none" else activity
        counts[scope] = Counter(dict(zip(PERSON_COLUMNS, numbers[:5], strict=True)))
        keys[scope] = Counter(dict(zip(PERSON_COLUMNS, numbers[5:], strict=True)))
    return counts, keys


def persons_in_period(db, venue_id, period, linked, closed_years, keys=False):
    """Persons of one venue's period by scope, and why not if they cannot be counted.

    The one place that decides: counted from the hashes while the year is open, read from
    the figures frozen at the close once it is closed. Returns (persons, person_keys,
    reason): persons is {scope: Counter} (a scope missing: nobody) or None with reason
    "spans_years" or "closed_year_cut"; person_keys, with `keys`, the key sums of the same
    cells for published figures (else None).
    """
    if period.spans_years:
        return None, None, "spans_years"
    year = period.first.year
    if year in closed_years:
        if (period.first, period.last) not in frozen_ranges(year):
            return None, None, "closed_year_cut"
        counts, frozen_keys = _frozen_persons(db, venue_id, period.first, period.last)
        return counts, frozen_keys if keys else None, None
    cells = person_cells(linked.get(period.label, ()))
    counts = {scope: Counter({c: len(m) for c, m in by_column.items()})
              for scope, by_column in cells.items()}
    if not keys:
        return counts, None, None
    return counts, sum_keys(cells, person_keys(db, venue_id, year)), None
