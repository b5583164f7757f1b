"""Recording visits: one a day per remembered phone, nothing that identifies anyone. No Flask."""

from .db import writing

GENDERS = ("woman", "man", "other", "unstated")
SOURCES = ("qr", "kiosk", "tally")


def record_visit(db, *, venue_id, day, hour, source, activity_id=None, gender=None,
                 person_hash=None):
    """Store one visit; return (visit id, True if this phone was already counted that day).

    A remembered phone that checks in again the same day changes that day's visit
    (activity, and the gender answer if one is given) and never adds a second one.
    """
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"unknown gender answer {gender!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    with writing(db):
        if person_hash:
            row = db.execute(
                "SELECT id FROM visit WHERE venue_id = ? AND date = ? AND person_hash = ?",
                [venue_id, day.isoformat(), person_hash],
            ).fetchone()
            if row:
                db.execute(
                    "UPDATE visit SET activity_id = ?, gender = coalesce(?, gender) WHERE id = ?",
                    [activity_id, gender, row[0]],
                )
                return row[0], True
        cursor = db.execute(
            "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source, person_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [venue_id, activity_id, day.isoformat(), hour, gender, source, person_hash],
        )
        return cursor.lastrowid, False


def change_visit(db, visit_id, *, activity_id):
    """A visitor corrects which activity today's visit was for."""
    with writing(db):
        db.execute("UPDATE visit SET activity_id = ? WHERE id = ?", [activity_id, visit_id])


def answer_gender(db, visit_id, gender):
    """Set the visit's gender answer; None means the visitor skipped the question."""
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"unknown gender answer {gender!r}")
    with writing(db):
        db.execute("UPDATE visit SET gender = ? WHERE id = ?", [gender, visit_id])


def link_phone(db, visit_id, person_hash):
    """Attach a newly remembered phone's hash to the visit it made today."""
    with writing(db):
        db.execute(
            "UPDATE visit SET person_hash = ? WHERE id = ? AND person_hash IS NULL",
            [person_hash, visit_id],
        )


def get_visit(db, visit_id):
    row = db.execute("SELECT * FROM visit WHERE id = ?", [visit_id]).fetchone()
    return dict(row) if row else None
