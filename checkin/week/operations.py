"""Changing the programme: activities, weekly slots, one-off events, cancelled or moved
occurrences, and venues' settings. Plain data in, plain data out; no Flask.

Reading the week for visitors stays in schedule.py; this module owns the writes.

The programme before today is history: the yearly report counts the activities held from it,
so no edit here changes a day before `today` (the venue's local date). A weekly time that has
run is never deleted or rewritten; it is ended, and a changed day or hours start a new weekly
time from a date. Refusals raise ProgrammeRefused with a reason the page turns into words.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checkin import venues
from checkin.accounts.api import audit
from checkin.db import writing
from checkin.week.schedule import week_label

PICTOGRAMS = ("sewing", "cooking", "talk", "computer", "writing", "film", "money", "yoga",
              "social", "women", "music", "walk", "plant", "tree", "radio", "star", "party",
              "meeting", "food", "sport", "people", "calendar", "checkin", "qr")
# \Z, not $: "$" also matches before a final newline, so "kiosk\n" passed and was saved as
# "kiosk" once stripped.
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}\Z")
# Words the staff pages use right after /staff/: a venue called so could not be edited.
STAFF_WORDS = {"users", "venues", "audit", "login", "logout", "password"}
MOVE_DAYS_MAX = 6  # a move further than this is another week's occurrence: add an event
# A programme day further ahead is a typo (2206 for 2026), and one at the end of the calendar
# broke the pages: a weekly time from 9999-12-31 on a Saturday had no first day.
AHEAD_DAYS_MAX = 36525  # 100 years


class ProgrammeRefused(ValueError):
    """Nothing was changed. `reason`: 'starts_in_past' (a new time or a change would start
    before today), 'past' (the day is history), 'too_late' (a day more than 100 years
    ahead), 'has_run' (a weekly time that has run cannot be deleted), 'ended' (it ended
    before yesterday: it is history), 'never_runs' (ended before its first time: remove it
    instead), 'too_far' (a move of more than six days), 'unknown'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def is_time(value):
    return bool(TIME_RE.match(value or ""))


# How staff write a time: 16, 16.00, 16:00, 16,00 (a Swedish keypad), 1600, 9.30, kl. 16.
_TIME_WRITTEN = re.compile(r"(?:kl\.?\s*)?(\d{1,2})(?:[.:,]?(\d{2}))?", re.ASCII | re.IGNORECASE)


def parse_time(value):
    """'HH:MM' from a time as staff write it, or None if it is not one."""
    match = _TIME_WRITTEN.fullmatch((value or "").strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def is_time_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def slug_problem(slug):
    """None if `slug` may be a venue's short name as it will be saved (stripped), else why
    not: 'form' or 'reserved'."""
    slug = (slug or "").strip()
    if not SLUG_RE.match(slug):
        return "form"
    if slug in venues.RESERVED_SLUGS or slug in STAFF_WORDS:
        return "reserved"
    return None


# --- activities -----------------------------------------------------------------------------

ACTIVITY_FIELDS = ("name_sv", "name_en", "description_sv", "description_en", "pictogram",
                   "address", "counted", "active")


def activities(db, venue_id):
    return [dict(r) for r in db.execute(
        "SELECT * FROM activity WHERE venue_id = ? ORDER BY active DESC, name_sv", [venue_id])]


def activity_choices(db, venue_id, only_counted=False):
    """(id, Swedish name) of the venue's active activities, for a staff form's list."""
    return [(a["id"], a["name_sv"]) for a in activities(db, venue_id)
            if a["active"] and (a["counted"] or not only_counted)]


def get_activity(db, venue_id, activity_id):
    row = db.execute("SELECT * FROM activity WHERE id = ? AND venue_id = ?",
                     [activity_id, venue_id]).fetchone()
    return dict(row) if row else None


def name_taken(db, venue_id, name_sv, activity_id=None):
    return db.execute(
        "SELECT 1 FROM activity WHERE venue_id = ? AND name_sv = ? AND id != ?",
        [venue_id, name_sv, activity_id or 0]).fetchone() is not None


def save_activity(db, venue_id, data, activity_id=None, *, user, today=None):
    """Insert or update an activity from a dict with ACTIVITY_FIELDS; returns its id. The
    audit line is written in the same transaction, and so is its history: a new name or
    counted flag holds from `today` (the venue's local date; its clock if not given), the
    old one stays for the days before, so a past period's report shows what was true then.
    A new activity's values hold from 2000-01-01: it had no other name before."""
    if data["pictogram"] not in PICTOGRAMS:
        raise ValueError("unknown pictogram")
    values = [data[f] for f in ACTIVITY_FIELDS]
    if today is None:
        venue = db.execute("SELECT timezone FROM venue WHERE id = ?", [venue_id]).fetchone()
        today = venues.local_now(venue).date()
    with writing(db):
        changed = {}
        if activity_id is not None:
            old = db.execute("SELECT * FROM activity WHERE id = ? AND venue_id = ?",
                             [activity_id, venue_id]).fetchone()
            changed = _changed(old, data, ACTIVITY_FIELDS) if old else {}
            if old:  # made before its history was kept (the demo, a test): it held till now
                db.execute(
                    "INSERT OR IGNORE INTO activity_history (activity_id, valid_from, "
                    "name_sv, name_en, counted) SELECT id, '2000-01-01', name_sv, name_en, "
                    "counted FROM activity WHERE id = ? AND NOT EXISTS (SELECT 1 FROM "
                    "activity_history WHERE activity_id = activity.id)", [activity_id])
        if activity_id is None:
            activity_id = db.execute(
                "INSERT INTO activity (venue_id, name_sv, name_en, description_sv, "
                "description_en, pictogram, address, counted, active) VALUES (?,?,?,?,?,?,?,?,?)",
                [venue_id, *values]).lastrowid
            action = "activity created"
        else:
            db.execute(
                "UPDATE activity SET name_sv = ?, name_en = ?, description_sv = ?, "
                "description_en = ?, pictogram = ?, address = ?, counted = ?, active = ? "
                "WHERE id = ? AND venue_id = ?", [*values, activity_id, venue_id])
            action = "activity changed"
        _keep_history(db, activity_id, data,
                      "2000-01-01" if action == "activity created" else today.isoformat())
        audit.write(db, user, action, data["name_sv"], venue_id,
                    {"name": data["name_sv"], "changed": changed})
    return activity_id


def _keep_history(db, activity_id, data, valid_from):
    """activity_history: a row from `valid_from` when the name or counted flag differs from
    what held that day (a second change on one day replaces the first; a change back to
    what held the day before removes the day's row)."""
    new = (data["name_sv"], data["name_en"], 1 if data["counted"] else 0)
    held = [tuple(r) for r in db.execute(
        "SELECT name_sv, name_en, counted FROM activity_history WHERE activity_id = ? "
        "AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1", [activity_id, valid_from])]
    if held == [new]:
        return
    before = [tuple(r) for r in db.execute(
        "SELECT name_sv, name_en, counted FROM activity_history WHERE activity_id = ? "
        "AND valid_from < ? ORDER BY valid_from DESC LIMIT 1", [activity_id, valid_from])]
    if before == [new]:
        db.execute("DELETE FROM activity_history WHERE activity_id = ? AND valid_from = ?",
                   [activity_id, valid_from])
        return
    db.execute(
        "INSERT INTO activity_history (activity_id, valid_from, name_sv, name_en, counted) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, valid_from) DO UPDATE SET "
        "name_sv = excluded.name_sv, name_en = excluded.name_en, counted = excluded.counted",
        [activity_id, valid_from, *new])


def _changed(old, new, fields):
    """{field: [old, new]} for each field whose value changes: the audit log says it."""
    return {f: [old[f], new[f]] for f in fields if f in new and str(old[f]) != str(new[f])}


# --- weekly slots ---------------------------------------------------------------------------

def slots(db, venue_id):
    return [dict(r) for r in db.execute(
        "SELECT slot.*, activity.name_sv, activity.pictogram FROM slot "
        "JOIN activity ON activity.id = slot.activity_id WHERE slot.venue_id = ? "
        "ORDER BY weekday, start, activity.name_sv", [venue_id])]


def get_slot(db, venue_id, slot_id):
    row = db.execute("SELECT * FROM slot WHERE id = ? AND venue_id = ?",
                     [slot_id, venue_id]).fetchone()
    return dict(row) if row else None


def overlapping_slots(db, venue_id, slot, slot_id=None):
    """Slots on the same weekday whose times and validity overlap `slot` (a dict)."""
    found = []
    for other in slots(db, venue_id):
        if other["id"] == slot_id or other["weekday"] != slot["weekday"]:
            continue
        if not (other["start"] < slot["end"] and slot["start"] < other["end"]):
            continue
        until = slot["valid_until"] or "9999-12-31"
        other_until = other["valid_until"] or "9999-12-31"
        if other["valid_from"] <= until and slot["valid_from"] <= other_until:
            found.append(other)
    return found


def first_time(slot):
    """The date of the slot's first occurrence (its weekday on or after valid_from)."""
    start = dt.date.fromisoformat(slot["valid_from"])
    return start + dt.timedelta(days=(slot["weekday"] - start.weekday()) % 7)


def has_run(slot, today):
    """True if the slot had an occurrence before `today`: then it is part of the history."""
    first = first_time(slot)
    return first < today and (not slot["valid_until"] or first.isoformat() <= slot["valid_until"])


def slot_facts(slot, activity_name):
    """What the audit log says of a weekly time, in any language (accounts/audit.py)."""
    return {"activity": activity_name, "weekday": slot["weekday"], "start": slot["start"],
            "end": slot["end"], "valid_from": slot["valid_from"],
            "valid_until": slot["valid_until"]}


def slot_text(slot, activity_name):
    """One line for the audit log: 'Yoga, weekday 4 10:00–11:00, 2026-11-23 – …'."""
    until = slot["valid_until"] or "…"
    return (f"{activity_name}, weekday {slot['weekday']} {slot['start']}–{slot['end']}, "
            f"{slot['valid_from']} – {until}")


def _activity_name(db, venue_id, activity_id):
    row = db.execute("SELECT name_sv FROM activity WHERE id = ? AND venue_id = ?",
                     [activity_id, venue_id]).fetchone()
    if row is None:
        raise ProgrammeRefused("unknown")
    return row[0]


def too_late(day, today):
    """True if `day` (an ISO date) is more than AHEAD_DAYS_MAX days after today."""
    return bool(day) and day > (today + dt.timedelta(days=AHEAD_DAYS_MAX)).isoformat()


def _check_not_too_late(today, *days):
    if any(too_late(day, today) for day in days):
        raise ProgrammeRefused("too_late")


def _check_dates(slot, today):
    _check_not_too_late(today, slot["valid_from"], slot["valid_until"])
    if slot["valid_from"] < today.isoformat():
        raise ProgrammeRefused("starts_in_past")
    if slot["valid_until"] and slot["valid_until"] < slot["valid_from"]:
        raise ProgrammeRefused("never_runs")


def _insert_slot(db, venue_id, slot):
    return db.execute(
        'INSERT INTO slot (venue_id, activity_id, weekday, start, "end", valid_from, '
        "valid_until) VALUES (?,?,?,?,?,?,?)",
        [venue_id, slot["activity_id"], slot["weekday"], slot["start"], slot["end"],
         slot["valid_from"], slot["valid_until"]]).lastrowid


def add_slot(db, venue_id, slot, *, today, user):
    """A new weekly time from slot['valid_from'] (today or later, never the past).

    slot: activity_id, weekday, start, end, valid_from, valid_until (ISO dates or None).
    Returns its id; the audit line is written in the same transaction.
    """
    _check_dates(slot, today)
    with writing(db):
        name = _activity_name(db, venue_id, slot["activity_id"])
        slot_id = _insert_slot(db, venue_id, slot)
        audit.write(db, user, "weekly time created", slot_text(slot, name), venue_id,
                    slot_facts(slot, name))
    return slot_id


def _end_at(db, slot, last_day):
    """Set the slot's last day and drop its cancellations and moves after it (those times
    will not be held); returns how many were dropped. The caller holds the write."""
    db.execute("UPDATE slot SET valid_until = ? WHERE id = ?", [last_day, slot["id"]])
    if last_day is None:
        return 0
    return db.execute("DELETE FROM slot_change WHERE slot_id = ? AND date > ?",
                      [slot["id"], last_day]).rowcount


def _check_new_end(slot, last_day, today):
    """Moving the last day changes the days between the old and the new one: all of them
    must be today or later. (None: no end.)"""
    _check_not_too_late(today, last_day)
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    earlier = min(d for d in (slot["valid_until"], last_day, "9999-12-31") if d)
    if earlier < yesterday:
        raise ProgrammeRefused("ended" if slot["valid_until"] and slot["valid_until"] < yesterday
                               else "past")
    if last_day and last_day < first_time(slot).isoformat():
        raise ProgrammeRefused("never_runs")


def end_slot(db, venue_id, slot_id, *, last_day, today, user):
    """End a weekly time: `last_day` (ISO date, yesterday or later) is the last day it runs.

    Returns how many of its cancellations or moves after that day were dropped.
    """
    slot = get_slot(db, venue_id, slot_id)
    if slot is None:
        raise ProgrammeRefused("unknown")
    _check_new_end(slot, last_day, today)
    with writing(db):
        name = _activity_name(db, venue_id, slot["activity_id"])
        dropped = _end_at(db, slot, last_day)
        ended = {**slot, "valid_until": last_day}
        audit.write(db, user, "weekly time ended", slot_text(ended, name), venue_id,
                    slot_facts(ended, name))
    return dropped


def change_slot(db, venue_id, slot_id, new, *, today, user):
    """Change a weekly time (new: the fields of add_slot).

    A time that has not run yet is changed in place (it starts today or later). A time that
    has run keeps its past: if its activity, day or hours change, it ends the day before
    new['valid_from'] (today or later) and a new weekly time starts that day, taking over the
    cancellations and moves of its days; if only its last day changes, it is ended there.
    Returns {'id': the weekly time that now runs, 'split': bool, 'dropped': how many
    cancellations or moves no longer apply}.
    """
    old = get_slot(db, venue_id, slot_id)
    if old is None:
        raise ProgrammeRefused("unknown")
    if not has_run(old, today):
        _check_dates(new, today)
        with writing(db):
            name = _activity_name(db, venue_id, new["activity_id"])
            db.execute(
                'UPDATE slot SET activity_id = ?, weekday = ?, start = ?, "end" = ?, '
                "valid_from = ?, valid_until = ? WHERE id = ? AND venue_id = ?",
                [new["activity_id"], new["weekday"], new["start"], new["end"],
                 new["valid_from"], new["valid_until"], slot_id, venue_id])
            audit.write(db, user, "weekly time changed", slot_text(new, name), venue_id,
                        slot_facts(new, name))
        return {"id": slot_id, "split": False, "dropped": 0, "taken_over": 0}
    if all(old[k] == new[k] for k in ("activity_id", "weekday", "start", "end")):
        dropped = 0
        if old["valid_until"] != new["valid_until"]:
            dropped = end_slot(db, venue_id, slot_id, last_day=new["valid_until"], today=today,
                               user=user)
        return {"id": slot_id, "split": False, "dropped": dropped, "taken_over": 0}
    _check_dates(new, today)
    last_old = (dt.date.fromisoformat(new["valid_from"]) - dt.timedelta(days=1)).isoformat()
    _check_new_end(old, last_old, today)
    with writing(db):
        old_name = _activity_name(db, venue_id, old["activity_id"])
        name = _activity_name(db, venue_id, new["activity_id"])
        new_id = _insert_slot(db, venue_id, new)
        # A cancellation or move of a day the new time also runs on belongs to it now.
        moved = db.execute(
            "UPDATE slot_change SET slot_id = ? WHERE slot_id = ? AND date >= ? "
            "AND CAST(strftime('%w', date) AS INTEGER) = ? AND (? IS NULL OR date <= ?)",
            [new_id, slot_id, new["valid_from"], (new["weekday"] + 1) % 7,
             new["valid_until"], new["valid_until"]]).rowcount
        dropped = _end_at(db, old, last_old)
        audit.write(db, user, "weekly time changed from a date",
                    f"{slot_text({**old, 'valid_until': last_old}, old_name)} → "
                    f"{slot_text(new, name)}", venue_id, slot_facts(new, name))
    return {"id": new_id, "split": True, "dropped": dropped, "taken_over": moved}


def delete_slot(db, venue_id, slot_id, *, today, user):
    """Remove a weekly time that has never run (with its cancellations and moves). One that
    has run is history: end it instead."""
    slot = get_slot(db, venue_id, slot_id)
    if slot is None:
        raise ProgrammeRefused("unknown")
    if has_run(slot, today):
        raise ProgrammeRefused("has_run")
    with writing(db):
        name = _activity_name(db, venue_id, slot["activity_id"])
        db.execute("DELETE FROM slot_change WHERE slot_id = ?", [slot_id])
        db.execute("DELETE FROM slot WHERE id = ? AND venue_id = ?", [slot_id, venue_id])
        audit.write(db, user, "weekly time removed", slot_text(slot, name), venue_id,
                    slot_facts(slot, name))


def slot_runs_on(slot, day):
    iso = day.isoformat()
    return (day.weekday() == slot["weekday"] and slot["valid_from"] <= iso
            and (not slot["valid_until"] or iso <= slot["valid_until"]))


# --- one-off events -------------------------------------------------------------------------

def get_event(db, venue_id, event_id):
    row = db.execute("SELECT * FROM event WHERE id = ? AND venue_id = ?",
                     [event_id, venue_id]).fetchone()
    return dict(row) if row else None


def _check_not_past(day, today):
    if day < today.isoformat():
        raise ProgrammeRefused("past")


def save_event(db, venue_id, event, event_id=None, *, today, new_activity=None, user):
    """event: activity_id, date, start, end, note_sv, note_en, address (empty: where the
    activity usually is). Neither the event's day nor, for a change, its old day may be
    before today: a past event is history. With `new_activity` (a name), that activity is
    made first, counted, in the same transaction; returns (event id, activity id). The audit
    lines (the new activity's, the event's) are written in the same transaction."""
    _check_not_too_late(today, event["date"])
    _check_not_past(event["date"], today)
    with writing(db):
        activity_id = event["activity_id"]
        if event_id is not None:
            old = get_event(db, venue_id, event_id)
            if old is None:
                raise ProgrammeRefused("unknown")
            _check_not_past(old["date"], today)
        if new_activity:
            activity_id = db.execute(
                "INSERT INTO activity (venue_id, name_sv, pictogram) VALUES (?, ?, 'star')",
                [venue_id, new_activity]).lastrowid
            audit.write(db, user, "activity created", new_activity, venue_id,
                        {"name": new_activity})
        name = _activity_name(db, venue_id, activity_id)
        values = [activity_id, event["date"], event["start"], event["end"],
                  event["note_sv"], event["note_en"], event.get("address", "")]
        if event_id is None:
            event_id = db.execute(
                'INSERT INTO event (venue_id, activity_id, date, start, "end", note_sv, note_en, '
                "address) VALUES (?,?,?,?,?,?,?,?)", [venue_id, *values]).lastrowid
            action = "event created"
        else:
            db.execute(
                'UPDATE event SET activity_id = ?, date = ?, start = ?, "end" = ?, note_sv = ?, '
                "note_en = ?, address = ? WHERE id = ? AND venue_id = ?",
                [*values, event_id, venue_id])
            action = "event changed"
        audit.write(db, user, action, f"{name}, {event['date']} {event['start']}–{event['end']}",
                    venue_id, {"activity": name, "date": event["date"],
                               "start": event["start"], "end": event["end"]})
    return event_id, activity_id


def delete_event(db, venue_id, event_id, *, today, user):
    """Remove an event of today or later, with its audit line in the same transaction."""
    with writing(db):
        old = get_event(db, venue_id, event_id)
        if old is None:
            raise ProgrammeRefused("unknown")
        _check_not_past(old["date"], today)
        name = _activity_name(db, venue_id, old["activity_id"])
        db.execute("DELETE FROM event WHERE id = ? AND venue_id = ?", [event_id, venue_id])
        audit.write(db, user, "event removed", f"{old['date']} {old['start']}–{old['end']}",
                    venue_id, {"activity": name, "date": old["date"], "start": old["start"],
                               "end": old["end"]})


# --- one occurrence cancelled or moved ------------------------------------------------------

def get_change(db, slot_id, day):
    row = db.execute("SELECT * FROM slot_change WHERE slot_id = ? AND date = ?",
                     [slot_id, day.isoformat()]).fetchone()
    return dict(row) if row else None


def check_change(day, change, today):
    """The rules of one cancelled or moved occurrence, in one place: not a day before today,
    and a move of at most MOVE_DAYS_MAX days to today or later."""
    _check_not_too_late(today, day.isoformat(), change["new_date"])
    _check_not_past(day.isoformat(), today)
    if not change["cancelled"]:
        new_date = dt.date.fromisoformat(change["new_date"])
        if abs((new_date - day).days) > MOVE_DAYS_MAX:
            raise ProgrammeRefused("too_far")
        _check_not_past(change["new_date"], today)


def _slot_and_name(db, slot_id):
    row = db.execute("SELECT slot.venue_id, activity.name_sv FROM slot JOIN activity ON "
                     "activity.id = slot.activity_id WHERE slot.id = ?", [slot_id]).fetchone()
    if row is None:
        raise ProgrammeRefused("unknown")
    return row[0], row[1]


def save_change(db, slot_id, day, change, *, today, user):
    """change: cancelled (bool), new_date, new_start, new_end (or None), note_sv, note_en.
    It replaces the occurrence's change if it had one; the audit line is written in the same
    transaction."""
    check_change(day, change, today)
    with writing(db):
        venue_id, name = _slot_and_name(db, slot_id)
        old = get_change(db, slot_id, day)
        if old and old["new_date"] and old["new_date"] < today.isoformat():
            raise ProgrammeRefused("past")  # moved to a day that is history now
        db.execute("DELETE FROM slot_change WHERE slot_id = ? AND date = ?",
                   [slot_id, day.isoformat()])
        db.execute(
            "INSERT INTO slot_change (slot_id, date, cancelled, new_date, new_start, new_end, "
            "note_sv, note_en) VALUES (?,?,?,?,?,?,?,?)",
            [slot_id, day.isoformat(), int(change["cancelled"]), change["new_date"],
             change["new_start"], change["new_end"], change["note_sv"], change["note_en"]])
        what = "cancelled" if change["cancelled"] else (
            f"moved to {change['new_date']} {change['new_start']}–{change['new_end']}")
        audit.write(db, user, "occurrence changed", f"{name} {day.isoformat()}: {what}",
                    venue_id, {"activity": name, "date": day.isoformat(), **change})


def delete_change(db, slot_id, day, *, today, user):
    """The occurrence is held at its usual time again; an audit line in the same
    transaction."""
    _check_not_past(day.isoformat(), today)
    with writing(db):
        venue_id, name = _slot_and_name(db, slot_id)
        old = get_change(db, slot_id, day)
        if old and old["new_date"] and old["new_date"] < today.isoformat():
            raise ProgrammeRefused("past")
        db.execute("DELETE FROM slot_change WHERE slot_id = ? AND date = ?",
                   [slot_id, day.isoformat()])
        audit.write(db, user, "occurrence restored", f"{name} {day.isoformat()}", venue_id,
                    {"activity": name, "date": day.isoformat()})


def week_changes(db, venue_id, monday, *, today):
    """This week's cancellations and moves, each with what copying it to next week would do.

    Each is a slot_change row as a dict with name_sv, next_date (the same occurrence a week
    later), next_new_date and next_state: 'copy', 'has_own' (next week already has its own
    change, which stays), 'not_held' (the weekly time does not run then) or 'past' (the day,
    or the day it would move to, is before today: history is not edited).
    """
    sunday = monday + dt.timedelta(days=6)
    rows = [dict(r) for r in db.execute(
        "SELECT slot_change.*, slot.weekday, slot.valid_from, slot.valid_until, slot.start, "
        'slot."end", activity.name_sv FROM slot_change '
        "JOIN slot ON slot.id = slot_change.slot_id "
        "JOIN activity ON activity.id = slot.activity_id "
        "WHERE slot.venue_id = ? AND slot_change.date BETWEEN ? AND ? "
        "ORDER BY slot_change.date, slot.start",
        [venue_id, monday.isoformat(), sunday.isoformat()])]
    week = dt.timedelta(days=7)
    for row in rows:
        day = dt.date.fromisoformat(row["date"]) + week
        row["next_date"] = day
        row["next_new_date"] = (dt.date.fromisoformat(row["new_date"]) + week
                                if row["new_date"] else day)
        if not slot_runs_on(row, day):
            row["next_state"] = "not_held"
        elif day < today or row["next_new_date"] < today:
            row["next_state"] = "past"
        elif get_change(db, row["slot_id"], day):
            row["next_state"] = "has_own"
        else:
            row["next_state"] = "copy"
    return rows


def copy_week_changes(db, venue_id, monday, *, today, notes=None, user):
    """Repeat this week's cancellations and moves one week later; returns how many were copied.

    `notes` ({slot_change id: (note_sv, note_en)}) copies only those changes, with these
    notes; without it every change is copied with its note as it is. An occurrence next week
    that already has its own change keeps it, and nothing is copied to a day before today (or
    moved to one): that day is history. The audit line is written in the same transaction.
    """
    copied = 0
    with writing(db):
        changes = [c for c in week_changes(db, venue_id, monday, today=today)
                   if c["next_state"] == "copy"]
        for row in changes:
            if notes is not None and row["id"] not in notes:
                continue
            note_sv, note_en = notes[row["id"]] if notes is not None else (
                row["note_sv"], row["note_en"])
            cursor = db.execute(
                "INSERT OR IGNORE INTO slot_change (slot_id, date, cancelled, new_date, "
                "new_start, new_end, note_sv, note_en) VALUES (?,?,?,?,?,?,?,?)",
                [row["slot_id"], row["next_date"].isoformat(), row["cancelled"],
                 row["next_new_date"].isoformat() if row["new_date"] else None,
                 row["new_start"], row["new_end"], note_sv, note_en])
            copied += cursor.rowcount
        audit.write(db, user, "week changes copied",
                    f"{week_label(monday)} → {week_label(monday + dt.timedelta(days=7))}: "
                    f"{copied}", venue_id, {"copied": copied, "week": monday.isocalendar()[1]})
    return copied


# --- venues ---------------------------------------------------------------------------------

VENUE_FIELDS = ("slug", "name", "organisation", "address", "timezone", "opening_days")


def slug_taken(db, slug, venue_id=None):
    return db.execute("SELECT 1 FROM venue WHERE slug = ? AND id != ?",
                      [slug, venue_id or 0]).fetchone() is not None


def save_venue(db, venue, venue_id=None, *, user):
    """venue: VENUE_FIELDS, opening_days as '0,1,2'. A new venue gets a new door key. Returns
    its id; the audit line is written in the same transaction. A short name that is not
    exactly one we allow (stripped, no newline, not reserved) raises ValueError."""
    if venue["slug"] != (venue["slug"] or "").strip() or slug_problem(venue["slug"]):
        raise ValueError(f"not a short name we allow: {venue['slug']!r}")
    values = [venue[f] for f in VENUE_FIELDS]
    with writing(db):
        changed = {}
        if venue_id is not None:
            old = db.execute("SELECT * FROM venue WHERE id = ?", [venue_id]).fetchone()
            changed = _changed(old, venue, VENUE_FIELDS) if old else {}
        if venue_id is None:
            venue_id = db.execute(
                "INSERT INTO venue (slug, name, organisation, address, timezone, opening_days, "
                "door_key) VALUES (?,?,?,?,?,?,?)", [*values, venues.new_door_key()]).lastrowid
            action = "venue created"
        else:
            db.execute(
                "UPDATE venue SET slug = ?, name = ?, organisation = ?, address = ?, "
                "timezone = ?, opening_days = ? WHERE id = ?", [*values, venue_id])
            action = "venue changed"
        audit.write(db, user, action, f"{venue['name']} ({venue['slug']})", venue_id,
                    {"name": venue["name"], "changed": changed})
    return venue_id


def replace_door_key(db, venue_id, *, user):
    """A new door key: every poster printed before now shows 'this code is old'. The audit
    line is written in the same transaction."""
    key = venues.new_door_key()
    with writing(db):
        db.execute("UPDATE venue SET door_key = ? WHERE id = ?", [key, venue_id])
        audit.write(db, user, "door key replaced", "", venue_id)
    return key


def meeting_activity(db, venue_id, name, *, user):
    """Inside the caller's transaction (a meeting starting, feedback/meetings.py): the counted
    activity a meeting's headcount is tallied to, one of its name, made if there is none (as
    staff would make it, shown in the week only if they schedule it), with its audit line."""
    row = db.execute("SELECT id FROM activity WHERE venue_id = ? AND name_sv = ?",
                     [venue_id, name]).fetchone()
    if row:
        return row[0]
    activity_id = db.execute(
        "INSERT INTO activity (venue_id, name_sv, pictogram, counted, active) "
        "VALUES (?, ?, 'meeting', 1, 0)", [venue_id, name]).lastrowid
    audit.write(db, user, "activity created", name, venue_id, {"name": name})
    return activity_id
