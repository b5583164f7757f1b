"""Venues: lookup, door keys and the venue's local clock. No Flask."""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

# The registry's TIMEZONE, for callers without an app (tests/app/test_config.py holds them
# equal).
DEFAULT_TIME_ZONE = "Europe/Stockholm"

# No 0/O, 1/l/I: the key is also written out on the poster for people who type it.
DOOR_KEY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
DOOR_KEY_LENGTH = 8
RESERVED_SLUGS = {"static", "lang", "staff", "kiosk", "healthz", "privacy", "admin", "forget",
                  "accessibility"}


def new_door_key():
    return "".join(secrets.choice(DOOR_KEY_ALPHABET) for _ in range(DOOR_KEY_LENGTH))


def by_slug(db, slug):
    row = db.execute("SELECT * FROM venue WHERE slug = ?", [slug]).fetchone()
    return dict(row) if row else None


def all_venues(db):
    return [dict(r) for r in db.execute("SELECT * FROM venue ORDER BY name")]


def local_now(venue, frozen=None):
    """The venue's wall-clock time; `frozen` ('YYYY-MM-DDTHH:MM') pins it for tests and demos."""
    zone = ZoneInfo(venue["timezone"])
    if frozen:
        return dt.datetime.fromisoformat(frozen).replace(tzinfo=zone)
    return dt.datetime.now(zone)


def opening_days(venue):
    return {int(d) for d in venue["opening_days"].split(",") if d.strip()}


def local_today(config):
    """Today at the installation's time zone (CHECKIN_FROZEN_NOW pins it for tests)."""
    zone = {"timezone": config.get("TIMEZONE", DEFAULT_TIME_ZONE)}
    return local_now(zone, config.get("FROZEN_NOW")).date()
