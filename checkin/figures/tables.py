"""The figures table: visits and persons by period, gender and activity, for one venue, some or
all. No Flask."""

import datetime as dt
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from checkin.figures.history import names_on
from checkin.figures.persons import ALL, no_persons, persons_in_period
from checkin.i18n import translator
from checkin.publishing.api import (
    COLUMNS,
    COUNT_COLUMNS,
    GENDER_COLUMNS,
    KEY_SCALE,
    PERSON_COLUMNS,
    PERSON_GENDER_COLUMNS,
    PROTECTED,
    SOURCE_COLUMNS,
    VISIT_COLUMNS,
    VISIT_GENDER_COLUMNS,
    FiguresError,
    check_range,
    hide_small_cells,
    keyed,
    periods,
    periods_between,
    publish_count,
    published_range,
)
from checkin.visits.api import GENDERS, SOURCES, closed_years, server_secret
from checkin.week.api import week_label

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
    mark: str = ""  # what the file is: published (method, date, citation) or internal
    venue_names: dict = field(default_factory=dict)  # slug → name, for files people read


def _venue_rows(db, venue, first, last, group, names, notes, closed_years, published):
    """A venue's period rows and, for each, its activity rows: raw numbers; with
    `published`, also {id(row): Counter of each count cell's key sum}. `names(day)`: the
    activities' names on a day; each period shows those of its last day."""
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

        activities = names(period.last)
        total = dict(base, **{c: 0 for c in VISIT_COLUMNS})
        total_keys = Counter()
        activity_rows = []
        present = sorted(
            by_period.get(period.label, []),
            key=lambda a, activities=activities: (a is None,
                                                  activity_order(activities.get(a, ""))),
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


# --------------------------------------------------------------- published, consistent

# The switch the attack test turns off to show what a reader got from the method before:
# every cell perturbed on its own, at any grain, persons in every row.
CONSISTENT = True
TALLY_PURPOSE = "cell-key/tally"  # the server secret that keys hand-counted visits
# Hand-counted and imported visits are keyed by what they are (tally_keys); the test of
# undo and redo turns this off to show the random stored keys drawing new noise.
DERIVED_TALLY_KEYS = True


# The running sums of alike hand-counted rows' keys, kept between calls: a published total is
# read before and after every change to a finished year, and each read used to compute every
# key again (an HMAC per hand-counted visit: 12,000 for a year imported eight times). Keyed by
# the secret too, so a new secret never meets an old sum; cleared when it grows past the bound.
_TALLY_SUMS = {}
_TALLY_SUMS_MAX = 200_000  # keys kept at most, about 20 MB
_tally_sums_kept = [0]
_tally_lock = threading.Lock()


def tally_keys(db, venue_id):
    """key_of(date, activity id, gender, ordinal): the stored key (k * 2**32) of the
    ordinal-th of a day's hand-counted or imported visits that are alike, from what the row is
    (HMAC with the installation's tally secret), not from chance; so undoing and redoing an
    import, or a tally +1 then -1, gives back the same keys and the same published values."""
    secret = server_secret(db, TALLY_PURPOSE)

    def key_sum(day, activity, gender, n):
        """The sum (mod 2**32) of the first n keys of such alike rows."""
        with _tally_lock:
            if _tally_sums_kept[0] > _TALLY_SUMS_MAX:
                _TALLY_SUMS.clear()
                _tally_sums_kept[0] = 0
            known = _TALLY_SUMS.setdefault((secret, venue_id, day, activity, gender), [0])
            while len(known) <= n:
                i = len(known) - 1
                key = keyed(secret, TALLY_PURPOSE, venue_id, day,
                            "" if activity is None else activity, gender, "tally", i)
                known.append((known[-1] + int(key * KEY_SCALE)) % KEY_SCALE)
                _tally_sums_kept[0] += 1
            return known[n]

    return key_sum


def warm_tally_keys(db, venue_id, adding):
    """Before a change's transaction: the keys of the hand-counted rows it will add
    ([(activity id, date, gender, n)]), computed ahead and kept by tally_keys, so that the
    published totals read inside the transaction (revisions.py) find them ready and the write
    lock is held the shorter. A guess that turns out short only leaves work for later."""
    wanted = Counter()
    for activity, day, gender, n in adding:
        wanted[(day.isoformat(), activity, gender or "unstated")] += n or 0
    if not wanted:
        return
    days = sorted(day for day, _activity, _gender in wanted)
    have = Counter({(day, activity, gender): n for day, activity, gender, n in db.execute(
        "SELECT date, activity_id, coalesce(gender, 'unstated'), count(*) FROM visit "
        "WHERE venue_id = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL "
        "AND source = 'tally' GROUP BY 1, 2, 3", [venue_id, days[0], days[-1]])})
    key_sum = tally_keys(db, venue_id)
    for cell, n in wanted.items():
        key_sum(*cell, have[cell] + n)


def cell_parts(db, venue_id, first, last):
    """What a venue's finest cells first..last (whole months) are made of: (counts, key sums)
    of the check-ins' cells, {(month, activity id, gender column, linked): n}, and the
    hand-counted rows by day, {(date, activity id, gender): n} (their keys are derived from
    that: tally_keys). With DERIVED_TALLY_KEYS off, hand counts are in the cells and the
    second part is empty."""
    cells, keys = Counter(), Counter()
    span = [venue_id, first.isoformat(), last.isoformat()]
    cursor = db.conn.cursor()
    cursor.row_factory = None
    # Only fixed text is joined here (the tally filter or none); every value is a parameter.
    sql = ("SELECT substr(date, 1, 7), activity_id, coalesce(gender, 'unstated'), "
           "person_hash IS NOT NULL OR hash_removed, count(*), coalesce(sum(record_key), 0) "
           "FROM visit WHERE venue_id = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL "
           + ("AND source != 'tally' " if DERIVED_TALLY_KEYS else "")  # nosec B608
           + "GROUP BY 1, 2, 3, 4")
    for month, activity, gender, linked, n, key in cursor.execute(sql, span).fetchall():
        cell = (month, activity, GENDER_COLUMNS[GENDERS.index(gender)], bool(linked))
        cells[cell] += n
        keys[cell] += key
    tallies = {(day, activity, gender): n for day, activity, gender, n in cursor.execute(
        "SELECT date, activity_id, coalesce(gender, 'unstated'), count(*) FROM visit "
        "WHERE venue_id = ? AND date BETWEEN ? AND ? AND set_aside_id IS NULL "
        "AND source = 'tally' GROUP BY 1, 2, 3", span,
    ).fetchall()} if DERIVED_TALLY_KEYS else {}
    return cells, keys, tallies


def publish_parts(db, venue_id, cells, keys, tallies, *, counts=None):
    """{cell: published value} from cell_parts' three parts (the hand-counted rows' keys
    derived here). `counts`, a Counter, if given, receives each cell's exact count."""
    cells, keys = Counter(cells), Counter(keys)
    key_sum = None
    for (day, activity, gender), n in tallies.items():
        if n <= 0:
            continue
        key_sum = key_sum or tally_keys(db, venue_id)
        cell = (day[:7], activity, GENDER_COLUMNS[GENDERS.index(gender)], False)
        cells[cell] += n
        keys[cell] += key_sum(day, activity, gender, n)
    if counts is not None:
        counts.update(cells)
    return {cell: publish_count(n, keys[cell] % KEY_SCALE) for cell, n in cells.items()}


def published_cells(db, venue_id, first, last, *, counts=None):
    """The finest published cells of a venue's visits, first..last (whole months): {(month,
    activity id, gender column, linked): published value}, each cell perturbed on its own by
    the cell-key method from its records' keys. Every published visit figure is a sum of
    these: a part can never be published above its whole, nor differently from a whole with
    the same records. QR and tablet check-ins keep their stored random key; hand-counted
    and imported visits get theirs from what they are (tally_keys).

    `counts`, a Counter, if given, receives each cell's exact count: their sum is the exact
    total, read in the same pass (revisions.py asks for both)."""
    return publish_parts(db, venue_id, *cell_parts(db, venue_id, first, last), counts=counts)


def _published_venue_rows(db, venue, first, last, group, names, notes, closed, cells=None):
    """A venue's period rows and their activity rows, published: every visit figure the sum
    of its finest published cells (`cells`, if they were read already for a range holding
    first..last: each period below sums only its own months); persons only for a whole year,
    all activities, each gender perturbed on its own and the total their sum."""
    if cells is None:
        cells = published_cells(db, venue["id"], first, last)
    by_month = defaultdict(list)  # each period walks its own months' cells, not all of them
    for (month, activity, gender, linked), value in cells.items():
        by_month[month].append((activity, gender, linked, value))
    out = []
    for period in periods(first, last, group):
        base = {"period": period.label, "venue": venue["slug"], "activity": "", "note": "",
                "first_day": period.first.isoformat(), "last_day": period.last.isoformat()}
        sums = defaultdict(Counter)
        for month in periods_between(period.first, period.last, "month"):
            for activity, gender, linked, value in by_month.get(month, ()):
                counts = sums[activity]
                counts[f"visits_{gender}"] += value
                counts["visits_total"] += value
                if not linked:
                    counts["visits_unlinked"] += value

        def row_of(counts, base=base, **extra):
            row = dict(base, **extra)
            row.update({c: counts.get(c, 0) for c in (*VISIT_GENDER_COLUMNS, "visits_total",
                                                     "visits_unlinked")})
            row.update({c: None for c in (*SOURCE_COLUMNS, *PERSON_COLUMNS)})
            row["note"] = notes["year_only"]  # the year's total row says otherwise below
            return row

        activities = names(period.last)  # as they were called on the period's last day
        total = row_of(sum(sums.values(), Counter()))
        if group == "year":
            persons, person_keys, reason = _year_persons(db, venue["id"], period, closed)
            total["note"] = ""
            if persons is not None:
                own, own_keys = persons.get(ALL) or no_persons(), (person_keys or {}).get(ALL, {})
                for c in PERSON_GENDER_COLUMNS:
                    total[c] = publish_count(own[c], own_keys.get(c, 0))
                total["persons_total"] = sum(total[c] for c in PERSON_GENDER_COLUMNS)
            else:
                total["note"] = notes[reason]
        # A row for an activity only where a published number is not 0: that a row is there
        # then says nothing the numbers do not.
        present = sorted((a for a, counts in sums.items() if counts["visits_total"]),
                         key=lambda a, activities=activities: (
                             a is None, activity_order(activities.get(a, ""))))
        out.append((total, [row_of(sums[a], activity=activities.get(a, ""))
                            for a in present]))
    return out


def _year_persons(db, venue_id, period, closed):
    """Persons of a whole year with their key sums: counted, or kept at the close."""
    linked = defaultdict(list)
    for person, activity, gender in db.execute(
        "SELECT person_hash, activity_id, gender FROM visit WHERE venue_id = ? "
        "AND date BETWEEN ? AND ? AND person_hash IS NOT NULL AND set_aside_id IS NULL "
        "ORDER BY date", [venue_id, period.first.isoformat(), period.last.isoformat()]):
        linked[period.label].append((person, activity, gender))
    return persons_in_period(db, venue_id, period, linked, closed, keys=True)


def figures(db, first, last, group, *, by_activity=False, venue_id=None, min_cell=None,
            locale="sv", venue_ids=None, published=False, today=None, cells=None):
    """The export table for first..last (dates), one row per period (and activity).

    One venue (`venue_id`), some (`venue_ids`, e.g. those a staff account may see) or,
    with neither, every venue; several venues come in slug order, each hidden on its own.
    `published`: the figures that leave the organisation, every count perturbed on its own
    by the cell-key method, nothing hidden; only whole periods that ended before `today`
    (periods.published_range widens a range to them or says why not).

    `cells`: (first, last, published_cells(...)) of `venue_id` for a range that holds this
    one, read once for several published tables (the viewers' dashboard asks four): a cell
    is perturbed by its own records only, so the tables are summed from it as they would be
    from cells read for their own range, without reading the visits again.
    """
    if cells is not None:
        cells_first, cells_last, cells = cells
        if not (published and venue_id is not None and cells_first <= first
                and last <= cells_last):
            raise ValueError("cells serve a published table of their venue inside their range")
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
        "year_only": _("Published persons are given for whole years and all activities "
                       "only."),
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
    table.venue_names = {v["slug"]: r[0] for v in venue_list for r in db.execute(
        "SELECT name FROM venue WHERE id = ?", [v["id"]])}
    if today is not None:
        from checkin.publishing.api import internal_mark, published_mark

        names = ", ".join(r[0] for v in venue_list for r in db.execute(
            "SELECT name FROM venue WHERE id = ?", [v["id"]]))
        table.mark = (published_mark(locale, today, names) if published
                      else internal_mark(locale, today))
    for venue in venue_list:
        activities = names_on(db, venue["id"])
        if published and CONSISTENT:
            blocks = _published_venue_rows(db, venue, first, last, group, activities, notes,
                                           closed, cells)
            table.rows.extend(row for total, activity_rows in blocks
                              for row in (activity_rows if by_activity else [total]))
            continue
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
