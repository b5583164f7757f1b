"""The audit log: which staff member changed what, and when. Staff actions only. No Flask."""

import datetime as dt

from checkin.db import writing


def record(db, user, action, detail="", venue_id=None):
    """Write one line; call it inside the same request as the change it describes."""
    with writing(db):
        write(db, user, action, detail, venue_id)


def write(db, user, action, detail="", venue_id=None):
    """Write one line inside the caller's transaction: an operation's change and its line
    are stored together or not at all.

    The time is kept to the hour only: a tally line ("Sygrupp: woman +1") with a time to the
    second would say when one visitor came, which nothing else here is allowed to say.
    """
    db.execute(
        "INSERT INTO audit_log (at, user_id, username, venue_id, action, detail) "
        "VALUES (?,?,?,?,?,?)",
        [this_hour(), user["id"], user["username"], venue_id, action, detail],
    )


def this_hour():
    """Now in UTC, to the hour: the one staff time this database keeps."""
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return hour.isoformat(timespec="minutes")


def recent(db, limit=200, venue_ids=None):
    """The latest lines, newest first, optionally only for some venues (and account changes)."""
    rows = [dict(r) for r in db.execute(
        "SELECT audit_log.*, venue.name AS venue_name FROM audit_log "
        "LEFT JOIN venue ON venue.id = audit_log.venue_id ORDER BY audit_log.id DESC LIMIT ?",
        [limit])]
    if venue_ids:
        rows = [r for r in rows if r["venue_id"] in venue_ids]
    return rows
