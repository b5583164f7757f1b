"""One-time form tokens: every page whose form counts something carries one, and the post
spends it, so a replayed post changes nothing. No Flask.

A token is `day.nonce.mac`: the venue's local day, 16 random characters, and a MAC over the
purpose, the venue, the day and the nonce with a key derived from the app's secret. Making
one writes nothing (opening a page stays a read); spending one writes its nonce into
`used_form` in the same statement that checks it was not spent, so two threads, two
processes or a restart in between cannot spend it twice. A token is good for its day only;
spent nonces are deleted the day after their day.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from checkin.db import writing

PURPOSES = ("check-in", "kiosk", "rating", "kiosk-rating", "survey", "idea", "vote", "back")
NONCE_CHARS = 16
MAC_CHARS = 22


TOKEN_REASONS = ("bad", "old", "used")


class Refused(ValueError):
    """A visitor post that wrote nothing, and why: `reason` is 'too many' (past the sender's
    bounds), or the token's own: 'bad' (not ours), 'old' (another day) or 'used'."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def form_key(secret_key):
    """The MAC key for form tokens: from the app's secret, for this purpose only."""
    return hmac.new(secret_key.encode(), b"checkin one-time form tokens", hashlib.sha256).digest()


def _mac(key, purpose, venue_id, day, nonce):
    message = f"{purpose}\n{venue_id}\n{day}\n{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def issue(key, purpose, venue_id, day):
    """A fresh token for one form of `purpose` at the venue, good on `day` (a date)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    stamp = day.strftime("%Y%m%d")
    nonce = secrets.token_urlsafe(12)
    return f"{stamp}.{nonce}.{_mac(key, purpose, venue_id, stamp, nonce)}"


def _parse(key, token, purpose, venue_id):
    """(day, nonce) of a token we made for this purpose and venue; Refused('bad') otherwise."""
    if not isinstance(token, str) or len(token) > 64 or token.count(".") != 2:
        raise Refused("bad")
    stamp, nonce, mac = token.split(".")
    if len(nonce) != NONCE_CHARS or len(mac) != MAC_CHARS:
        raise Refused("bad")
    if not hmac.compare_digest(mac, _mac(key, purpose, venue_id, stamp, nonce)):
        raise Refused("bad")
    try:
        if len(stamp) != 8 or not stamp.isascii() or not stamp.isdigit():
            raise ValueError(stamp)
        return dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:])), nonce
    except ValueError:
        raise Refused("bad") from None


def check(key, token, purpose, venue_id, today):
    """Refused unless the token is ours and for today; spends nothing."""
    day, _nonce = _parse(key, token, purpose, venue_id)
    if day != today:
        raise Refused("old")


def spend(db, key, token, purpose, venue_id, today):
    """Spend the token once, or raise Refused; forgets the nonces of days that are over."""
    day, nonce = _parse(key, token, purpose, venue_id)
    if day != today:
        raise Refused("old")
    with writing(db):
        added = db.execute("INSERT OR IGNORE INTO used_form (nonce, day) VALUES (?, ?)",
                           [nonce, day.isoformat()]).rowcount
        _forget_before(db, today)
    if not added:
        raise Refused("used")


def _forget_before(db, today):
    # A day back, not today: a venue in another time zone may still be on that day.
    return db.execute("DELETE FROM used_form WHERE day < ?",
                      [(today - dt.timedelta(days=1)).isoformat()]).rowcount


def forget_spent(db, today):
    """Delete the nonces of days that are over, as spending does; for the daily job, so they go
    even when nobody posts a form after them. Returns how many."""
    with writing(db):
        return _forget_before(db, today)


def guarded(db, *, within_bounds, spend, write):
    """Every visitor post's guards in their one order (the door, the kiosk, faces, texts,
    ideas, votes, survey answers): the sender's bounds first (`within_bounds()` False:
    Refused('too many'), nothing written and no token spent), then the one-time token
    (`spend()`; None for a post that has none, a text), then `write()`: the token and the
    write in one transaction, so a write that refuses (raises) leaves the token unspent too.
    Returns what write() returns."""
    if within_bounds is not None and not within_bounds():
        raise Refused("too many")
    with writing(db):
        if spend is not None:
            spend()
        return write()
