"""The staff dashboard's numbers for one venue: today, this week, this month, the last two years.
No Flask."""

import datetime as dt
from collections import Counter

from checkin.figures.columns import GENDER_COLUMNS
from checkin.figures.periods import FiguresError, Period, month_start, periods  # noqa: F401
from checkin.figures.tables import activity_order, figures


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
    first_month = month_start(today, 23)
    months = figures(db, first_month, today, "month", venue_id=venue_id).rows
    per_month = [
        {"month": months[i + 12]["period"], "visits": months[i + 12]["visits_total"],
         "women": months[i + 12]["visits_women"],
         "year_before": months[i]["period"], "visits_year_before": months[i]["visits_total"]}
        for i in range(12)
    ]
    year_ago = month_start(today, 11)
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
        "busiest": sorted(busiest.items(), key=lambda kv: (-kv[1], activity_order(kv[0])))[:5],
        "remembered": {"since": year_ago, "visits": total, "linked": total - unlinked,
                       "unlinked": unlinked,
                       "share_linked": round(100 * (total - unlinked) / total) if total else None},
    }


