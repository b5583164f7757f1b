"""Changes to a finished period's figures: which yearly reports a change alters and by how
much, asked before the change, and kept as dated revisions that the report lists. A period
is finished when it ended before today (a month, or a year); renaming an activity or
unticking "counted" is not such a change (history.py keeps the old values). Dates only,
never a time of day, nothing about who made it. No Flask."""

import datetime as dt
from collections import Counter

from babel.dates import format_date

from checkin.db import writing
from checkin.i18n import translator
from checkin.publishing.api import FiguresError, published_range

WHAT = ("import", "import_undone", "set_aside", "brought_back", "tally")


def finished_years(days, today):
    """The years of `days` (dates) that fall in a month that ended before `today`: their
    reports are finished periods (or hold one) and a change to them asks first."""
    this_month = today.replace(day=1)
    return sorted({d.year for d in days if d < this_month})


def exact_visits(db, venue_id, year):
    return db.execute(
        "SELECT count(*) FROM visit WHERE venue_id = ? AND date BETWEEN ? AND ? "
        "AND set_aside_id IS NULL", [venue_id, f"{year}-01-01", f"{year}-12-31"]).fetchone()[0]


def ready(db, venue_id=None, adding=()):
    """Before the change's transaction: make the secret that keys hand counts, if there is
    none yet (it is made in a transaction of its own), so published totals can be read in
    the change's; and compute ahead the keys of the hand-counted rows it will add
    ([(activity id, date, gender, n)]), so the transaction only reads them."""
    from checkin.figures.tables import TALLY_PURPOSE, warm_tally_keys
    from checkin.visits.api import server_secret

    server_secret(db, TALLY_PURPOSE)
    if adding:
        warm_tally_keys(db, venue_id, adding)


def before_change(db, venue_id, day, today):
    """Before a change to `day`: the totals of the finished year it is in, or {} (none is)."""
    years = finished_years({day}, today)
    if not years:
        return {}
    ready(db)
    return totals(db, venue_id, years, today)


def year_totals(db, venue_id, year, today):
    """(exact visits, published visits or None) of a year, as they are now: one pass over the
    year's visits where the year has ended (the exact total is the sum of the cells' counts),
    a count where it has not."""
    from checkin.figures.tables import published_cells

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    try:
        published_range(first, last, "year", today, "sv")
    except FiguresError:
        return exact_visits(db, venue_id, year), None
    counts = Counter()
    published = sum(published_cells(db, venue_id, first, last, counts=counts).values())
    return sum(counts.values()), published


def totals(db, venue_id, years, today):
    """{year: (exact visits, published visits or None)} as they are now."""
    return {y: year_totals(db, venue_id, y, today) for y in years}


def year_changes(db, venue_id, year):
    """How many times the venue's visits of `year` have changed (m026's triggers count every
    insert, update and delete): equal numbers, unchanged visits."""
    row = db.execute("SELECT n FROM visit_year_change WHERE venue_id = ? AND year = ?",
                     [venue_id, f"{year:04d}"]).fetchone()
    return row[0] if row else 0


def totals_ahead(db, venue_id, years, today, adding):
    """Before a change's transaction: {year: (changes, before, after)} for each ended year of
    `years`, where before and after are the year's totals now and once the hand-counted rows
    `adding` ([(activity id, date, gender, n)]) are added, and `changes` the year's change
    count read first. Inside the transaction, totals_inside takes them if the count has not
    moved. A year not ended (exact totals only, a count) is left to the transaction."""
    from checkin.figures.tables import DERIVED_TALLY_KEYS, cell_parts, publish_parts

    out = {}
    if not DERIVED_TALLY_KEYS:
        return out
    for year in years:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        try:
            published_range(first, last, "year", today, "sv")
        except FiguresError:
            continue
        changes = year_changes(db, venue_id, year)  # before the reads: a change after it shows
        cells, keys, tallies = cell_parts(db, venue_id, first, last)
        after_tallies = dict(tallies)
        for activity, day, gender, n in adding:
            if day.year == year and n:
                key = (day.isoformat(), activity, gender or "unstated")
                after_tallies[key] = after_tallies.get(key, 0) + n
        sides = []
        for rows in (tallies, after_tallies):
            counts = Counter()
            published = sum(publish_parts(db, venue_id, cells, keys, rows,
                                          counts=counts).values())
            sides.append((sum(counts.values()), published))
        out[year] = (changes, *sides)
    return out


def totals_inside(db, venue_id, years, today, ahead):
    """Inside the change's transaction: ({year: totals before}, {year: totals after} for the
    years whose totals_ahead still hold). A year changed since, or not worked out ahead, is
    read now (and its after left to record())."""
    before, after = {}, {}
    for year in years:
        known = ahead.get(year)
        if known and known[0] == year_changes(db, venue_id, year):
            before[year], after[year] = known[1], known[2]
        else:
            before[year] = year_totals(db, venue_id, year, today)
    return before, after


def effects(db, venue_id, days_added, today):
    """What adding visits would do, before it is done: [(year, before, after)] in exact
    visits, for each finished year that `days_added` (a date per visit) falls in."""
    added = {}
    for day in days_added:
        added[day.year] = added.get(day.year, 0) + 1
    out = []
    for year in finished_years(set(days_added), today):
        before = exact_visits(db, venue_id, year)
        out.append((year, before, before + added[year]))
    return out


def record(db, venue_id, before, what, today, after=None):
    """Inside the change's transaction, after it: a revision for each year of `before`
    ({year: (exact, published)}) whose figures it changed. `after`: the totals after the
    change where they are known already (totals_inside), else they are read."""
    assert what in WHAT
    for year, (exact, published) in before.items():
        now_exact, now_published = ((after or {}).get(year)
                                    or year_totals(db, venue_id, year, today))
        if now_exact == exact and now_published == published:
            continue
        db.execute(
            "INSERT INTO report_revision (venue_id, year, made_on, what, visits_before, "
            "visits_after, published_before, published_after) VALUES (?,?,?,?,?,?,?,?)",
            [venue_id, year, today.isoformat(), what, exact, now_exact,
             published if now_published is not None else None, now_published])


def record_after(db, venue_id, before, what, today):
    """record() in a transaction of its own, for a change made by a module that keeps its
    own transaction (set_aside.py): right after it, before the page answers."""
    with writing(db):
        record(db, venue_id, before, what, today)


def day_effects(db, venue_id, day, change, today):
    """[(year, before, after)] for visits of `day` changing by `change`, if finished."""
    if not change or not finished_years({day}, today):
        return []
    before = exact_visits(db, venue_id, day.year)
    return [(day.year, before, before + change)]


def for_report(db, venue_id, year, locale, published):
    """The revisions a report of `year` lists, oldest first, each a sentence: 'Rättad 15
    januari 2027: pappersräkningar importerade, +280 besök.' The published report lists
    those made after the year ended, with the change in published visits; the exact one
    every revision, in exact visits."""
    _ = translator(locale).gettext
    ngettext = translator(locale).ngettext
    what = {
        "import": _("counts kept on paper imported"),
        "import_undone": _("an import of counts undone"),
        "set_aside": _("check-ins set aside"),
        "brought_back": _("set-aside check-ins brought back"),
        "tally": _("a hand count corrected"),
    }
    out = []
    for row in db.execute("SELECT * FROM report_revision WHERE venue_id = ? AND year = ? "
                          "ORDER BY made_on, id", [venue_id, year]):
        if published:
            if row["published_before"] is None:
                continue  # before the year ended: the published report came after it
            change = row["published_after"] - row["published_before"]
            if not change:
                continue  # the published figures stayed the same
        else:
            change = row["visits_after"] - row["visits_before"]
        visits = ngettext("%(change)s visit", "%(change)s visits", abs(change)) % {
            "change": f"{change:+d}".replace("-", "−")}
        out.append(_("Revised %(day)s: %(what)s, %(visits)s.") % {
            "day": format_date(dt.date.fromisoformat(row["made_on"]), "d MMMM y",
                               locale=locale),
            "what": what[row["what"]], "visits": visits})
    return out


def effect_lines(effects_, locale):
    """'Årsrapporten 2025: 31 → 311 besök' for each (year, before, after)."""
    _ = translator(locale).gettext
    return [_("The yearly report %(year)s: %(before)s → %(after)s visits") % {
        "year": year, "before": before, "after": after} for year, before, after in effects_]
