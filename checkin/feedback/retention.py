"""Retention: free texts and unpublished ideas may name people, so they go after a while. No Flask.

Ratings, survey answers, vote counts and published ideas stay: they are the figures.
The one place that decides the period is the kernel's `retention_period.months()` (what staff
chose on /staff/retention, else the operator's RETENTION_MONTHS): the privacy page (visits)
promises it too. The staff's choice and the date of the last clean-up are
kept in the table `setting` (m007), which only these two modules read and write.
"""

from checkin.accounts.api import audit
from checkin.db import scrub, writing
from checkin.feedback import ideas, smileys
from checkin.publishing.api import months_before
from checkin.retention_period import MONTHS_MAX, MONTHS_MIN, store, stored


def set_months(db, value, *, user):
    """Staff's retention period, with the audit line of `user` in the same transaction."""
    if not MONTHS_MIN <= value <= MONTHS_MAX:
        raise ValueError(f"retention must be {MONTHS_MIN} to {MONTHS_MAX} months")
    with writing(db):
        store(db, "retention_months", value)
        audit.write(db, user, "retention changed", f"{value} months", None, {"months": value})


def last_purge(db):
    """The date (YYYY-MM-DD) the clean-up last ran, or None."""
    return stored(db, "last_purge")


def purge(db, today, months):
    """Delete what was written more than `months` months before `today`; say how much.

    Then the -wal is emptied into the file (scrub), so the texts are not still there in
    the pages as they were before. `scrubbed` is False if a long read kept that from happening.
    """
    before = months_before(today, months)
    result = {"before": before.isoformat(), "texts": smileys.purge_texts(db, before),
              "ideas": ideas.purge_unpublished(db, before)}
    with writing(db):
        store(db, "last_purge", today.isoformat())
    result["scrubbed"] = scrub(db)
    return result
