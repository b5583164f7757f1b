"""Retention: free texts and unpublished ideas may name people, so they go after a while. No Flask.

Ratings, survey answers, vote counts and published ideas stay: they are the figures.
`months()` is the one place that decides the period: what staff chose on /staff/retention,
else the operator's RETENTION_MONTHS. The staff's choice and the date of the last clean-up are
kept in the table `setting` (m007), which only this module reads and writes.
"""

from checkin.accounts import audit
from checkin.db import scrub, writing
from checkin.feedback import ideas
from checkin.feedback import smileys as feedback
from checkin.figures.periods import months_before

MONTHS_MIN, MONTHS_MAX = 1, 120
DEFAULT_MONTHS = 12  # the registry's default for RETENTION_MONTHS, for callers without an app


def _stored(db, key):
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _store(db, key, value):
    """Inside the caller's transaction."""
    db.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, str(value)])


def staff_months(db):
    """The period staff chose on /staff/retention, or None if they never chose one."""
    value = _stored(db, "retention_months")
    return int(value) if value and value.isdigit() else None


def months(db, default=DEFAULT_MONTHS):
    """The retention period in months: the staff's choice, else `default` (RETENTION_MONTHS)."""
    return staff_months(db) or default


def set_months(db, value, *, user):
    """Staff's retention period, with the audit line of `user` in the same transaction."""
    if not MONTHS_MIN <= value <= MONTHS_MAX:
        raise ValueError(f"retention must be {MONTHS_MIN} to {MONTHS_MAX} months")
    with writing(db):
        _store(db, "retention_months", value)
        audit.write(db, user, "retention changed", f"{value} months", None, {"months": value})


def last_purge(db):
    """The date (YYYY-MM-DD) the clean-up last ran, or None."""
    return _stored(db, "last_purge")


def purge(db, today, months):
    """Delete what was written more than `months` months before `today`; say how much.

    Then the -wal is emptied into the file (scrub), so the texts are not still there in
    the pages as they were before. `scrubbed` is False if a long read kept that from happening.
    """
    before = months_before(today, months)
    result = {"before": before.isoformat(), "texts": feedback.purge_texts(db, before),
              "ideas": ideas.purge_unpublished(db, before)}
    with writing(db):
        _store(db, "last_purge", today.isoformat())
    result["scrubbed"] = scrub(db)
    return result
