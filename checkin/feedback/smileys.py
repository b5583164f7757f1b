"""Smiley feedback: one rating a tap, an optional short text. Never linked to a visit. No Flask."""

import datetime as dt

from checkin.accounts.api import audit
from checkin.db import scrub_deletion, writing
from checkin.feedback.visitor_text import FEEDBACK_TEXT_MAX, clean_text
from checkin.publishing.api import (
    GROUPS,
    period_of,
    periods_between,
    publish_count,
    stored_record_key,
)
from checkin.row_ids import new_row_id

RATINGS = (1, 2, 3, 4, 5)


def record_rating(db, *, venue_id, day, rating, activity_id=None):
    """Store one smiley tap; return its id (kept only in the visitor's session for the text)."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1 to 5, not {rating!r}")
    with writing(db):
        feedback_id = new_row_id(db, "feedback")
        db.execute(
            "INSERT INTO feedback (id, venue_id, activity_id, date, rating, record_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [feedback_id, venue_id, activity_id, day.isoformat(), rating, stored_record_key()],
        )
    return feedback_id


def add_text(db, feedback_id, text):
    """Attach the optional text to a rating that has none yet; True if it was stored."""
    text = clean_text(text, FEEDBACK_TEXT_MAX)
    if text is None:
        return False
    with writing(db):
        cursor = db.execute(
            "UPDATE feedback SET text = ? WHERE id = ? AND text IS NULL", [text, feedback_id]
        )
    return cursor.rowcount == 1


def ratings(db, venue_id, first, last, group="month", by_activity=False, published=False):
    """Ratings from first to last (dates, inclusive) per period, optionally per activity.

    Without by_activity every period in the range gets a row (zeros where nobody answered);
    with it, one row per period and activity that had a rating, activities in name order,
    ratings without an activity in a row whose activity is None. Each row: period,
    activity_id, activity (Swedish name or None), count, mean (None if count is 0) and
    levels {1: n, ..., 5: n}. `published`: the count and each level perturbed on its own by
    the cell-key method, and the mean worked out from the published levels; the caller
    asks only for whole periods that have ended.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}")
    rows = db.execute(
        "SELECT feedback.date, feedback.rating, feedback.activity_id, activity.name_sv, "
        "coalesce(feedback.record_key, 0) "
        "FROM feedback LEFT JOIN activity ON activity.id = feedback.activity_id "
        "WHERE feedback.venue_id = ? AND feedback.date BETWEEN ? AND ?",
        [venue_id, first.isoformat(), last.isoformat()],
    ).fetchall()
    table, keys = {}, {}

    def row_for(period, activity_id=None, name=None):
        key = (period, activity_id)
        if key not in table:
            table[key] = {"period": period, "activity_id": activity_id, "activity": name,
                          "count": 0, "mean": None, "levels": dict.fromkeys(RATINGS, 0)}
            keys[key] = {"count": 0, **dict.fromkeys(RATINGS, 0)}
        return key

    if not by_activity:
        for period in periods_between(first, last, group):
            row_for(period)
    for date, rating, activity_id, name, record_key in rows:
        period = period_of(dt.date.fromisoformat(date), group)
        key = row_for(period, activity_id, name) if by_activity else row_for(period)
        table[key]["count"] += 1
        table[key]["levels"][rating] += 1
        keys[key]["count"] += record_key
        keys[key][rating] += record_key
    result = []
    for key, row in table.items():
        if published:
            row["count"] = publish_count(row["count"], keys[key]["count"])
            row["levels"] = {level: publish_count(n, keys[key][level])
                             for level, n in row["levels"].items()}
        answers = sum(row["levels"].values())
        if row["count"] and answers:
            total = sum(level * n for level, n in row["levels"].items())
            row["mean"] = round(total / answers, 2)
        result.append(row)
    result.sort(key=lambda r: (r["period"], r["activity"] is None, r["activity"] or ""))
    return result


def free_texts(db, venue_id, search=None, limit=200, include_hidden=True, hidden=None):
    """Ratings that carry a text, newest first; `search` matches part of the text.

    `hidden` True: only the hidden texts; False: only those not hidden; None: as
    `include_hidden` says.
    """
    sql = ("SELECT feedback.*, activity.name_sv AS activity FROM feedback "
           "LEFT JOIN activity ON activity.id = feedback.activity_id "
           "WHERE feedback.venue_id = ? AND feedback.text IS NOT NULL")
    params = [venue_id]
    if search:
        sql += " AND feedback.text LIKE ? ESCAPE '\\'"
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    if hidden is not None:
        sql += " AND feedback.hidden = ?"
        params.append(1 if hidden else 0)
    elif not include_hidden:
        sql += " AND feedback.hidden = 0"
    sql += " ORDER BY feedback.date DESC, feedback.id DESC LIMIT ?"
    params.append(limit)
    return [dict(r) for r in db.execute(sql, params)]


def hidden_text_count(db, venue_id):
    return db.execute("SELECT count(*) FROM feedback WHERE venue_id = ? AND hidden = 1 "
                      "AND text IS NOT NULL", [venue_id]).fetchone()[0]


def _text_venue(db, feedback_id):
    row = db.execute("SELECT venue_id FROM feedback WHERE id = ? AND text IS NOT NULL",
                     [feedback_id]).fetchone()
    return row[0] if row else None


def set_hidden(db, feedback_id, hidden=True, *, user):
    """Hide a text from the list (or show it again); False if there is no such text. The
    audit line names the row, never what the visitor wrote, in the same transaction."""
    with writing(db):
        venue_id = _text_venue(db, feedback_id)
        if venue_id is None:
            return False
        db.execute("UPDATE feedback SET hidden = ? WHERE id = ?",
                   [1 if hidden else 0, feedback_id])
        audit.write(db, user, "feedback text hidden" if hidden else "feedback text shown",
                    f"#{feedback_id}", venue_id, {"id": feedback_id})
    return True


def delete_text(db, feedback_id, *, user):
    """Staff delete a text; the rating stays so the figures stay. The audit line names the
    row, never the text, in the same transaction; False if there is no such text."""
    with writing(db):
        venue_id = _text_venue(db, feedback_id)
        if venue_id is None:
            return False
        db.execute("UPDATE feedback SET text = NULL, hidden = 0 WHERE id = ?", [feedback_id])
        audit.write(db, user, "feedback text deleted", f"#{feedback_id}", venue_id,
                    {"id": feedback_id})
    scrub_deletion(db)  # out of the file and its -wal now, or once a long read ends
    return True


def purge_texts(db, before):
    """Remove every text written before the date `before`; return how many went."""
    with writing(db):
        return db.execute(
            "UPDATE feedback SET text = NULL WHERE text IS NOT NULL AND date < ?",
            [before.isoformat()],
        ).rowcount
