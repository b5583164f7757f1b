"""Bounds a real door never reaches: check-ins a minute and a day per door key and per kiosk.

A real rush at Mallis is about 15 people in 5 minutes; the defaults (settings
CHECKINS_PER_MINUTE, CHECKINS_PER_DAY, KIOSK_CHECKINS_PER_MINUTE, KIOSK_CHECKINS_PER_DAY) are
several times that, and each venue may have its own (`checkin door-limits`). The minute is
counted in this process's memory only, because the database keeps no time finer than the
hour; the day is counted from the visits themselves. No Flask.
"""

import threading
import time
from collections import defaultdict, deque

from checkin.db import writing

LIMITS = ("qr_per_minute", "qr_per_day", "kiosk_per_minute", "kiosk_per_day")
# The setting that gives each limit its default.
SETTING_OF = {
    "qr_per_minute": "CHECKINS_PER_MINUTE",
    "qr_per_day": "CHECKINS_PER_DAY",
    "kiosk_per_minute": "KIOSK_CHECKINS_PER_MINUTE",
    "kiosk_per_day": "KIOSK_CHECKINS_PER_DAY",
}
WINDOW_SECONDS = 60
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
    counts. A flood an admin has set aside no longer keeps real visitors out."""
    return db.execute(
        "SELECT count(*) FROM visit WHERE venue_id = ? AND date = ? AND source = ? "
        "AND set_aside_id IS NULL",
        [venue_id, day.isoformat(), source]).fetchone()[0]


class MinuteMeter:
    """Check-ins of the last minute per door or kiosk, in memory: a restart forgets them."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._seen = defaultdict(deque)
        self._lock = threading.Lock()

    def full(self, key, per_minute):
        """`key` has had `per_minute` in the last minute already; counts nothing."""
        now = self.clock()
        with self._lock:
            times = self._seen.get(key)
            if not times:
                return False
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            return len(times) >= per_minute

    def take(self, key, per_minute):
        """Count one more for `key` if fewer than `per_minute` came in the last minute."""
        now = self.clock()
        with self._lock:
            times = self._seen[key]
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            if len(times) >= per_minute:
                return False
            times.append(now)
            return True
