"""Recording visits: one a day per remembered phone, nothing that identifies anyone. No Flask."""

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.publishing.api import stored_record_key
from checkin.row_ids import new_row_id, new_row_ids
from checkin.visits import set_aside

GENDERS = ("woman", "man", "other", "unstated")
SOURCES = ("qr", "kiosk", "tally")


def record_visit(db, *, venue_id, day, hour, source, activity_id=None, gender=None,
                 person_hash=None, review=False):
    """Store one visit; return (visit id, True if this phone was already counted that day).

    `review`: a new visit past the venue's day bound, stored set aside for staff to review.

    A remembered phone that checks in again the same day changes that day's visit
    (activity, and the gender answer if one is given) and never adds a second one.
    """
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"unknown gender answer {gender!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    with writing(db):
        earlier = phone_visit_of_day(db, venue_id, day, person_hash) if person_hash else None
        if earlier:
            change_visit(db, earlier, activity_id=activity_id, gender=gender)
            return earlier, True
        return new_visit(db, venue_id=venue_id, day=day, hour=hour, source=source,
                         activity_id=activity_id, gender=gender, person_hash=person_hash,
                         review=review), False


def new_visit(db, *, venue_id, day, hour, source, activity_id, gender, person_hash, review):
    """Store a new visit and return its id, inside the caller's `writing(db)`, where the caller
    has already found no visit of this phone that day (record_visit does; so does the door,
    visits/arrivals.py, which looks before it chooses between a new visit and a change)."""
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"unknown gender answer {gender!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    visit_id = new_row_id(db, "visit")
    db.execute(
        "INSERT INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
        "person_hash, record_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [visit_id, venue_id, activity_id, day.isoformat(), hour, gender, source, person_hash,
         stored_record_key()],
    )
    if review:
        set_aside.put_for_review(db, venue_id, day, visit_id)
    return visit_id


def phone_visit_of_day(db, venue_id, day, person_hash):
    """The id of a remembered phone's visit at the venue that day, else None: the one place
    that says the same phone on the same day is one visit."""
    row = db.execute("SELECT id FROM visit WHERE venue_id = ? AND date = ? AND person_hash = ?",
                     [venue_id, day.isoformat(), person_hash]).fetchone()
    return row[0] if row else None


def change_visit(db, visit_id, *, activity_id, gender=None):
    """Today's visit again: which activity it is for, and the gender answer if one is given."""
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"unknown gender answer {gender!r}")
    with writing(db):
        db.execute("UPDATE visit SET activity_id = ?, gender = coalesce(?, gender) WHERE id = ?",
                   [activity_id, gender, visit_id])


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


TALLY_MAX = 999  # more people than this in one count is surely a typing mistake


def change_tally(db, *, venue_id, day, activity_id, changes, user, undo=False):
    """Add to or take from the people staff counted by hand: {gender: +n or -n}.

    Tallied visits have source 'tally' and no hour, kept apart from check-ins. A count never
    goes below zero, and a minus never takes away a visit that an imported file brought in.
    Returns the changes as made ({gender: n}, zeros left out). A change made has its audit
    line ("tally", or "tally undone" with `undo`) in the same transaction.
    """
    with writing(db):
        return tally_within(db, venue_id=venue_id, day=day, activity_id=activity_id,
                            changes=changes, user=user, undo=undo)


def tally_within(db, *, venue_id, day, activity_id, changes, user, undo=False):
    """change_tally inside the caller's write transaction (a meeting's headcount is stored
    with its tally visits, or neither)."""
    if set(changes) - set(GENDERS):
        raise ValueError(f"unknown gender answer in {sorted(changes)!r}")
    made = {}
    for gender in GENDERS:
        step = int(changes.get(gender) or 0)
        if step > 0:
            db.conn.executemany(
                "INSERT INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
                "record_key) VALUES (?, ?, ?, ?, NULL, ?, 'tally', ?)",
                [(visit_id, venue_id, activity_id, day.isoformat(), gender,
                  stored_record_key())
                 for visit_id in new_row_ids(db, "visit", step)])
            made[gender] = step
        elif step < 0:
            # Tallied visits of one activity, day and gender are alike: any of them goes.
            gone = db.execute(
                "DELETE FROM visit WHERE id IN (SELECT id FROM visit WHERE venue_id = ? "
                "AND activity_id IS ? AND date = ? AND gender = ? AND source = 'tally' "
                "AND import_id IS NULL LIMIT ?)",
                [venue_id, activity_id, day.isoformat(), gender, -step]).rowcount
            if gone:
                made[gender] = -gone
    if made:
        _tally_line(db, user, venue_id, day, activity_id, made, undo)
    return made


def _tally_line(db, user, venue_id, day, activity_id, made, undo):
    row = db.execute("SELECT name_sv FROM activity WHERE id = ? AND venue_id = ?",
                     [activity_id, venue_id]).fetchone()
    name = row[0] if row else "-"
    audit.write(db, user, "tally undone" if undo else "tally",
                f"{day.isoformat()} {name}: " + ", ".join(
                    f"{g} {n:+d}" for g, n in made.items()), venue_id,
                {"activity": activity_id and name, "date": day.isoformat(), "changes": made})


def day_counts(db, venue_id, day, activity_id):
    """{source: {gender: count}} for one activity on one day; a skipped answer is 'unstated'.

    'tally' holds what staff counted on the tally page; counts imported from a file are left
    out, as the tally page cannot change them. Set-aside check-ins (a flood) are not counted,
    as in every figure.
    """
    counts = {s: dict.fromkeys(GENDERS, 0) for s in SOURCES}
    for source, gender, count in db.execute(
        "SELECT source, coalesce(gender, 'unstated'), count(*) FROM visit "
        "WHERE venue_id = ? AND date = ? AND activity_id IS ? AND set_aside_id IS NULL "
        "AND import_id IS NULL "
        "GROUP BY 1, 2",
        [venue_id, day.isoformat(), activity_id],
    ):
        counts[source][gender] += count
    return counts


def years_with_visits(db, venue_id):
    """The calendar years in which the venue has at least one visit, oldest first."""
    return [int(row[0]) for row in db.execute(
        "SELECT DISTINCT substr(date, 1, 4) FROM visit WHERE venue_id = ? ORDER BY 1",
        [venue_id])]


def remove_year_hashes(db, year):
    """The yearly close: every visit of `year` loses its hash but stays counted as linked.

    The caller holds the write (the close is one transaction). Returns how many visits.
    """
    return db.execute(
        "UPDATE visit SET person_hash = NULL, hash_removed = 1 "
        "WHERE date BETWEEN ? AND ? AND person_hash IS NOT NULL",
        [f"{year:04d}-01-01", f"{year:04d}-12-31"],
    ).rowcount
