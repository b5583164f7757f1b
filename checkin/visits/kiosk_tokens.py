"""Kiosk credentials: a tablet at the door holds a random token; we keep only its hash
(checkin/tokens.py, Devices, as for the wall screens). No Flask."""

from checkin.accounts.api import audit
from checkin.hours import this_hour
from checkin.tokens import Devices

KIOSK_COOKIE = "checkin_kiosk"  # path /kiosk only: the tablet's token
KIOSKS = Devices("kiosk", made="created_at", off="revoked_at")


def create_kiosk(db, venue_id, label, user):
    """A new kiosk for the venue; returns (kiosk id, the token for the tablet's cookie). The
    audit line of `user` (the account) is written in the same transaction; None (a test's or
    a bench's kiosk, made with no account) writes none."""
    def said(db, kiosk_id):
        label_kept = db["kiosk"].get(kiosk_id)["label"]
        audit.write(db, user, "kiosk created", label_kept, venue_id,
                    {"label": label_kept, "id": kiosk_id})

    return KIOSKS.create(db, venue_id, label=label, made=this_hour(), user=user,
                         said=said if user is not None else None)


def kiosk_by_token(db, token):
    """The kiosk this token belongs to, if it has not been turned off."""
    return KIOSKS.by_token(db, token)


def venue_kiosks(db, venue_id):
    return KIOSKS.of_venue(db, venue_id)


def revoke_kiosk(db, venue_id, kiosk_id, *, user):
    """Turn the venue's kiosk off for good, with its audit line in the same transaction;
    False (nothing written) if it is not on at this venue."""
    def said(db, kiosk):
        audit.write(db, user, "kiosk turned off", kiosk["label"], venue_id,
                    {"label": kiosk["label"], "id": kiosk_id})

    return KIOSKS.turn_off(db, venue_id, kiosk_id, off=this_hour(), said=said)
