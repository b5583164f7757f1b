"""Visits counted on paper and imported from a file (figures/tally_import.py reads the file):
stored here, as every visit is, so the visit table has one writer. No Flask."""

import datetime as dt

from checkin.publishing.api import stored_record_key
from checkin.row_ids import new_row_ids


def add_imported_visits(db, venue_id, import_id, counts):
    """Inside the import's transaction: one visit row per person counted, source 'tally',
    no hour and no person. `counts`: [(activity_id, day, gender, n)]. Returns how many."""
    visits = [(venue_id, activity_id, day.isoformat(), gender, import_id, stored_record_key())
              for activity_id, day, gender, n in counts for _ in range(n)]
    db.conn.executemany(
        "INSERT INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
        "person_hash, import_id, record_key) "
        "VALUES (?, ?, ?, ?, NULL, ?, 'tally', NULL, ?, ?)",
        [(visit_id, *visit) for visit_id, visit
         in zip(new_row_ids(db, "visit", len(visits)), visits, strict=True)])
    return len(visits)


def imported_days(db, venue_id, import_id):
    """The days an import added visits to."""
    return {dt.date.fromisoformat(day) for (day,) in db.execute(
        "SELECT DISTINCT date FROM visit WHERE import_id = ? AND venue_id = ?",
        [import_id, venue_id])}


def remove_imported_visits(db, venue_id, import_id):
    """Inside the undo's transaction: exactly the visits that import added; how many went."""
    return db.execute("DELETE FROM visit WHERE import_id = ? AND venue_id = ?",
                      [import_id, venue_id]).rowcount
