"""The yearly report: the year beside the year before, activities held, the method paragraph and
the staff's narrative. No Flask."""

import datetime as dt
from collections import Counter

from babel.dates import format_date

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.figures import revisions
from checkin.figures.history import activities_on
from checkin.figures.tables import activity_order, figures
from checkin.hours import to_the_hour
from checkin.i18n import translator
from checkin.publishing.api import published_range
from checkin.visits.api import closed_years, set_aside
from checkin.week.api import occurrences


def _share(part, whole):
    if isinstance(part, str) or isinstance(whole, str) or not whole:
        return None  # hidden or nothing to divide: no share that could reveal a hidden count
    return round(100 * part / whole)


def covers_until(year, today):
    """The last day a report of `year` made on `today` counts: today, or the year's end."""
    return min(today, dt.date(year, 12, 31))


def activities_held(db, venue_id, year, until):
    """How many times each activity was held from 1 January to `until` (cancelled ones not
    counted, nor anything planned after `until`: it has not been held yet), with the name
    and counted flag that held on `until` (activity_history): renaming an activity or
    unticking "counted" later leaves the report as it was."""
    held = Counter()
    first = dt.date(year, 1, 1)
    items = occurrences(db, venue_id, first, until) if until >= first else []
    then = activities_on(db, venue_id, until)
    for item in items:
        if not item["cancelled"]:
            held[item["activity"]["id"]] += 1
    rows = [{"activity": then[i]["name_sv"], "times": n, "counted": then[i]["counted"]}
            for i, n in held.items()]
    return sorted(rows, key=lambda r: activity_order(r["activity"]))


def _day(day, locale, with_year=True):
    return format_date(day, "d MMMM y" if with_year else "d MMMM", locale=locale)


def covers_text(year, until, locale):
    """'Uppgifterna gäller till och med 1 december 2026.' — said on every report."""
    _ = translator(locale).gettext
    if until < dt.date(year, 1, 1):
        return _("The year %(year)s has not begun: there are no figures yet.") % {"year": year}
    return _("Figures up to and including %(day)s.") % {"day": _day(until, locale)}


def incomplete_month(year, until):
    """'2026-12' when the report counts only part of that month (it has not ended), else None."""
    if until.year != year:
        return None
    following = (until.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return until.strftime("%Y-%m") if until < following - dt.timedelta(days=1) else None


def _year_figures(db, venue_id, year, min_cell, locale, published=False, today=None):
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    kw = {"venue_id": venue_id, "min_cell": min_cell, "locale": locale,
          "published": published, "today": today}
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


def _set_aside_when(when, locale):
    _ = translator(locale).gettext
    return ", ".join(
        _day(dt.date.fromisoformat(day), locale, with_year=False) if hour is None
        else _("%(day)s %(hour)s:00–%(next)s:00") % {
            "day": _day(dt.date.fromisoformat(day), locale, with_year=False),
            "hour": f"{hour:02d}", "next": f"{hour + 1:02d}"}
        for day, hour in when)


def method_text(*, min_cell, visits, unlinked, hidden_small, hidden_protecting, locale,
                closed=False, set_aside_visits=0, set_aside_when=(), published=False):
    """The method paragraph: how visits and persons were counted, what was set aside as a
    flood, and what was hidden or, in published figures, changed."""
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
    if set_aside_visits:
        parts.append(_(
            "%(n)s QR and tablet check-ins were set aside because no real door made them "
            "(far more than a normal busy day: %(when)s). They are kept but not counted in "
            "any figure here."
        ) % {"n": set_aside_visits, "when": _set_aside_when(set_aside_when, locale)})
    else:
        parts.append(_("No check-ins were set aside as made by no real door."))
    if closed:
        parts.append(_(
            "This year is closed: its phone hashes and its key were deleted after the year. "
            "Persons were counted just before that and kept for every day, week and month "
            "and every run of whole months, so these numbers are the same as before; a "
            "period cut at another day has no persons."))
    if published:
        parts.append(_(
            "Small numbers have been changed a little at random, the same way every time, so "
            "that no single visitor can be worked out. Statistics Sweden (SCB) uses the same "
            "method."))
        parts.append(_(
            "Each visit count of one month, activity and gender, from remembered phones or "
            "not, was changed on its own by at most 2, and none is shown as 1 or 2 (0 can "
            "stand for 0, 1 or 2). Every other visit number, totals included, is the sum of "
            "such counts, so totals add up exactly, and a sum of k counts can be off by up to "
            "2k. Persons are given for the whole year only, each gender changed on its own. "
            "Shares and means are worked out from the changed numbers."))
    elif min_cell:
        parts.append(_(
            "To keep anyone from being recognised, counts from 1 to %(below)s are shown as "
            "<%(n)s (%(small)s cells in this report), and %(protecting)s more cells are shown "
            "as .. so that a hidden count cannot be worked out by subtraction from a total."
        ) % {"below": min_cell - 1, "n": min_cell, "small": hidden_small,
             "protecting": hidden_protecting})
    return " ".join(parts)


def yearly_report(db, venue_id, year, *, today, min_cell=3, locale="sv", published=False):
    """Everything the yearly report page shows, the year before beside it, as made on
    `today` (the venue's local date): nothing after it is counted, and the report says so.

    `published`: the report for the city, every number perturbed by the cell-key method and
    nothing hidden; only for a year that ended before `today` (FiguresError says so). Without
    it: exact figures with small cells hidden, for use inside the organisation.
    """
    if published:
        published_range(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", today, locale)
        min_cell = None
    until = covers_until(year, today)
    this = _year_figures(db, venue_id, year, min_cell, locale, published, today)
    before = _year_figures(db, venue_id, year - 1, min_cell, locale, published, today)
    if published:  # the method paragraph gives no number that the tables do not publish
        visits = this["total"]["visits_total"]
        unlinked = min(visits, this["total"]["visits_unlinked"])
    else:
        raw = figures(db, dt.date(year, 1, 1), dt.date(year, 12, 31), "year",
                      venue_id=venue_id).rows[0]
        visits, unlinked = raw["visits_total"], raw["visits_unlinked"]
    aside, aside_when = set_aside.in_range(db, venue_id, dt.date(year, 1, 1),
                                           dt.date(year, 12, 31))
    return {
        "venue_id": venue_id, "year": year, "min_cell": min_cell, "published": published,
        "until": until, "covers": covers_text(year, until, locale),
        "until_text": _day(until, locale),
        "incomplete_month": incomplete_month(year, until), "until_month": until.strftime("%Y-%m"),
        "activities_held": activities_held(db, venue_id, year, until),
        "this_year": this, "year_before": before,
        "narrative": get_narrative(db, venue_id, year),
        "revisions": revisions.for_report(db, venue_id, year, locale, published),
        "method": method_text(
            min_cell=min_cell, visits=visits, unlinked=unlinked,
            hidden_small=this["hidden_small"], hidden_protecting=this["hidden_protecting"],
            locale=locale, closed=year in closed_years(db), set_aside_visits=aside,
            set_aside_when=aside_when, published=published),
    }


def get_narrative(db, venue_id, year):
    row = db.execute("SELECT * FROM report_narrative WHERE venue_id = ? AND year = ?",
                     [venue_id, year]).fetchone()
    return dict(row) if row else {"venue_id": venue_id, "year": year, "text": "",
                                  "updated_by": "", "updated_at": ""}


def save_narrative(db, venue_id, year, text, user, now):
    """Store the staff's narrative for a venue's year (replacing the one before), with the
    audit line of `user` (the account) in the same transaction. `now` is the venue's local
    time, the one the report prints beside the text."""
    # To the hour, as every staff time here (features.md): "kl. 15", never "kl. 15.34".
    stamp = to_the_hour(now).replace(tzinfo=None).isoformat(sep=" ")
    with writing(db):
        db.execute(
            "INSERT INTO report_narrative (venue_id, year, text, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (venue_id, year) DO UPDATE SET "
            "text = excluded.text, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            [venue_id, year, text, user["username"], stamp],
        )
        audit.write(db, user, "report text saved", f"{year}: {len(text)} characters",
                    venue_id, {"year": year})
