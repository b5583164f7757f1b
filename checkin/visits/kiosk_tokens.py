"""Kiosk credentials: a tablet at the door holds a random token; we keep only its hash. No Flask."""

from checkin.accounts import audit
from checkin.db import writing
from checkin.hours import this_hour
from checkin.tokens import new_token, token_hash

KIOSK_COOKIE = "checkin_kiosk"  # path /kiosk only: the tablet's token


def create_kiosk(db, venue_id, label, user):
    """A new kiosk for the venue; returns (kiosk id, the token for the tablet's cookie). The
    audit line of `user` (the account) is written in the same transaction; None (a test's or
    a bench's kiosk, made with no account) writes none."""
    token = new_token()
    with writing(db):
        kiosk_id = db.execute(
            "INSERT INTO kiosk (venue_id, token_hash, label, created_by, created_at) "
            "VALUES (?,?,?,?,?)",
            [venue_id, token_hash(token), label, user["id"] if user else None, this_hour()],
        ).lastrowid
        if user is not None:
            audit.write(db, user, "kiosk created", label, venue_id,
                        {"label": label, "id": kiosk_id})
    return kiosk_id, token


def kiosk_by_token(db, token):
    """The kiosk this token belongs to, if it has not been revoked."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = db.execute("SELECT * FROM kiosk WHERE token_hash = ? AND revoked_at IS NULL",
                     [token_hash(token)]).fetchone()
    return dict(row) if row else None


def venue_kiosks(db, venue_id):
    return [dict(r) for r in db.execute(
        "SELECT kiosk.*, staff_user.username AS created_by_name FROM kiosk "
        "LEFT JOIN staff_user ON staff_user.id = kiosk.created_by "
        "WHERE venue_id = ? ORDER BY revoked_at IS NOT NULL, id DESC", [venue_id])]


def revoke_kiosk(db, venue_id, kiosk_id, *, user):
    """Turn the venue's kiosk off for good, with its audit line in the same transaction;
    False (nothing written) if it is not on at this venue."""
    with writing(db):
        row = db.execute("SELECT label FROM kiosk WHERE id = ? AND venue_id = ? "
                         "AND revoked_at IS NULL", [kiosk_id, venue_id]).fetchone()
        if row is None:
            return False
        db.execute("UPDATE kiosk SET revoked_at = ? WHERE id = ?", [this_hour(), kiosk_id])
        audit.write(db, user, "kiosk turned off", row["label"], venue_id,
                    {"label": row["label"], "id": kiosk_id})
    return True
