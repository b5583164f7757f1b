"""The yearly report: the year beside the year before, activities held, the method paragraph and
the staff's narrative. No Flask."""

import datetime as dt
from collections import Counter

from checkin.db import writing
from checkin.figures.periods import FiguresError, Period, periods  # noqa: F401
from checkin.figures.tables import activity_order, figures
from checkin.i18n import translator
from checkin.visits.phones import closed_years
from checkin.week.schedule import occurrences


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
            for name in sorted(held, key=activity_order)]


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
