"""Setting aside the check-ins of an hour or a day that no real door produced (a flood), and
bringing them back. No Flask.

Set-aside visits stay in the visit table, so an admin can reverse the decision, but every
figure and export leaves them out: each query that counts visits says
`set_aside_id IS NULL`. Only QR and
kiosk check-ins are set aside; tallies and imported counts are undone, not set aside. A
closed year is never touched: its persons were counted at the close, with these visits in or
out, and a later change would make its figures disagree with themselves.
"""

import datetime as dt

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.hours import this_hour
from checkin.visits.phones import closed_years

SOURCES = ("qr", "kiosk")
REASON_MAX = 200
# Who set aside what came in past a venue's day bound (visits/volume.py): nobody is refused
# at the door; staff look at the day and bring the check-ins back if they were real.
REVIEW_BY = "checkin"
REVIEW_REASON = ("Fler incheckningar än dörrens dagsgräns: granska och ta tillbaka om de var "
                 "riktiga / More check-ins than the door's day bound: review, bring back if real")


class SetAsideRefused(ValueError):
    """Nothing was changed; `reason` says why: 'reason', 'closed_year', 'nothing',
    'unknown' or 'brought_back'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _params(venue_id, day, hour):
    return [venue_id, day.isoformat(), hour, hour]


def check_ins(db, venue_id, day, hour=None):
    """{'qr': n, 'kiosk': n} still counted on `day` (in `hour` if given)."""
    counts = dict.fromkeys(SOURCES, 0)
    for source, n in db.execute(
            # The day's QR and kiosk check-ins, or one hour's when the hour is not NULL.
            "SELECT source, count(*) FROM visit WHERE venue_id = ? AND date = ? "
            "AND (? IS NULL OR hour = ?) AND source IN ('qr', 'kiosk') "
            "AND set_aside_id IS NULL GROUP BY source",
            _params(venue_id, day, hour)):
        counts[source] = n
    return counts


def put_for_review(db, venue_id, day, visit_id):
    """Set one new check-in aside with the day's review decision (made on first use). The
    caller holds the write, so the visit and its decision are stored together."""
    row = db.execute(
        "SELECT id FROM set_aside WHERE venue_id = ? AND date = ? AND hour IS NULL "
        "AND set_by = ? AND brought_back_by IS NULL", [venue_id, day.isoformat(), REVIEW_BY]
    ).fetchone()
    if row is None:
        set_aside_id = db.execute(
            "INSERT INTO set_aside (venue_id, date, hour, visits, reason, set_by, set_at) "
            "VALUES (?, ?, NULL, 0, ?, ?, ?)",
            [venue_id, day.isoformat(), REVIEW_REASON, REVIEW_BY, this_hour()]).lastrowid
    else:
        set_aside_id = row[0]
    db.execute("UPDATE visit SET set_aside_id = ? WHERE id = ?", [set_aside_id, visit_id])
    db.execute("UPDATE set_aside SET visits = visits + 1 WHERE id = ?", [set_aside_id])
    return set_aside_id


def describe(day, hour):
    """'2026-03-03 14:00–15:00' or '2026-03-03 (the whole day)', for the audit log."""
    return f"{day.isoformat()} " + ("(the whole day)" if hour is None
                                    else f"{hour:02d}:00–{hour + 1:02d}:00")


def set_aside(db, *, venue_id, day, hour, reason, user):
    """Set aside the QR and kiosk check-ins of `day` (only `hour` if not None) that still
    count, with the admin's reason and an audit line in the same transaction.

    Returns {'id', 'visits'}; raises SetAsideRefused and changes nothing otherwise.
    """
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_MAX:
        raise SetAsideRefused("reason")
    if hour is not None and not 0 <= hour <= 23:
        raise SetAsideRefused("nothing")
    if day.year in closed_years(db):
        raise SetAsideRefused("closed_year")
    with writing(db):
        visits = sum(check_ins(db, venue_id, day, hour).values())
        if not visits:
            raise SetAsideRefused("nothing")
        set_aside_id = db.execute(
            "INSERT INTO set_aside (venue_id, date, hour, visits, reason, set_by, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [venue_id, day.isoformat(), hour, visits, reason, user["username"],
             this_hour()]).lastrowid
        db.execute("UPDATE visit SET set_aside_id = ? WHERE venue_id = ? AND date = ? "
                   "AND (? IS NULL OR hour = ?) AND source IN ('qr', 'kiosk') "
                   "AND set_aside_id IS NULL",
                   [set_aside_id, *_params(venue_id, day, hour)])
        audit.write(db, user, "check-ins set aside",
                    f"{describe(day, hour)}: {visits} check-ins. Reason: {reason}", venue_id,
                    {"day": day.isoformat(), "hour": hour, "visits": visits,
                     "reason": reason})
    return {"id": set_aside_id, "visits": visits}


def bring_back(db, *, venue_id, set_aside_id, user):
    """Count a set-aside hour's or day's check-ins again; an audit line in the same
    transaction. Returns how many came back; raises SetAsideRefused otherwise."""
    with writing(db):
        row = db.execute("SELECT * FROM set_aside WHERE id = ? AND venue_id = ?",
                         [set_aside_id, venue_id]).fetchone()
        if row is None:
            raise SetAsideRefused("unknown")
        if row["brought_back_by"] is not None:
            raise SetAsideRefused("brought_back")
        if int(row["date"][:4]) in closed_years(db):
            raise SetAsideRefused("closed_year")
        visits = db.execute("UPDATE visit SET set_aside_id = NULL WHERE set_aside_id = ?",
                            [set_aside_id]).rowcount
        db.execute("UPDATE set_aside SET brought_back_by = ?, brought_back_at = ? WHERE id = ?",
                   [user["username"], this_hour(), set_aside_id])
        audit.write(db, user, "check-ins brought back",
                    f"{describe(dt.date.fromisoformat(row['date']), row['hour'])}: "
                    f"{visits} check-ins count again", venue_id,
                    {"day": row["date"], "hour": row["hour"], "visits": visits})
    return visits


def get(db, venue_id, set_aside_id):
    row = db.execute("SELECT * FROM set_aside WHERE id = ? AND venue_id = ?",
                     [set_aside_id, venue_id]).fetchone()
    return dict(row) if row else None


def history(db, venue_id):
    """Every decision at the venue, newest day first, each with how many are still aside."""
    return [dict(r) for r in db.execute(
        "SELECT set_aside.*, (SELECT count(*) FROM visit WHERE visit.set_aside_id = "
        "set_aside.id) AS still_aside FROM set_aside WHERE venue_id = ? "
        "ORDER BY date DESC, hour DESC, id DESC", [venue_id])]


def in_range(db, venue_id, first, last):
    """(check-ins set aside from first to last, [(date, hour or None)] of the decisions that
    still stand), for the report's method paragraph."""
    span = [venue_id, first.isoformat(), last.isoformat()]
    visits = db.execute(
        "SELECT count(*) FROM visit WHERE venue_id = ? AND date BETWEEN ? AND ? "
        "AND set_aside_id IS NOT NULL", span).fetchone()[0]
    when = [(r[0], r[1]) for r in db.execute(
        "SELECT date, hour FROM set_aside WHERE venue_id = ? AND date BETWEEN ? AND ? "
        "AND brought_back_by IS NULL ORDER BY date, hour", span)]
    return visits, when
