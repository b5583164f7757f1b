"""Retention: free texts and unpublished ideas may name people, so they go after a while. No Flask.

Ratings, survey answers, vote counts and published ideas stay: they are the figures.
The period is the `retention_months` setting staff set, else the app's RETENTION_MONTHS.
"""

from checkin.db import scrub
from checkin.feedback import ideas, settings
from checkin.feedback import smileys as feedback
from checkin.figures.periods import months_before

MONTHS_MIN, MONTHS_MAX = 1, 120


def months(db, default=12):
    """The retention period in months: the staff's setting, else `default`."""
    value = settings.get(db, "retention_months")
    return int(value) if value and value.isdigit() else default


def set_months(db, value):
    if not MONTHS_MIN <= value <= MONTHS_MAX:
        raise ValueError(f"retention must be {MONTHS_MIN} to {MONTHS_MAX} months")
    settings.put(db, "retention_months", value)


def last_purge(db):
    """The date (YYYY-MM-DD) the clean-up last ran, or None."""
    return settings.get(db, "last_purge")


def purge(db, today, months):
    """Delete what was written more than `months` months before `today`; say how much.

    Then the -wal is emptied into the file (scrub), so the texts are not still there in
    the pages as they were before. `scrubbed` is False if a long read kept that from happening.
    """
    before = months_before(today, months)
    result = {"before": before.isoformat(), "texts": feedback.purge_texts(db, before),
              "ideas": ideas.purge_unpublished(db, before)}
    settings.put(db, "last_purge", today.isoformat())
    result["scrubbed"] = scrub(db)
    return result
