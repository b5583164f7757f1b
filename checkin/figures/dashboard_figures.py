"""The staff dashboard's numbers for one venue: today, this week, this month, the last two years.
No Flask."""

import datetime as dt
import math
from collections import Counter, defaultdict

from checkin.figures.history import names_on
from checkin.figures.tables import activity_order, figures, published_cells
from checkin.publishing.api import (
    GENDER_COLUMNS,
    last_whole,
    month_start,
    months_before,
)


def _by_gender(row, measure):
    if row[f"{measure}_total"] == "":
        return None
    return {g: row[f"{measure}_{g}"] for g in (*GENDER_COLUMNS, "total")}


# A flood: more QR and kiosk check-ins in one day, or in one hour, than FLOOD_FACTOR times a
# normal busy day. A normal busy day is the NORMAL_PERCENTILE-th percentile of the days with
# check-ins in the NORMAL_DAYS days before today, so one flood (or a few, up to a tenth of the
# days) does not raise the bar it is measured against; never less than NORMAL_FLOOR, so a new
# venue with a short history does not see every special occasion marked.
NORMAL_DAYS = 90
NORMAL_PERCENTILE = 90
NORMAL_FLOOR = 10
FLOOD_FACTOR = 3


def percentile(values, p):
    """The nearest-rank p-th percentile of `values` (0 for none)."""
    ordered = sorted(values)
    if not ordered:
        return 0
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def _check_ins_by_hour(db, venue_id, first, last):
    """{date: {hour: n}} of the QR and kiosk check-ins that still count."""
    out = defaultdict(Counter)
    for day, hour, n in db.execute(
        "SELECT date, hour, count(*) FROM visit WHERE venue_id = ? AND date BETWEEN ? AND ? "
        "AND source IN ('qr', 'kiosk') AND set_aside_id IS NULL GROUP BY 1, 2",
        [venue_id, first.isoformat(), last.isoformat()],
    ):
        out[day][hour] += n
    return out


def unusual_check_ins(db, venue_id, today):
    """Days (from NORMAL_DAYS before today up to today) and hours far above the venue's usual.

    Returns {'normal', 'limit', 'since', 'days': [{'date', 'visits', 'hours': [{'hour',
    'visits', 'unusual'}]}]}, newest day first; every hour of a marked day is listed so an
    admin can choose between the hour and the whole day.
    """
    since = today - dt.timedelta(days=NORMAL_DAYS)
    counts = _check_ins_by_hour(db, venue_id, since, today)
    before = [sum(hours.values()) for day, hours in counts.items() if day < today.isoformat()]
    normal = max(percentile(before, NORMAL_PERCENTILE), NORMAL_FLOOR)
    limit = FLOOD_FACTOR * normal
    days = []
    for day in sorted(counts, reverse=True):
        hours = counts[day]
        if sum(hours.values()) <= limit:
            continue  # an hour above the limit makes its day above it too
        days.append({
            "date": dt.date.fromisoformat(day), "visits": sum(hours.values()),
            "hours": [{"hour": h, "visits": n, "unusual": n > limit}
                      for h, n in sorted(hours.items(), key=lambda kv: (kv[0] is None, kv[0]))],
        })
    return {"normal": normal, "limit": limit, "since": since, "days": days}


def dashboard(db, venue_id, today, *, published=False):
    """Plain numbers for the dashboard of one venue.

    Exact (no hidden cells: inside only) for staff: today, this week, this month and the
    last 12 months up to today. `published`, for viewers: the figures that leave the
    organisation, perturbed, of whole periods that have ended: last month, last year and the
    last 12 whole months.
    """
    if published:  # by month and year only: persons only for a whole year (docs/figures.md)
        spans = {"month": (*last_whole("month", today), "month"),
                 "year": (*last_whole("year", today), "year")}
        end = last_whole("month", today)[1]
    else:
        spans = {
            "today": (today, today, "day"),
            "week": (today - dt.timedelta(days=today.weekday()), today, "week"),
            "month": (today.replace(day=1), today, "month"),
        }
        end = today
    kw = {"venue_id": venue_id, "published": published, "today": today}
    first_month = month_start(end, 23)
    if published:  # every published table below is summed from the 24 months' cells, read once
        kw["cells"] = (first_month, end, published_cells(db, venue_id, first_month, end))
    now = {}
    for name, (first, last, group) in spans.items():
        row = figures(db, first, last, group, **kw).rows[0]
        now[name] = {"first": first, "last": last, "label": row["period"],
                     "visits": _by_gender(row, "visits"),
                     "persons": _by_gender(row, "persons")}
    months = figures(db, first_month, end, "month", **kw).rows
    per_month = [
        {"month": months[i + 12]["period"], "visits": months[i + 12]["visits_total"],
         "women": months[i + 12]["visits_women"],
         "year_before": months[i]["period"], "visits_year_before": months[i]["visits_total"]}
        for i in range(12)
    ]
    if not published:
        # This month is not over: its year before is the same days a year before (1-6
        # December beside 1-6 December), never that whole month.
        same_days = (month_start(end, 12), months_before(end, 12))
        row = figures(db, *same_days, "month", **kw).rows[0]
        per_month[-1].update(visits_year_before=row["visits_total"],
                             year_before_days=same_days)
    year_ago = month_start(end, 11)
    # Published: summed from the whole months' published rows, never from a cut year.
    by_activity = figures(db, year_ago, end, "month" if published else "year",
                          by_activity=True, **kw).rows
    busiest = Counter()
    names = names_on(db, venue_id)
    for row in by_activity:
        if row["activity"]:
            # A month's row names its activity as on the month's last day: one renamed
            # since is counted under the name it has at the end of the 12 months.
            then = {n: i for i, n in names(dt.date.fromisoformat(row["last_day"])).items()}
            name = names(end).get(then.get(row["activity"]), row["activity"])
            busiest[name] += row["visits_total"]
    last_12 = months[12:]
    total = sum(r["visits_total"] for r in last_12)
    unlinked = min(total, sum(r["visits_unlinked"] for r in last_12))
    return {
        "today": today, "published": published, "spans": list(spans), "now": now,
        "per_month": per_month,
        # Check-ins by day and hour are for the staff who set a flood aside, never published.
        "unusual": None if published else unusual_check_ins(db, venue_id, today),
        "busiest": sorted(((name, n) for name, n in busiest.items() if n),
                          key=lambda kv: (-kv[1], activity_order(kv[0])))[:5],
        "remembered": {"since": year_ago, "until": end, "visits": total,
                       "linked": total - unlinked, "unlinked": unlinked,
                       "share_linked": round(100 * (total - unlinked) / total) if total else None},
    }
