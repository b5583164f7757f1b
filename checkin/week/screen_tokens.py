"""Screens on the venue's wall: a TV or tablet holds a random token in a cookie, we keep only its
hash, and staff can turn any screen off. No Flask."""

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.i18n import LOCALES
from checkin.tokens import new_token, token_hash

SCREEN_COOKIE = "checkin_screen"  # path /<venue>/screen only: the screen's token
TOKEN_MAX = 100
LABEL_MAX = 60


class ScreenError(ValueError):
    """Nothing was changed; the message says why."""


def create_screen(db, venue_id, *, label, lang, user, day):
    """A new screen for the venue, with its audit line; returns (screen id, the token for the
    screen's cookie)."""
    label = " ".join((label or "").split())
    if lang not in LOCALES:
        raise ScreenError(f"lang must be one of {', '.join(LOCALES)}")
    if len(label) > LABEL_MAX:
        raise ScreenError(f"the name is longer than {LABEL_MAX} characters")
    token = new_token()
    with writing(db):
        screen_id = db.execute(
            "INSERT INTO screen (venue_id, token_hash, label, lang, created_by, created_on) "
            "VALUES (?,?,?,?,?,?)",
            [venue_id, token_hash(token), label, lang, user["id"], day.isoformat()],
        ).lastrowid
        audit.write(db, user, "screen created", f"#{screen_id} {label}".strip(), venue_id,
                    {"id": screen_id, "label": label})
    return screen_id, token


def screen_by_token(db, token):
    """The screen this token belongs to, if it has not been turned off."""
    if not token or not isinstance(token, str) or len(token) > TOKEN_MAX:
        return None
    row = db.execute("SELECT * FROM screen WHERE token_hash = ? AND revoked_on IS NULL",
                     [token_hash(token)]).fetchone()
    return dict(row) if row else None


def venue_screens(db, venue_id):
    """The venue's screens, those still on first, newest first."""
    return [dict(r) for r in db.execute(
        "SELECT screen.*, staff_user.username AS created_by_name FROM screen "
        "LEFT JOIN staff_user ON staff_user.id = screen.created_by "
        "WHERE venue_id = ? ORDER BY revoked_on IS NOT NULL, id DESC", [venue_id])]


def revoke_screen(db, venue_id, screen_id, *, user, day):
    """Turn the venue's screen off, with its audit line; ScreenError if it is not on."""
    with writing(db):
        changed = db.execute(
            "UPDATE screen SET revoked_on = ? WHERE id = ? AND venue_id = ? "
            "AND revoked_on IS NULL", [day.isoformat(), screen_id, venue_id]).rowcount
        if not changed:
            raise ScreenError(f"no screen {screen_id} on at this venue")
        label = db.execute("SELECT label FROM screen WHERE id = ?", [screen_id]).fetchone()[0]
        audit.write(db, user, "screen turned off", f"#{screen_id}", venue_id,
                    {"id": screen_id, "label": label})
