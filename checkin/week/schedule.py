"""The week: recurring slots, one-off events, cancelled and moved occurrences. No Flask here."""

import datetime as dt
import re
from types import MappingProxyType

WEEK_RE = re.compile(r"([0-9]{4})-W([0-9]{2})", re.ASCII)
# Weeks far from now are nobody's programme, and the week after 9999-W52 is no date at all.
WEEK_YEARS = range(1900, 9000)


def monday_of(day):
    return day - dt.timedelta(days=day.weekday())


def week_label(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(label):
    """The Monday of an ISO week written `2026-W48`, or None if the label is not a real week."""
    match = WEEK_RE.fullmatch(label or "")
    if not match or int(match[1]) not in WEEK_YEARS:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _dates(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _every_week(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=7)


def occurrences(db, venue_id, first, last, *, moved_away=False, shown_only=False):
    """Everything on the venue's programme from `first` to `last`, in time order.

    With `shown_only`, only activities staff show in the week ("Visas i schemat"): what
    visitors see on the week, the door, the feed and the wall screen. Reports and counts
    take every occurrence, hidden ones too: their visits still happened.

    Each item is a dict with date, start, end, activity (a dict), kind ('slot' or 'event'),
    cancelled, moved_from (the original date of a moved occurrence), moved_to,
    note_sv/note_en and address (where it is held if not on site: the event's own place, else
    the activity's). With `moved_away`, a moved occurrence also leaves an item on its old
    day whose moved_to is the new date (for the week shown to people: "flyttad till
    torsdag"); such an item is not held that day, so counts never ask for it.
    """
    rows = {row["id"]: row for row in db.execute(
        "SELECT * FROM activity WHERE venue_id = ?", [venue_id])}
    if shown_only:
        rows = {i: row for i, row in rows.items() if row["active"]}
    made = {}

    def activities(activity_id):
        # One dict per activity, made only for those on the programme (all items share it).
        if activity_id not in made:
            made[activity_id] = dict(rows[activity_id])
        return made[activity_id]

    slots = db.execute(
        "SELECT * FROM slot WHERE venue_id = ? AND valid_from <= ? "
        "AND (valid_until IS NULL OR valid_until >= ?)",
        # A moved occurrence can land up to a week away from its own date.
        [venue_id, (last + dt.timedelta(days=7)).isoformat(),
         (first - dt.timedelta(days=7)).isoformat()],
    ).fetchall()
    changes = {
        (row["slot_id"], row["date"]): row
        for row in db.execute(
            "SELECT slot_change.* FROM slot_change JOIN slot ON slot.id = slot_change.slot_id "
            "WHERE slot.venue_id = ?",
            [venue_id],
        )
    }
    items = []
    wide_first, wide_last = first - dt.timedelta(days=7), last + dt.timedelta(days=7)
    for slot in slots:
        if slot["activity_id"] not in rows:
            continue  # an activity staff hide from the week
        # Only the slot's own weekday in the range: every seventh day from the first one.
        first_match = wide_first + dt.timedelta(
            days=(slot["weekday"] - wide_first.weekday()) % 7)
        for day in _every_week(first_match, wide_last):
            iso = day.isoformat()
            if iso < slot["valid_from"]:
                continue
            if slot["valid_until"] and iso > slot["valid_until"]:
                continue
            change = changes.get((slot["id"], iso))
            if change is None and not first <= day <= last:
                continue  # only a moved occurrence can come into the range from outside it
            item = {
                "date": day, "start": slot["start"], "end": slot["end"],
                "activity": activities(slot["activity_id"]), "kind": "slot",
                "cancelled": False, "moved_from": None, "moved_to": None,
                "note_sv": "", "note_en": "", "slot_id": slot["id"], "original_date": day,
                "address": rows[slot["activity_id"]]["address"],
            }
            if change:
                item["note_sv"], item["note_en"] = change["note_sv"], change["note_en"]
                if change["cancelled"]:
                    item["cancelled"] = True
                else:
                    if change["new_date"] and change["new_date"] != iso:
                        item["moved_from"] = day
                        item["date"] = dt.date.fromisoformat(change["new_date"])
                        if moved_away and first <= day <= last:
                            items.append({**item, "date": day, "moved_from": None,
                                          "moved_to": item["date"]})
                    item["start"] = change["new_start"] or item["start"]
                    item["end"] = change["new_end"] or item["end"]
            if first <= item["date"] <= last:
                items.append(item)
    for event in db.execute(
        "SELECT * FROM event WHERE venue_id = ? AND date BETWEEN ? AND ?",
        [venue_id, first.isoformat(), last.isoformat()],
    ):
        if event["activity_id"] not in rows:
            continue
        items.append({
            "date": dt.date.fromisoformat(event["date"]), "start": event["start"],
            "end": event["end"], "activity": activities(event["activity_id"]), "kind": "event",
            "cancelled": False, "moved_from": None, "moved_to": None,
            "note_sv": event["note_sv"], "note_en": event["note_en"], "event_id": event["id"],
            "address": event["address"] or rows[event["activity_id"]]["address"],
        })
    items.sort(key=lambda i: (i["date"], i["start"], i["activity"]["name_sv"]))
    return items


def week(db, venue_id, monday, *, shown_only=True):
    """The seven days from `monday`, each as (date, [occurrences]); a moved occurrence is on
    its new day and, as moved_to, on its old one. Staff pass shown_only=False to see the
    activities hidden from visitors too."""
    items = occurrences(db, venue_id, monday, monday + dt.timedelta(days=6), moved_away=True,
                        shown_only=shown_only)
    return [
        (day, [i for i in items if i["date"] == day])
        for day in _dates(monday, monday + dt.timedelta(days=6))
    ]


# What is made from the schedule alone — today's check-in choices, a rendered week page — kept
# per (database token, schedule version, what). Every write to the schedule's tables bumps
# the version (triggers of m009_bench), so an edit shows at once.
_kept = {}
KEPT_SIZE = 512


def schedule_version(db):
    """(the database's token, how many times its schedule was written)."""
    return tuple(db.execute("SELECT token, n FROM schedule_version").fetchone())


def kept_for_schedule(db, what, make):
    """make(), made once per schedule version and `what` (a hashable key), then shared.

    Not inside a transaction, which could still be rolled back; what `make` returns is
    shared by every request, so it must not be changed.
    """
    if db.conn.in_transaction:
        return make()
    key = (*schedule_version(db), *what)
    found = _kept.get(key)
    if found is None:
        found = make()
        if len(_kept) >= KEPT_SIZE:
            _kept.clear()
        _kept[key] = found
    return found


def check_in_choices(db, venue_id, day):
    """Today's activities a visitor can check in to: counted, held, not cancelled.

    Kept in memory per schedule version: one small query instead of walking the week
    (a sixth of a check-in).
    """
    return list(kept_for_schedule(db, ("choices", venue_id, day), lambda: tuple(
        MappingProxyType({**item, "activity": MappingProxyType(item["activity"])})
        for item in _check_in_choices(db, venue_id, day))))


def _check_in_choices(db, venue_id, day):
    seen, choices = set(), []
    for item in occurrences(db, venue_id, day, day, shown_only=True):
        activity = item["activity"]
        if item["cancelled"] or not activity["counted"] or activity["id"] in seen:
            continue
        seen.add(activity["id"])
        choices.append(item)
    return choices


def running_now(choices, moment):
    """The activity on now (or starting within half an hour), else None."""
    now = moment.strftime("%H:%M")
    soon = (moment + dt.timedelta(minutes=30)).strftime("%H:%M")
    for item in choices:
        if item["start"] <= soon and now < item["end"]:
            return item
    return None


def running_or_last(choices, moment):
    """The activity on now; else the latest one that has begun today (counting comes after);
    else None."""
    running = running_now(choices, moment)
    if running:
        return running
    now = moment.strftime("%H:%M")
    begun = [item for item in choices if item["start"] <= now]
    return begun[-1] if begun else None


# A door page opened just before an activity ended may still be tapped a little after.
LATE_TAP = dt.timedelta(minutes=30)


def _clock(moment):
    return moment.strftime("%H:%M")


def is_on(item, moment):
    """The occurrence runs right now."""
    return item["start"] <= _clock(moment) < item["end"]


def has_begun(item, moment):
    return item["start"] <= _clock(moment)


def has_ended(item, moment):
    return item["end"] <= _clock(moment)


# A visit without an activity ("just dropping in") is asked how the day was once its part of
# the day is over: the morning at 12, the afternoon at 17, the evening at 21. A visit from 21
# on is not asked (the browser's step ends at midnight).
DAY_PART_ENDS = (12, 17, 21)


def day_part_end(hour):
    """The hour the day part of a visit at `hour` ends, or None after the last one."""
    return next((end for end in DAY_PART_ENDS if hour < end), None)


def day_part_over(hour, moment):
    """The day part of a visit at `hour` is over at `moment` (the same day)."""
    end = day_part_end(hour)
    return end is not None and moment.hour >= end


def still_on(choices, moment):
    """Today's choices that have not ended: what the door offers."""
    return [item for item in choices if not has_ended(item, moment)]


def todays_activity(db, venue_id, moment, value):
    """Is this activity on the venue's programme today? Its occurrence, else None.

    `value` is what a form sent (a string) or an id. The one answer for the door, the kiosk
    and feedback: counted, held today, not cancelled.
    """
    value = str(value)
    for item in check_in_choices(db, venue_id, moment.date()):
        if str(item["activity"]["id"]) == value:
            return item
    return None


def may_check_in_to(item, moment):
    """A check-in for an occurrence that ended more than LATE_TAP ago is not one."""
    return not has_ended(item, moment - LATE_TAP)


def rest_of_day(db, venue_id, moment):
    """Everything on the programme today that has not ended, counted or not, not cancelled."""
    day = moment.date()
    return [item for item in occurrences(db, venue_id, day, day, shown_only=True)
            if not item["cancelled"] and not has_ended(item, moment)]
