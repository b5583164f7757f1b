"""Random tokens handed out in cookies (staff sessions, kiosks, wall screens), and the one hash
of each that we keep instead, so that a copy of the database opens no session, no kiosk and no
screen. No Flask.

`Devices` is the one way a device holds a token: a kiosk at the door (visits/kiosk_tokens.py)
and a screen on the wall (week/screen_tokens.py) are made, found by their cookie, listed and
turned off the same way, each change with its audit line (written by the caller's `said`) in
the same transaction."""

import hashlib
import secrets

from checkin.db import writing

TOKEN_MAX = 100  # longer than any token handed out: refused before it is hashed
LABEL_MAX = 60


def new_token():
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class DeviceError(ValueError):
    """Nothing was changed; the message says why."""


def device_label(label):
    """A device's name as staff typed it, on one line; DeviceError if it is too long."""
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise DeviceError(f"the name is longer than {LABEL_MAX} characters")
    return label


class Devices:
    """The devices of one table: `made` and `off` name its columns for when a device was made
    and turned off (None while it is on)."""

    def __init__(self, table, *, made, off):
        self.table, self.made, self.off = table, made, off

    def create(self, db, venue_id, *, label, made, user, fields=None, said=None):
        """A new device for the venue; returns (its id, the token for its cookie). `said(db,
        id)` writes the audit line in the same transaction (None: a device made with no
        account, by a test or a bench, has none)."""
        token = new_token()
        with writing(db):
            device_id = db[self.table].insert({
                "venue_id": venue_id, "token_hash": token_hash(token),
                "label": device_label(label), "created_by": user["id"] if user else None,
                self.made: made, **(fields or {})}).last_pk
            if said is not None:
                said(db, device_id)
        return device_id, token

    def by_token(self, db, token):
        """The device this token belongs to, while it is on; else None."""
        if not token or not isinstance(token, str) or len(token) > TOKEN_MAX:
            return None
        found = list(db[self.table].rows_where(f"token_hash = ? AND {self.off} IS NULL",
                                               [token_hash(token)], limit=1))
        return found[0] if found else None

    def of_venue(self, db, venue_id):
        """The venue's devices, those still on first, newest first, each with the name of the
        account that made it (`created_by_name`)."""
        devices = list(db[self.table].rows_where(
            "venue_id = ?", [venue_id], order_by=f"{self.off} IS NOT NULL, id DESC"))
        makers = sorted({device["created_by"] for device in devices} - {None})
        names = {row["id"]: row["username"] for row in db["staff_user"].rows_where(
            f"id IN ({', '.join('?' * len(makers))})", makers, select="id, username")}
        return [{**device, "created_by_name": names.get(device["created_by"])}
                for device in devices]

    def turn_off(self, db, venue_id, device_id, *, off, said):
        """Turn the venue's device off for good, `said(db, device)` writing its audit line in
        the same transaction; False (nothing written) if it is not on at this venue."""
        with writing(db):
            found = list(db[self.table].rows_where(
                f"id = ? AND venue_id = ? AND {self.off} IS NULL", [device_id, venue_id]))
            if not found:
                return False
            db[self.table].update(device_id, {self.off: off})
            said(db, found[0])
        return True
