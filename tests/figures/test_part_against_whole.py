"""Issue 23, item 1: no published part betrays its whole.

The reader of issue 23 knows that the same records always get the same published value. So a
part published differently from a whole that holds it has fewer records (a part published 3
inside a whole published 0 is exactly 1). Here that reader gets every table a viewer can get
of 1,000 simulated small venues, built with the project's own functions (check-ins by QR code
from remembered phones and not, on the tablet, and hand counts): by month and by year, all
activities together and by activity, visits and persons; before the fix also by day. It knows
the perturbation table, which rows a table shows and why, and every rule that ties the cells
together (a total is its genders, a month its days, the plain row its activities, unlinked
visits are part of all visits, persons are no more than linked visits and there is one if
there is a linked visit, a day's persons are its linked visits, a part never exceeds its
whole and differs from it only when it holds fewer records). It narrows every cell to the
true values that could give what it sees and counts the true 1s and 2s left with one value.

With tables.CONSISTENT off (every cell perturbed on its own, at any grain, persons in every
row) it pins true 1s and 2s; with it on, none. `pytest -s` prints the rates.
"""

import datetime as dt
import os
import random
import time
from collections import defaultdict
from functools import cache
from math import inf

import pytest

from checkin.figures import tables
from checkin.publishing import cell_key as ck
from checkin.publishing import periods
from checkin.visits import phones, recording
from tests.helpers import SOMEONE

VENUES = 1000
BEFORE = 250  # the reader before the fix (with day tables: slower) on the first 250
TODAY = dt.date(2026, 11, 23)
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DAYS = (dt.date(2025, 3, 1), dt.date(2025, 4, 30))  # the visits fall in March and April
GENDERS = ("women", "men", "other", "unstated")
ANSWERS = ("woman", "man", "other", "unstated", None)


def _support():
    out = {}
    for true in range(300):
        for published, _lo, _hi in ck.ptable_row(true):
            out.setdefault(published, set()).add(true)
    return {p: (min(ts), max(ts)) for p, ts in out.items()}


SUPPORT = _support()
SHORTFALL = {p: p - lo for p, (lo, _hi) in SUPPORT.items()}  # 3 -> 2, 4 -> 0, 5 -> 1, ...


@cache
def _most_shortfall(value, parts):
    """The most that `parts` published values (0, or 3 and up) summing to `value` can fall
    short of it, added up: the lowest true sum is value less this."""
    if value == 0:
        return 0
    if parts == 0:
        return -inf
    return max((SHORTFALL[p] + _most_shortfall(value - p, parts - 1)
                for p in range(3, value + 1) if p in SHORTFALL), default=-inf)


def sum_bounds(value, parts):
    """(lowest, highest) true sum of `parts` cells, each perturbed on its own, whose published
    values add up to `value`: every way of splitting it (the reader does not see the parts).
    A published p comes from p - 2 .. p + 2 at most, and a 0 from 0 to 2."""
    if parts == 1:
        return SUPPORT[value]
    return value - _most_shortfall(value, min(parts, value // 3)), value + 2 * parts


@pytest.fixture(scope="module")
def venues(tmp_path_factory):
    """1,000 small venues: a few days in March and April 2025 with one to three visitors."""
    from checkin.db import connect, migrate

    path = tmp_path_factory.mktemp("part-whole") / "checkin.db"
    db = connect(str(path))
    migrate(db)
    db.execute("PRAGMA synchronous = OFF")
    rng = random.Random(23)
    started = time.perf_counter()
    out = []
    for v in range(VENUES):
        venue = db.execute("INSERT INTO venue (slug, name, door_key) VALUES (?, ?, ?)",
                           [f"v{v:04d}", f"V{v}", os.urandom(8).hex()]).lastrowid
        acts = {db.execute("INSERT INTO activity (venue_id, name_sv) VALUES (?, ?)",
                           [venue, name]).lastrowid: name for name in ("A", "B")}
        db.conn.commit()
        phone_pool = [os.urandom(16).hex() for _ in range(rng.randint(1, 3))]
        span = (DAYS[1] - DAYS[0]).days
        for day in sorted({DAYS[0] + dt.timedelta(days=rng.randrange(span + 1))
                           for _ in range(rng.randint(1, 5))}):
            for _ in range(rng.randint(1, 3)):
                activity = rng.choice([*acts, None])
                gender = rng.choice(ANSWERS)
                source = rng.choice(("qr-remembered", "qr-remembered", "qr", "kiosk", "tally"))
                if source == "tally":
                    recording.change_tally(db, venue_id=venue, day=day, activity_id=activity,
                                           changes={gender or "unstated": 1}, user=SOMEONE)
                    continue
                person = None
                if source == "qr-remembered":
                    person = phones.person_hash(db, venue, rng.choice(phone_pool), 2025)
                recording.record_visit(db, venue_id=venue, day=day, hour=11,
                                       source=source[:2] if source != "kiosk" else "kiosk",
                                       activity_id=activity, gender=gender, person_hash=person)
        out.append({"id": venue, "activities": ["", *acts.values()]})
    return {"db": db, "venues": out, "build": time.perf_counter() - started}


# --- what a viewer gets, and what was true --------------------------------------------------

def _tables(db, venue, published, grains):
    """{(measure, grain, period, activity, column): value} of every table a viewer gets (or,
    exact, the truth), with '*' as the activity of the plain rows, and the activities whose
    by-activity row is shown, per (grain, period)."""
    cells, shown = {}, defaultdict(set)
    for grain in grains:
        first, last = (DAYS if grain == "day" else (FIRST, LAST))
        for by in (False, True):
            table = tables.figures(db, first, last, grain, by_activity=by, venue_id=venue,
                                   published=published, today=TODAY if published else None)
            for row in table.rows:
                act = row["activity"] if by else "*"
                if by:
                    shown[(grain, row["period"])].add(act)
                for measure in ("visits", "persons"):
                    for col in (*GENDERS, "total", "unlinked"):
                        value = row.get(f"{measure}_{col}", "")
                        if value not in ("", None):
                            cells[(measure, grain, row["period"], act, col)] = value
    return cells, shown


# --- the reader -------------------------------------------------------------------------------

class Reader:
    """Interval reasoning over every published cell: sound (each narrowing follows from the
    rules), so a value it is left with one choice for is certain."""

    def __init__(self):
        self.lo, self.hi = {}, {}
        self.sums, self.below = [], []  # (whole, parts); (part, whole, gap)
        self.links = []  # (persons, linked visits): P <= L, P >= 1 iff L >= 1

    def cell(self, key, lo, hi):
        self.lo[key] = max(self.lo.get(key, 0), lo)
        self.hi[key] = min(self.hi.get(key, inf), hi)

    def _set(self, key, lo=None, hi=None):
        changed = False
        if lo is not None and lo > self.lo[key]:
            self.lo[key], changed = lo, True
        if hi is not None and hi < self.hi[key]:
            self.hi[key], changed = hi, True
        assert self.lo[key] <= self.hi[key], key  # the rules never contradict the truth
        return changed

    def solve(self, rounds=30):
        for _ in range(rounds):
            changed = False
            for whole, parts in self.sums:
                los = [self.lo[p] for p in parts]
                his = [self.hi[p] for p in parts]
                changed |= self._set(whole, sum(los), sum(his))
                slo, shi = sum(los), sum(his)
                for p, plo, phi in zip(parts, los, his, strict=True):
                    changed |= self._set(p, self.lo[whole] - (shi - phi),
                                         self.hi[whole] - (slo - plo))
            for part, whole, gap in self.below:
                changed |= self._set(whole, lo=self.lo[part] + gap)
                changed |= self._set(part, hi=self.hi[whole] - gap)
            for person, linked in self.links:
                changed |= self._set(person, hi=self.hi[linked])
                if self.lo[linked] >= 1 or self.lo[person] >= 1:
                    changed |= self._set(person, lo=1) | self._set(linked, lo=1)
            if not changed:
                return


def _parts(key, activities):
    """How many finest published cells a visible cell adds up."""
    measure, grain, _period, act, col = key
    if measure == "persons":
        return 4 if col == "total" else 1
    n = {"total": 8, "unlinked": 4}.get(col, 2) * (activities if act == "*" else 1)
    return n * (12 if grain == "year" else 1)


def _read(cells, shown, activities, grains, consistent):
    """The reader's conclusions: {key: the one value left} for every cell it pins."""
    r = Reader()
    for key, value in cells.items():
        # Before: every cell perturbed on its own. After: a visit cell is the sum of its
        # finest cells (month, activity, gender, linked or not), a persons total of its genders.
        r.cell(key, *sum_bounds(value, _parts(key, len(activities)) if consistent else 1))
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    days = [(DAYS[0] + dt.timedelta(days=i)).isoformat()
            for i in range((DAYS[1] - DAYS[0]).days + 1)]
    periods_of = {"day": days, "month": months, "year": ["2025"]}
    for grain in grains:
        for period in periods_of[grain]:
            for act in activities:
                if act in shown[(grain, period)]:
                    continue
                for measure in ("visits", "persons"):
                    for col in (*GENDERS, "total", "unlinked"):
                        key = (measure, grain, period, act, col)
                        if consistent:
                            # Not shown: every published cell in it was 0, each finest
                            # (month) cell 0 to 2.
                            finest = {"day": 1, "month": 1, "year": 12}[grain] * (
                                8 if col == "total" else 4 if col == "unlinked" else 2)
                            r.cell(key, 0, 2 * finest) if measure == "visits" else None
                        else:
                            r.cell(key, 0, 0)  # no row: nobody came to it then
    known = set(r.lo)
    for (measure, grain, period, act, col) in list(known):
        key = (measure, grain, period, act, col)
        if col == "total" and measure == "visits" and act != "*" and (
                act in shown[(grain, period)]):
            r.cell(key, 1, inf)  # a row is shown: someone came (before) / a number is not 0
    for measure in ("visits", "persons"):
        for grain in grains:
            for period in periods_of[grain]:
                for act in ["*", *activities]:
                    row = [(measure, grain, period, act, g) for g in GENDERS]
                    total = (measure, grain, period, act, "total")
                    if total in r.lo and all(k in r.lo for k in row):
                        r.sums.append((total, row))
                    unlinked = (measure, grain, period, act, "unlinked")
                    if measure == "visits" and total in r.lo and unlinked in r.lo:
                        linked = ("linked", grain, period, act, "total")
                        r.cell(linked, 0, inf)
                        r.sums.append((total, [unlinked, linked]))
                        persons = ("persons", grain, period, act, "total")
                        if persons in r.lo:
                            r.links.append((persons, linked))
                            if grain == "day":  # one visit a day: persons are linked visits
                                r.sums.append((persons, [linked]))
                for col in (*GENDERS, "total", "unlinked"):
                    # The plain row is the sum of its activity rows (visits only).
                    whole = (measure, grain, period, "*", col)
                    parts = [(measure, grain, period, a, col) for a in activities]
                    if measure == "visits" and whole in r.lo and all(p in r.lo for p in parts):
                        r.sums.append((whole, parts))
        # Periods: a month is its days, a year its months (visits); persons: at most.
        for col in (*GENDERS, "total", "unlinked"):
            for act in ["*", *activities]:
                year = (measure, "year", "2025", act, col)
                month_keys = [(measure, "month", m, act, col) for m in months]
                if measure == "visits" and year in r.lo and all(k in r.lo for k in month_keys):
                    r.sums.append((year, month_keys))
                if "day" in grains:
                    for m in ("2025-03", "2025-04"):
                        day_keys = [(measure, "day", d, act, col) for d in days
                                    if d.startswith(m)]
                        month = (measure, "month", m, act, col)
                        if measure == "visits" and month in r.lo and all(
                                k in r.lo for k in day_keys):
                            r.sums.append((month, day_keys))
    # Same records, same value: a part published differently from a whole that holds it has
    # fewer records. Parts: a gender or unlinked in its total, an activity in the plain row,
    # a day in its month, a month in its year, and every mix of these (persons: a gender only
    # within its own period).
    up_time = {"day": lambda p: [p[:7], "2025"], "month": lambda p: ["2025"],
               "year": lambda p: []}
    for key in list(r.lo):
        measure, grain, period, act, col = key
        if measure == "linked":
            continue
        times = [(grain, period)] + [({7: "month", 4: "year"}[len(q)], q)
                                     for q in up_time[grain](period)]
        acts = [act] + (["*"] if act != "*" else [])
        cols = [col] + (["total"] if col != "total" else [])
        for g, p in times:
            for a in acts:
                for c in cols:
                    if measure == "persons" and (g, p) != (grain, period) and c != "total":
                        continue  # a person's gender is their latest answer in the period
                    whole = (measure, g, p, a, c)
                    if whole == key or whole not in r.lo:
                        continue
                    gap = 1 if cells.get(key, 0) != cells.get(whole, 0) else 0
                    r.below.append((key, whole, gap))
    r.solve()
    return {k: r.lo[k] for k in r.lo if r.lo[k] == r.hi[k]}


def _naive(cells, truth):
    """The naive reader: a whole less its other parts, at face value, for genders in their
    total and activities in the plain row."""
    hits = set()
    by_row = defaultdict(dict)
    for (measure, grain, period, act, col), value in cells.items():
        by_row[(measure, grain, period, act)][col] = value
    for (measure, grain, period, act), row in by_row.items():
        if "total" in row and all(g in row for g in GENDERS):
            for g in GENDERS:
                guess = row["total"] - sum(row[o] for o in GENDERS if o != g)
                key = (measure, grain, period, act, g)
                if guess in (1, 2) and truth.get(key) == guess:
                    hits.add(key)
    return hits


def _kind(key):
    measure, grain, _period, act, col = key
    return f"{measure} by {grain}{' × activity' if act != '*' else ''}"


def _attack(venues, consistent, monkeypatch):
    monkeypatch.setattr(tables, "CONSISTENT", consistent)
    monkeypatch.setattr(periods, "PUBLISHED_GROUPS",
                        ("month", "year") if consistent else periods.GROUPS)
    grains = ("month", "year") if consistent else ("day", "month", "year")
    db = venues["db"]
    small, sure, naive = defaultdict(int), defaultdict(int), defaultdict(int)
    for venue in venues["venues"][:VENUES if consistent else BEFORE]:
        cells, shown = _tables(db, venue["id"], True, grains)
        truth, _shown = _tables(db, venue["id"], False, grains)
        pinned = _read(cells, shown, venue["activities"], grains, consistent)
        for key, value in pinned.items():
            if key[0] != "linked":
                assert truth.get(key, 0) == value, key  # the reader is never wrong
        for key, value in truth.items():
            if key in cells and value in (1, 2):
                small[_kind(key)] += 1
                sure[_kind(key)] += key in pinned
        for key in _naive(cells, truth):
            naive[_kind(key)] += 1
    return small, sure, naive


@pytest.mark.slow
def test_no_part_pins_a_true_1_or_2_against_its_whole(venues, monkeypatch):
    started = time.perf_counter()
    before = _attack(venues, False, monkeypatch)
    after = _attack(venues, True, monkeypatch)
    print(f"\n{VENUES} venues built in {venues['build']:.1f} s, read in "
          f"{time.perf_counter() - started:.1f} s. Cells with a true 1 or 2 that the reader")
    print("pins with certainty (naive: a total less its other genders, at face value);")
    print(f"before: the first {BEFORE} venues, after: all {VENUES}.")
    print(f"{'table':30} {'before: cells':>14} {'naive':>7} {'certain':>8}"
          f" {'after: cells':>13} {'naive':>7} {'certain':>8}")
    for kind in sorted(set(before[0]) | set(after[0])):
        b = [before[i].get(kind, 0) for i in range(3)]
        a = [after[i].get(kind, 0) for i in range(3)]

        def rate(n, d):
            return f"{n / d:.1%}" if d else "–"

        print(f"{kind:30} {b[0]:>14} {rate(b[2], b[0]):>7} {rate(b[1], b[0]):>8}"
              f" {a[0]:>13} {rate(a[2], a[0]):>7} {rate(a[1], a[0]):>8}")
    assert sum(before[1].values()) > 0  # the reader works: before the fix it pins some
    assert sum(after[1].values()) == 0  # after it, none
    # Naive after it: a total less its other genders is that gender's published cell, which
    # is never 1 or 2, so it never gives a true 1 or 2 (the table's 0.0 %).
    assert sum(after[2].values()) == 0
    assert sum(after[0].values()) > 1000  # with many true 1s and 2s to find
