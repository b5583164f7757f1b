"""Figures as FIGURES.md defines them: visits and persons by period, gender and activity,
small cells hidden, the dashboard's and the yearly report's numbers. No Flask."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from babel.support import Translations

from .anonymity import closed_years
from .config import ROOT
from .db import writing
from .schedule import occurrences, week_label

GROUPS = ("day", "week", "month", "year")
GENDERS = ("woman", "man", "other", "unstated")
GENDER_COLUMNS = ("women", "men", "other", "unstated")
SOURCES = ("qr", "kiosk", "tally")

VISIT_GENDER_COLUMNS = [f"visits_{g}" for g in GENDER_COLUMNS]
PERSON_GENDER_COLUMNS = [f"persons_{g}" for g in GENDER_COLUMNS]
SOURCE_COLUMNS = [f"visits_{s}" for s in SOURCES]
VISIT_COLUMNS = [*VISIT_GENDER_COLUMNS, "visits_total", "visits_unlinked", *SOURCE_COLUMNS]
PERSON_COLUMNS = [*PERSON_GENDER_COLUMNS, "persons_total"]
COUNT_COLUMNS = VISIT_COLUMNS + PERSON_COLUMNS
COLUMNS = [
    "period", "venue", "activity",
    *VISIT_GENDER_COLUMNS, "visits_total", *PERSON_GENDER_COLUMNS, "persons_total",
    "visits_unlinked", *SOURCE_COLUMNS, "note", "first_day", "last_day",
]
SMALL = "<"      # a hidden mark that starts with this is a small count (primary)
PROTECTED = ".."  # a cell hidden so that a small one cannot be worked out (secondary)

# In a row, these cells add up to the total: a hidden one could be recovered by subtraction.
ROW_GROUPS = [
    (VISIT_GENDER_COLUMNS, "visits_total"),
    (SOURCE_COLUMNS, "visits_total"),
    (PERSON_GENDER_COLUMNS, "persons_total"),
]


class FiguresError(ValueError):
    """Input the figures cannot be made from; the message says what to change."""


@lru_cache(maxsize=4)
def translator(locale):
    """gettext for `locale` without a request, for exports and report texts."""
    return Translations.load(str(ROOT / "translations"), [locale], domain="messages")


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


# How much of 'YYYY-MM-DD' the database groups by; the period label is made from it in Python.
_BUCKET = {"day": 10, "week": 10, "month": 7, "year": 4}


def _label_of(group):
    if group == "week":
        cache = {}

        def label(bucket):
            if bucket not in cache:
                cache[bucket] = week_label(dt.date.fromisoformat(bucket))
            return cache[bucket]

        return label
    return lambda bucket: bucket


def _raw_counts(db, venue_id, first, last, group):
    """Visits counted per (period label, activity id) and the hashed visits behind them.

    Returns (visits, linked): visits[(label, activity)] is a Counter of visit columns;
    linked[label] the period's (hash, activity, gender answer) oldest first.
    """
    bucket, label_of = _BUCKET[group], _label_of(group)
    span = [bucket, venue_id, first.isoformat(), last.isoformat()]
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples: many rows, no need for names
    gender_column = {g: f"visits_{c}" for g, c in zip(GENDERS, GENDER_COLUMNS, strict=True)}
    gender_column[None] = "visits_unstated"  # a skipped question is unstated for the visit
    source_column = {s: f"visits_{s}" for s in SOURCES}
    visits = defaultdict(Counter)
    # A visit whose hash the yearly close removed still came from a remembered phone.
    for b, activity, gender, source, n, linked in cursor.execute(
        "SELECT substr(date, 1, ?), activity_id, gender, source, count(*), "
        "count(person_hash) + sum(hash_removed) "
        "FROM visit WHERE venue_id = ? AND date BETWEEN ? AND ? GROUP BY 1, 2, 3, 4", span,
    ).fetchall():
        counts = visits[(label_of(b), activity)]
        counts[gender_column[gender]] += n
        counts[source_column[source]] += n
        counts["visits_total"] += n
        counts["visits_unlinked"] += n - linked
    linked = defaultdict(list)
    for b, person, activity, gender in cursor.execute(
        "SELECT substr(date, 1, ?), person_hash, activity_id, gender FROM visit "
        "WHERE venue_id = ? AND date BETWEEN ? AND ? AND person_hash IS NOT NULL "
        "ORDER BY date, hour, id", span,
    ).fetchall():
        linked[label_of(b)].append((person, activity, gender))
    return visits, linked


ALL = "all"  # the scope of a period's total row: every activity and none


def _no_persons():
    return Counter({c: 0 for c in PERSON_COLUMNS})


def count_persons(hashed_visits):
    """Persons among one venue's visits of one period, by scope.

    `hashed_visits`: (hash, activity id or None, gender answer or None), oldest first.
    Returns {activity id, None (no activity) or ALL: Counter of PERSON_COLUMNS}. A person's
    gender is their latest answer in the whole period (a skip is no answer), in every scope.
    """
    members, answer = defaultdict(set), {}
    for person, activity, gender in hashed_visits:
        members[activity].add(person)
        members[ALL].add(person)
        if gender is not None:
            answer[person] = gender
    out = {}
    for scope, hashes in members.items():
        counts = _no_persons()
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
    venue_ids = [r[0] for r in cursor.execute(
        "SELECT DISTINCT venue_id FROM visit WHERE date BETWEEN ? AND ? "
        "AND person_hash IS NOT NULL", span).fetchall()]
    ranges = sorted(frozen_ranges(year))
    for venue_id in venue_ids:
        rows = cursor.execute(
            "SELECT date, person_hash, activity_id, gender FROM visit WHERE venue_id = ? "
            "AND date BETWEEN ? AND ? AND person_hash IS NOT NULL ORDER BY date, hour, id",
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


def _activity_order(name):
    # Swedish alphabet: å, ä, ö come after z, in that order.
    return name.casefold().translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))


def suppress_small_cells(values, groups, min_cell):
    """Which cells to hide: {cell: '<N' or '..'}.

    `values` maps each count cell to its number; `groups` lists (members, total) whose
    members add up to (or, for persons down a column, make up) the total. Primary: 1..N-1
    is hidden as `<N`, zero stays. Secondary: while a group has exactly one hidden cell,
    hide its smallest other non-zero member as `..` (or, if there is none, the total).
    """
    hidden = {cell: f"{SMALL}{min_cell}" for cell, v in values.items() if 0 < v < min_cell}
    changed = True
    while changed:
        changed = False
        for members, total in groups:
            if sum(cell in hidden for cell in (*members, total)) != 1:
                continue
            shown = [c for c in members if c not in hidden and values[c] > 0]
            if shown:
                target = min(shown, key=lambda c: values[c])  # first of the smallest
            elif total not in hidden:
                target = total
            else:
                continue
            hidden[target] = PROTECTED
            changed = True
    return hidden


@dataclass
class Table:
    """One export: the columns, the rows (numbers, hidden marks, '' for empty, text) and
    how many cells were hidden as small and how many to protect them."""

    columns: list
    rows: list
    min_cell: int | None = None
    hidden_small: int = 0
    hidden_protecting: int = 0


def _venue_rows(db, venue, first, last, group, activities, notes, closed_years):
    """A venue's period rows and, for each, its activity rows: raw numbers."""
    visits, linked = _raw_counts(db, venue["id"], first, last, group)
    by_period = defaultdict(list)
    for (label, activity) in visits:
        by_period[label].append(activity)
    out = []
    for period in periods(first, last, group):
        persons, reason = persons_in_period(db, venue["id"], period, linked, closed_years)
        base = {
            "period": period.label, "venue": venue["slug"], "activity": "",
            "note": notes[reason] if reason else "",
            "first_day": period.first.isoformat(), "last_day": period.last.isoformat(),
        }

        def persons_of(scope, persons=persons):
            if persons is None:
                return {c: None for c in PERSON_COLUMNS}
            return persons.get(scope) or _no_persons()

        total = dict(base, **{c: 0 for c in VISIT_COLUMNS})
        activity_rows = []
        present = sorted(
            by_period.get(period.label, []),
            key=lambda a: (a is None, _activity_order(activities.get(a, ""))),
        )
        for activity in present:
            counts = visits[(period.label, activity)]
            row = dict(base, activity=activities.get(activity, ""))
            row.update({c: counts[c] for c in VISIT_COLUMNS})
            for c in VISIT_COLUMNS:
                total[c] += counts[c]
            row.update(persons_of(activity))
            activity_rows.append(row)
        total.update(persons_of(ALL))
        out.append((total, activity_rows))
    return out


def _hide(blocks, min_cell):
    """Hide small cells over a venue's period rows and activity rows together, so the plain
    and the by-activity export of the same data give nothing away side by side."""
    values, groups = {}, []
    rows = [row for total, activity_rows in blocks for row in (total, *activity_rows)]
    index = {id(row): i for i, row in enumerate(rows)}
    for i, row in enumerate(rows):
        for c in COUNT_COLUMNS:
            if row[c] is not None:
                values[(i, c)] = row[c]
        for members, total in ROW_GROUPS:
            if row[total] is not None:
                groups.append(([(i, c) for c in members], (i, total)))
    for total, activity_rows in blocks:
        if not activity_rows:
            continue
        for c in COUNT_COLUMNS:
            if total[c] is not None:
                groups.append(([(index[id(r)], c) for r in activity_rows], (index[id(total)], c)))
    hidden = suppress_small_cells(values, groups, min_cell)
    for (i, c), mark in hidden.items():
        rows[i][c] = mark


def figures(db, first, last, group, *, by_activity=False, venue_id=None, min_cell=None,
            locale="sv", venue_ids=None):
    """The export table for first..last (dates), one row per period (and activity).

    One venue (`venue_id`), some (`venue_ids`, e.g. those a staff account may see) or,
    with neither, every venue; several venues come in slug order, each hidden on its own.
    """
    if min_cell is not None and min_cell < 2:
        raise FiguresError("min-cell must be 2 or more")
    periods(first, last, group)  # checks the group and the range
    _ = translator(locale).gettext
    notes = {
        "spans_years": _("Persons not counted: the period spans two calendar years."),
        "closed_year_cut": _("Persons not counted: the year is closed, and its persons were "
                             "kept only for whole days, weeks and months."),
    }
    closed = closed_years(db)
    if venue_ids is not None:
        venue_list = sorted((dict(r) for i in venue_ids for r in db.execute(
            "SELECT id, slug FROM venue WHERE id = ?", [i])), key=lambda v: v["slug"])
        if len(venue_list) != len(set(venue_ids)):
            raise FiguresError("no venue with one of the ids asked for")
    elif venue_id is None:
        venue_list = [dict(r) for r in db.execute("SELECT id, slug FROM venue ORDER BY slug")]
    else:
        venue_list = [dict(r) for r in db.execute(
            "SELECT id, slug FROM venue WHERE id = ?", [venue_id])]
        if not venue_list:
            raise FiguresError(f"no venue with id {venue_id}")
    table = Table(columns=list(COLUMNS), rows=[], min_cell=min_cell)
    for venue in venue_list:
        activities = {row[0]: row[1] for row in db.execute(
            "SELECT id, name_sv FROM activity WHERE venue_id = ?", [venue["id"]])}
        blocks = _venue_rows(db, venue, first, last, group, activities, notes, closed)
        if min_cell:
            _hide(blocks, min_cell)
        for total, activity_rows in blocks:
            table.rows.extend(activity_rows if by_activity else [total])
    for row in table.rows:
        for c in COUNT_COLUMNS:
            if row[c] is None:
                row[c] = ""
            elif isinstance(row[c], str):
                if row[c] == PROTECTED:
                    table.hidden_protecting += 1
                else:
                    table.hidden_small += 1
    return table


# ---------------------------------------------------------------- the dashboard


def _month_start(day, back=0):
    month = day.year * 12 + day.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def _by_gender(row, measure):
    if row[f"{measure}_total"] == "":
        return None
    return {g: row[f"{measure}_{g}"] for g in (*GENDER_COLUMNS, "total")}


def dashboard(db, venue_id, today):
    """Plain numbers for the staff dashboard of one venue (no hidden cells: inside only)."""
    spans = {
        "today": (today, today, "day"),
        "week": (today - dt.timedelta(days=today.weekday()), today, "week"),
        "month": (today.replace(day=1), today, "month"),
    }
    now = {}
    for name, (first, last, group) in spans.items():
        row = figures(db, first, last, group, venue_id=venue_id).rows[0]
        now[name] = {"first": first, "last": last, "visits": _by_gender(row, "visits"),
                     "persons": _by_gender(row, "persons")}
    first_month = _month_start(today, 23)
    months = figures(db, first_month, today, "month", venue_id=venue_id).rows
    per_month = [
        {"month": months[i + 12]["period"], "visits": months[i + 12]["visits_total"],
         "women": months[i + 12]["visits_women"],
         "year_before": months[i]["period"], "visits_year_before": months[i]["visits_total"]}
        for i in range(12)
    ]
    year_ago = _month_start(today, 11)
    by_activity = figures(db, year_ago, today, "year", by_activity=True, venue_id=venue_id).rows
    busiest = Counter()
    for row in by_activity:
        if row["activity"]:
            busiest[row["activity"]] += row["visits_total"]
    last_12 = months[12:]
    total = sum(r["visits_total"] for r in last_12)
    unlinked = sum(r["visits_unlinked"] for r in last_12)
    return {
        "today": today, "now": now, "per_month": per_month,
        "busiest": sorted(busiest.items(), key=lambda kv: (-kv[1], _activity_order(kv[0])))[:5],
        "remembered": {"since": year_ago, "visits": total, "linked": total - unlinked,
                       "unlinked": unlinked,
                       "share_linked": round(100 * (total - unlinked) / total) if total else None},
    }


# ---------------------------------------------------------------- the yearly report


def _share(part, whole):
    if isinstance(part, str) or isinstance(whole, str) or not whole:
        return None  # hidden or nothing to divide: no share that could reveal a hidden count
    return round(100 * part / whole)


def activities_held(db, venue_id, year):
    """How many times each activity was held in the year (cancelled ones not counted)."""
    held = Counter()
    counted = {}
    for item in occurrences(db, venue_id, dt.date(year, 1, 1), dt.date(year, 12, 31)):
        if item["cancelled"]:
            continue
        activity = item["activity"]
        held[activity["name_sv"]] += 1
        counted[activity["name_sv"]] = bool(activity["counted"])
    return [{"activity": name, "times": held[name], "counted": counted[name]}
            for name in sorted(held, key=_activity_order)]


def _year_figures(db, venue_id, year, min_cell, locale):
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    kw = {"venue_id": venue_id, "min_cell": min_cell, "locale": locale}
    total = figures(db, first, last, "year", **kw)
    months = figures(db, first, last, "month", **kw)
    activities = figures(db, first, last, "year", by_activity=True, **kw)
    year_row = total.rows[0]
    return {
        "year": year, "total": year_row, "months": months.rows, "activities": activities.rows,
        "share_women_visits": _share(year_row["visits_women"], year_row["visits_total"]),
        "share_women_persons": _share(year_row["persons_women"], year_row["persons_total"]),
        "hidden_small": sum(t.hidden_small for t in (total, months, activities)),
        "hidden_protecting": sum(t.hidden_protecting for t in (total, months, activities)),
    }


def method_text(*, min_cell, visits, unlinked, hidden_small, hidden_protecting, locale,
                closed=False):
    """The method paragraph: how visits and persons were counted, and what was hidden."""
    _ = translator(locale).gettext
    parts = [
        _("Visits are check-ins by QR code and on the tablet at the door, plus the counts "
          "staff kept by hand. Persons are the phones that chose to be remembered, each "
          "counted once per period: the phone's key changes every 1 January, so persons "
          "are never counted across two calendar years, and persons in different months "
          "or activities are not added up. A person's gender is their latest answer in the "
          "period; with no answer it is 'unstated'. Shares of women are of all visits or "
          "persons, unstated included."),
    ]
    if visits:
        parts.append(_(
            "%(unlinked)s of %(visits)s visits (%(share)s %%) came from the tablet, from "
            "counts kept by hand or from phones not remembered, so they count as visits but "
            "not as persons: persons reached is a floor, not an estimate."
        ) % {"unlinked": unlinked, "visits": visits, "share": round(100 * unlinked / visits)})
    if closed:
        parts.append(_(
            "This year is closed: its phone hashes and its key were deleted after the year. "
            "Persons were counted just before that and kept for every day, week and month "
            "and every run of whole months, so these numbers are the same as before; a "
            "period cut at another day has no persons."))
    if min_cell:
        parts.append(_(
            "To keep anyone from being recognised, counts from 1 to %(below)s are shown as "
            "<%(n)s (%(small)s cells in this report), and %(protecting)s more cells are shown "
            "as .. so that a hidden count cannot be worked out by subtraction from a total."
        ) % {"below": min_cell - 1, "n": min_cell, "small": hidden_small,
             "protecting": hidden_protecting})
    return " ".join(parts)


def yearly_report(db, venue_id, year, *, min_cell=3, locale="sv"):
    """Everything the yearly report page shows, the year before beside it."""
    this = _year_figures(db, venue_id, year, min_cell, locale)
    before = _year_figures(db, venue_id, year - 1, min_cell, locale)
    raw = figures(db, dt.date(year, 1, 1), dt.date(year, 12, 31), "year",
                  venue_id=venue_id).rows[0]
    return {
        "venue_id": venue_id, "year": year, "min_cell": min_cell,
        "activities_held": activities_held(db, venue_id, year),
        "this_year": this, "year_before": before,
        "narrative": get_narrative(db, venue_id, year),
        "method": method_text(
            min_cell=min_cell, visits=raw["visits_total"], unlinked=raw["visits_unlinked"],
            hidden_small=this["hidden_small"], hidden_protecting=this["hidden_protecting"],
            locale=locale, closed=year in closed_years(db)),
    }


def get_narrative(db, venue_id, year):
    row = db.execute("SELECT * FROM report_narrative WHERE venue_id = ? AND year = ?",
                     [venue_id, year]).fetchone()
    return dict(row) if row else {"venue_id": venue_id, "year": year, "text": "",
                                  "updated_by": "", "updated_at": ""}


def save_narrative(db, venue_id, year, text, updated_by, now=None):
    """Store the staff's narrative for a venue's year (replacing the one before)."""
    stamp = (now or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" ")
    with writing(db):
        db.execute(
            "INSERT INTO report_narrative (venue_id, year, text, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (venue_id, year) DO UPDATE SET "
            "text = excluded.text, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            [venue_id, year, text, updated_by, stamp],
        )
