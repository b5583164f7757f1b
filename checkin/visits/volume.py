"""Bounds a real door never reaches, and what happens past them. No Flask.

The bounds follow the sender, never the venue: new check-ins a minute and an hour from one
client address at a door (`qr_per_minute`, setting SENDER_CHECKINS_PER_HOUR), and a minute
per kiosk tablet and address (`kiosk_per_minute`). They are counted in this process's memory
only (web/sender_budget.py), and past them one sender is refused: nobody else is.

The day bounds per venue (`qr_per_day`, `kiosk_per_day`) refuse nobody: a check-in past
them is stored and set aside for staff to review (visits/set_aside.py), so a flood from many
addresses cannot close the door, and cannot quietly count either. A real rush at Mallis is
about 15 people in 5 minutes; the defaults (CHECKINS_PER_MINUTE, CHECKINS_PER_DAY,
KIOSK_CHECKINS_PER_MINUTE, KIOSK_CHECKINS_PER_DAY) are several times that, and each venue
may have its own (`checkin door-limits`).
"""

import datetime as dt

from checkin.db import writing

LIMITS = ("qr_per_minute", "qr_per_day", "kiosk_per_minute", "kiosk_per_day")
# The setting that gives each limit its default.
SETTING_OF = {
    "qr_per_minute": "CHECKINS_PER_MINUTE",
    "qr_per_day": "CHECKINS_PER_DAY",
    "kiosk_per_minute": "KIOSK_CHECKINS_PER_MINUTE",
    "kiosk_per_day": "KIOSK_CHECKINS_PER_DAY",
}
# No door makes more than this in a minute or a day: a bound above it guards nothing (and
# SQLite's integers end at 2**63 - 1, where a typo of many digits would crash the command).
LIMIT_MAX = 10_000


def venue_limits(db, venue_id, settings):
    """{limit: number} for the venue: its own where staff set one, else the setting."""
    row = db.execute("SELECT * FROM door_limit WHERE venue_id = ?", [venue_id]).fetchone()
    return {name: (row[name] if row and row[name] else settings[SETTING_OF[name]])
            for name in LIMITS}


def set_venue_limits(db, venue_id, **values):
    """Set some of the venue's limits (None: back to the setting's default)."""
    for name, value in values.items():
        if name not in LIMITS:
            raise ValueError(f"unknown limit {name!r}")
        if value is not None and not 1 <= value <= LIMIT_MAX:
            raise ValueError(f"{name} must be from 1 to {LIMIT_MAX}")
    with writing(db):
        row = db.execute("SELECT * FROM door_limit WHERE venue_id = ?", [venue_id]).fetchone()
        merged = {name: row[name] if row else None for name in LIMITS} | values
        db.execute(
            "INSERT OR REPLACE INTO door_limit (venue_id, qr_per_minute, qr_per_day, "
            "kiosk_per_minute, kiosk_per_day) VALUES (?, ?, ?, ?, ?)",
            [venue_id, *(merged[name] for name in LIMITS)])


def checkins_today(db, venue_id, day, source):
    """Check-ins from one source at the venue that day that still count: what the day bound
    counts (set-aside ones do not). One row read, however many came: door_count is kept by
    triggers on every change to a visit (m025), so a flood does not slow the taps after it."""
    row = db.execute("SELECT n FROM door_count WHERE venue_id = ? AND date = ? AND source = ?",
                     [venue_id, day.isoformat(), source]).fetchone()
    return row[0] if row else 0


def forget_door_counts(db, today):
    """Delete the door's counts of days before yesterday (the door asks only for today's, and
    no venue's today is before the installation's yesterday); for the daily job. Returns how
    many days' rows went."""
    with writing(db):
        return db.execute("DELETE FROM door_count WHERE date < ?",
                          [(today - dt.timedelta(days=1)).isoformat()]).rowcount


def sender_limits(limits, source, config):
    """[(seconds, most)] for one sender's new check-ins from `source` ('qr' or 'kiosk')."""
    if source == "qr":
        return [(60, limits["qr_per_minute"]), (3600, config["SENDER_CHECKINS_PER_HOUR"])]
    return [(60, limits["kiosk_per_minute"])]
