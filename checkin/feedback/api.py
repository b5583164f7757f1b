"""What other parts use of feedback: faces (smileys), surveys and meetings, read by the
figures pages, the kiosk and the wall screen; and its part of the daily job (purge) and of
the yearly close (forget_year, and the hashes it removes or keeps).

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from checkin.feedback import ideas, meetings, smileys, surveys
from checkin.feedback.forms import RATING_VALUES
from checkin.feedback.retention import purge


def forget_year(db, year):
    """The yearly close's part of feedback, inside its transaction: survey responses and idea
    votes of `year` lose their hashes (the votes stay as counts). {"responses": n, "votes": m}"""
    return {"responses": surveys.remove_year_hashes(db, year),
            "votes": ideas.remove_year_hashes(db, year)}


def year_hashes(db, year):
    """The hashes forget_year removes, as stored: the close checks no file still holds one."""
    return [*surveys.year_hashes(db, year), *ideas.year_hashes(db, year)]


def kept_hashes(db):
    """Every respondent and voter hash still kept."""
    return [*surveys.kept_hashes(db), *ideas.kept_hashes(db)]


__all__ = [
    "RATING_VALUES", "forget_year", "kept_hashes", "meetings", "purge", "smileys", "surveys",
    "year_hashes",
]
