"""The figures table: visits and persons by period, gender and activity, for one venue, some or
all. No Flask."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from checkin.figures.cell_key import publish_count
from checkin.figures.columns import (
    COLUMNS,
    COUNT_COLUMNS,
    GENDER_COLUMNS,
    GENDERS,
    PERSON_COLUMNS,
    PROTECTED,
    SOURCES,
    VISIT_COLUMNS,
)
from checkin.figures.periods import (  # noqa: F401
    FiguresError,
    Period,
    check_range,
    periods,
    published_range,
)
from checkin.figures.persons import ALL, no_persons, persons_in_period
from checkin.figures.small_cells import hide_small_cells
from checkin.i18n import translator
from checkin.visits.phones import closed_years
from checkin.week.schedule import week_label

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


# Visits by period, activity, gender, source and whether a remembered phone made them; the
# keyed one adds up the record keys for published figures (the covering index has no key,
# so only those read the rows).
_COUNTS = (
    "SELECT substr(date, 1, ?), activity_id, gender, source, "
    "person_hash IS NOT NULL OR hash_removed, count(*), 0 FROM visit "
    "WHERE venue_id = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL "
    "GROUP BY 1, 2, 3, 4, 5")
_KEYED_COUNTS = (
    "SELECT substr(date, 1, ?), activity_id, gender, source, "
    "person_hash IS NOT NULL OR hash_removed, count(*), coalesce(sum(record_key), 0) FROM visit "
    "WHERE venue_id = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL "
    "GROUP BY 1, 2, 3, 4, 5")


def _raw_counts(db, venue_id, first, last, group, with_keys=False):
    """Visits counted per (period label, activity id) and the hashed visits behind them.

    Returns (visits, keys, linked): visits[(label, activity)] is a Counter of visit columns,
    keys[(label, activity)] with `with_keys` the sums of the same cells' record keys (for
    published figures, else zeros); linked[label] the period's (hash, activity, gender
    answer) oldest day first.
    """
    bucket, label_of = _BUCKET[group], _label_of(group)
    span = [bucket, venue_id, first.isoformat(), last.isoformat()]
    cursor = db.conn.cursor()
    cursor.row_factory = None  # plain tuples: many rows, no need for names
    gender_column = {g: f"visits_{c}" for g, c in zip(GENDERS, GENDER_COLUMNS, strict=True)}
    gender_column[None] = "visits_unstated"  # a skipped question is unstated for the visit
    source_column = {s: f"visits_{s}" for s in SOURCES}
    visits, keys = defaultdict(Counter), defaultdict(Counter)
    # A visit whose hash the yearly close removed still came from a remembered phone.
    # Set-aside check-ins (a flood, visits/set_aside.py) leave every figure.
    for b, activity, gender, source, linked, n, key in cursor.execute(
        _KEYED_COUNTS if with_keys else _COUNTS, span,
    ).fetchall():
        cell = (label_of(b), activity)
        counts, sums = visits[cell], keys[cell]
        columns = [gender_column[gender], source_column[source], "visits_total"]
        if not linked:
            columns.append("visits_unlinked")
        for c in columns:
            counts[c] += n
            sums[c] += key
    linked = defaultdict(list)
    for b, person, activity, gender in cursor.execute(
        "SELECT substr(date, 1, ?), person_hash, activity_id, gender FROM visit "
        "WHERE venue_id = ? AND date BETWEEN ? AND ? AND person_hash IS NOT NULL "
        "AND set_aside_id IS NULL "
        "ORDER BY date", span,  # the day decides a person's latest answer (count_persons)
    ).fetchall():
        linked[label_of(b)].append((person, activity, gender))
    return visits, keys, linked



def activity_order(name):
    # Swedish alphabet: å, ä, ö come after z, in that order.
    return name.casefold().translate(str.maketrans({"å": "{", "ä": "|", "ö": "}"}))



@dataclass
class Table:
    """One export: the columns, the rows (numbers, hidden marks, '' for empty, text), how
    many cells were hidden as small and how many to protect them, and whether the numbers
    are published ones (perturbed by the cell-key method) or exact."""

    columns: list
    rows: list
    min_cell: int | None = None
    hidden_small: int = 0
    hidden_protecting: int = 0
    published: bool = False


def _venue_rows(db, venue, first, last, group, activities, notes, closed_years, published):
    """A venue's period rows and, for each, its activity rows: raw numbers; with
    `published`, also {id(row): Counter of each count cell's key sum}."""
    visits, visit_keys, linked = _raw_counts(db, venue["id"], first, last, group, published)
    by_period = defaultdict(list)
    for (label, activity) in visits:
        by_period[label].append(activity)
    out, keys = [], {}
    for period in periods(first, last, group):
        persons, person_keys, reason = persons_in_period(
            db, venue["id"], period, linked, closed_years, keys=published)
        base = {
            "period": period.label, "venue": venue["slug"], "activity": "",
            "note": notes[reason] if reason else "",
            "first_day": period.first.isoformat(), "last_day": period.last.isoformat(),
        }

        def persons_of(scope, persons=persons):
            if persons is None:
                return {c: None for c in PERSON_COLUMNS}
            return persons.get(scope) or no_persons()

        total = dict(base, **{c: 0 for c in VISIT_COLUMNS})
        total_keys = Counter()
        activity_rows = []
        present = sorted(
            by_period.get(period.label, []),
            key=lambda a: (a is None, activity_order(activities.get(a, ""))),
        )
        for activity in present:
            counts = visits[(period.label, activity)]
            row = dict(base, activity=activities.get(activity, ""))
            row.update({c: counts[c] for c in VISIT_COLUMNS})
            for c in VISIT_COLUMNS:
                total[c] += counts[c]
            row.update(persons_of(activity))
            activity_rows.append(row)
            if published:
                own = visit_keys[(period.label, activity)]
                for c, key in own.items():
                    total_keys[c] += key
                keys[id(row)] = (own, (person_keys or {}).get(activity, {}))
        total.update(persons_of(ALL))
        if published:
            keys[id(total)] = (total_keys, (person_keys or {}).get(ALL, {}))
        out.append((total, activity_rows))
    return out, keys


def publish_rows(rows, keys):
    """Perturb every count cell of the rows on its own, totals included (cell-key method):
    `keys[id(row)]` is (visit key sums, person key sums) of the row's cells."""
    for row in rows:
        visit_sums, person_sums = keys[id(row)]
        for c in VISIT_COLUMNS:
            row[c] = publish_count(row[c], visit_sums.get(c, 0))
        for c in PERSON_COLUMNS:
            if row[c] is not None:
                row[c] = publish_count(row[c], person_sums.get(c, 0))



def figures(db, first, last, group, *, by_activity=False, venue_id=None, min_cell=None,
            locale="sv", venue_ids=None, published=False, today=None):
    """The export table for first..last (dates), one row per period (and activity).

    One venue (`venue_id`), some (`venue_ids`, e.g. those a staff account may see) or,
    with neither, every venue; several venues come in slug order, each hidden on its own.
    `published`: the figures that leave the organisation, every count perturbed on its own
    by the cell-key method, nothing hidden; only whole periods that ended before `today`
    (periods.published_range widens a range to them or says why not).
    """
    if min_cell is not None and min_cell < 2:
        raise FiguresError("min-cell must be 2 or more")
    if published:
        if min_cell is not None:
            raise FiguresError("published figures hide nothing: they have no min-cell")
        if today is None:
            raise FiguresError("published figures need today's date")
        if published_range(first, last, group, today, locale)[2]:
            raise FiguresError("published figures need whole periods: widen the range first")
    periods(first, last, group)  # checks the group and the range
    check_range(first, last, group)
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
    table = Table(columns=list(COLUMNS), rows=[], min_cell=min_cell, published=published)
    for venue in venue_list:
        activities = {row[0]: row[1] for row in db.execute(
            "SELECT id, name_sv FROM activity WHERE venue_id = ?", [venue["id"]])}
        blocks, keys = _venue_rows(db, venue, first, last, group, activities, notes, closed,
                                   published)
        if min_cell:
            hide_small_cells(blocks, min_cell)
        shown = [row for total, activity_rows in blocks
                 for row in (activity_rows if by_activity else [total])]
        if published:  # each shown cell on its own: the rows left out need no change
            publish_rows(shown, keys)
        table.rows.extend(shown)
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


