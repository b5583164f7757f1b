"""Retention: free texts and unpublished ideas may name people, so they go after a while. No Flask.

Ratings, survey answers, vote counts and published ideas stay: they are the figures.
"""

from . import feedback, ideas
from .periods import months_before


def purge(db, today, months):
    """Delete what was written more than `months` months before `today`; say how much."""
    before = months_before(today, months)
    return {"before": before.isoformat(), "texts": feedback.purge_texts(db, before),
            "ideas": ideas.purge_unpublished(db, before)}
