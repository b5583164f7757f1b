"""Changing the programme: activities, weekly slots, one-off events, cancelled or moved
occurrences, and venues' settings. Plain data in, plain data out; no Flask.

Reading the week for visitors stays in schedule.py; this module owns the writes.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checkin.db import writing
from checkin.week import venues

PICTOGRAMS = ("sewing", "cooking", "talk", "computer", "writing", "film", "money", "yoga",
              "social", "women", "music", "walk", "plant", "tree", "radio", "star", "party",
              "meeting", "food", "sport", "people", "calendar", "checkin", "qr")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# Words the staff pages use right after /staff/: a venue called so could not be edited.
STAFF_WORDS = {"users", "venues", "audit", "login", "logout", "password"}


def is_time(value):
    return bool(TIME_RE.match(value or ""))


def is_time_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def slug_problem(slug):
    if not SLUG_RE.match(slug or ""):
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


def save_activity(db, venue_id, data, activity_id=None):
    """Insert or update an activity from a dict with ACTIVITY_FIELDS; returns its id."""
    if data["pictogram"] not in PICTOGRAMS:
        raise ValueError("unknown pictogram")
    values = [data[f] for f in ACTIVITY_FIELDS]
    with writing(db):
        if activity_id is None:
            return db.execute(
                "INSERT INTO activity (venue_id, name_sv, name_en, description_sv, "
                "description_en, pictogram, address, counted, active) VALUES (?,?,?,?,?,?,?,?,?)",
                [venue_id, *values]).lastrowid
        db.execute(
            "UPDATE activity SET name_sv = ?, name_en = ?, description_sv = ?, "
            "description_en = ?, pictogram = ?, address = ?, counted = ?, active = ? "
            "WHERE id = ? AND venue_id = ?", [*values, activity_id, venue_id])
        return activity_id


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


def save_slot(db, venue_id, slot, slot_id=None):
    """slot: activity_id, weekday, start, end, valid_from, valid_until (or None)."""
    values = [slot["activity_id"], slot["weekday"], slot["start"], slot["end"],
              slot["valid_from"], slot["valid_until"]]
    with writing(db):
        if slot_id is None:
            return db.execute(
                'INSERT INTO slot (venue_id, activity_id, weekday, start, "end", valid_from, '
                "valid_until) VALUES (?,?,?,?,?,?,?)", [venue_id, *values]).lastrowid
        db.execute(
            'UPDATE slot SET activity_id = ?, weekday = ?, start = ?, "end" = ?, '
            "valid_from = ?, valid_until = ? WHERE id = ? AND venue_id = ?",
            [*values, slot_id, venue_id])
        return slot_id


def delete_slot(db, venue_id, slot_id):
    with writing(db):
        db.execute("DELETE FROM slot_change WHERE slot_id IN "
                   "(SELECT id FROM slot WHERE id = ? AND venue_id = ?)", [slot_id, venue_id])
        db.execute("DELETE FROM slot WHERE id = ? AND venue_id = ?", [slot_id, venue_id])


def slot_runs_on(slot, day):
    iso = day.isoformat()
    return (day.weekday() == slot["weekday"] and slot["valid_from"] <= iso
            and (not slot["valid_until"] or iso <= slot["valid_until"]))


# --- one-off events -------------------------------------------------------------------------

def get_event(db, venue_id, event_id):
    row = db.execute("SELECT * FROM event WHERE id = ? AND venue_id = ?",
                     [event_id, venue_id]).fetchone()
    return dict(row) if row else None


def save_event(db, venue_id, event, event_id=None):
    """event: activity_id, date, start, end, note_sv, note_en."""
    values = [event["activity_id"], event["date"], event["start"], event["end"],
              event["note_sv"], event["note_en"]]
    with writing(db):
        if event_id is None:
            return db.execute(
                'INSERT INTO event (venue_id, activity_id, date, start, "end", note_sv, note_en) '
                "VALUES (?,?,?,?,?,?,?)", [venue_id, *values]).lastrowid
        db.execute(
            'UPDATE event SET activity_id = ?, date = ?, start = ?, "end" = ?, note_sv = ?, '
            "note_en = ? WHERE id = ? AND venue_id = ?", [*values, event_id, venue_id])
        return event_id


def delete_event(db, venue_id, event_id):
    with writing(db):
        db.execute("DELETE FROM event WHERE id = ? AND venue_id = ?", [event_id, venue_id])


# --- one occurrence cancelled or moved ------------------------------------------------------

def get_change(db, slot_id, day):
    row = db.execute("SELECT * FROM slot_change WHERE slot_id = ? AND date = ?",
                     [slot_id, day.isoformat()]).fetchone()
    return dict(row) if row else None


def save_change(db, slot_id, day, change):
    """change: cancelled (bool), new_date, new_start, new_end (or None), note_sv, note_en."""
    with writing(db):
        db.execute("DELETE FROM slot_change WHERE slot_id = ? AND date = ?",
                   [slot_id, day.isoformat()])
        db.execute(
            "INSERT INTO slot_change (slot_id, date, cancelled, new_date, new_start, new_end, "
            "note_sv, note_en) VALUES (?,?,?,?,?,?,?,?)",
            [slot_id, day.isoformat(), int(change["cancelled"]), change["new_date"],
             change["new_start"], change["new_end"], change["note_sv"], change["note_en"]])


def delete_change(db, slot_id, day):
    with writing(db):
        db.execute("DELETE FROM slot_change WHERE slot_id = ? AND date = ?",
                   [slot_id, day.isoformat()])


def copy_week_changes(db, venue_id, monday):
    """Repeat this week's cancellations and moves one week later; returns how many were copied.

    An occurrence next week that already has its own change keeps it.
    """
    sunday = monday + dt.timedelta(days=6)
    rows = db.execute(
        "SELECT slot_change.*, slot.weekday, slot.valid_from, slot.valid_until FROM slot_change "
        "JOIN slot ON slot.id = slot_change.slot_id "
        "WHERE slot.venue_id = ? AND slot_change.date BETWEEN ? AND ?",
        [venue_id, monday.isoformat(), sunday.isoformat()]).fetchall()
    copied = 0
    week = dt.timedelta(days=7)
    with writing(db):
        for row in rows:
            day = dt.date.fromisoformat(row["date"]) + week
            if not slot_runs_on(row, day):
                continue
            new_date = row["new_date"] and (dt.date.fromisoformat(row["new_date"]) + week)
            cursor = db.execute(
                "INSERT OR IGNORE INTO slot_change (slot_id, date, cancelled, new_date, "
                "new_start, new_end, note_sv, note_en) VALUES (?,?,?,?,?,?,?,?)",
                [row["slot_id"], day.isoformat(), row["cancelled"],
                 new_date.isoformat() if new_date else None, row["new_start"], row["new_end"],
                 row["note_sv"], row["note_en"]])
            copied += cursor.rowcount
    return copied


# --- venues ---------------------------------------------------------------------------------

VENUE_FIELDS = ("slug", "name", "organisation", "address", "timezone", "opening_days")


def slug_taken(db, slug, venue_id=None):
    return db.execute("SELECT 1 FROM venue WHERE slug = ? AND id != ?",
                      [slug, venue_id or 0]).fetchone() is not None


def save_venue(db, venue, venue_id=None):
    """venue: VENUE_FIELDS, opening_days as '0,1,2'. A new venue gets a new door key."""
    values = [venue[f] for f in VENUE_FIELDS]
    with writing(db):
        if venue_id is None:
            return db.execute(
                "INSERT INTO venue (slug, name, organisation, address, timezone, opening_days, "
                "door_key) VALUES (?,?,?,?,?,?,?)", [*values, venues.new_door_key()]).lastrowid
        db.execute(
            "UPDATE venue SET slug = ?, name = ?, organisation = ?, address = ?, timezone = ?, "
            "opening_days = ? WHERE id = ?", [*values, venue_id])
        return venue_id


def replace_door_key(db, venue_id):
    """A new door key: every poster printed before now shows 'this code is old'."""
    key = venues.new_door_key()
    with writing(db):
        db.execute("UPDATE venue SET door_key = ? WHERE id = ?", [key, venue_id])
    return key
