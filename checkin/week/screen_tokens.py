"""Screens on the venue's wall: a TV or tablet holds a random token in a cookie, we keep only its
hash, and staff can turn any screen off (checkin/tokens.py, Devices, as for the kiosks). No
Flask."""

from checkin.accounts.api import audit
from checkin.i18n import LOCALES
from checkin.tokens import LABEL_MAX, DeviceError, Devices  # noqa: F401  (LABEL_MAX: the form)

SCREEN_COOKIE = "checkin_screen"  # path /<venue>/screen only: the screen's token
SCREENS = Devices("screen", made="created_on", off="revoked_on")
ScreenError = DeviceError  # nothing was changed; the message says why


def create_screen(db, venue_id, *, label, lang, user, day):
    """A new screen for the venue, with its audit line; returns (screen id, the token for the
    screen's cookie)."""
    if lang not in LOCALES:
        raise ScreenError(f"lang must be one of {', '.join(LOCALES)}")

    def said(db, screen_id):
        kept = db["screen"].get(screen_id)["label"]
        audit.write(db, user, "screen created", f"#{screen_id} {kept}".strip(), venue_id,
                    {"id": screen_id, "label": kept})

    return SCREENS.create(db, venue_id, label=label, made=day.isoformat(), user=user,
                          fields={"lang": lang}, said=said)


def screen_by_token(db, token):
    """The screen this token belongs to, if it has not been turned off."""
    return SCREENS.by_token(db, token)


def venue_screens(db, venue_id):
    """The venue's screens, those still on first, newest first."""
    return SCREENS.of_venue(db, venue_id)


def revoke_screen(db, venue_id, screen_id, *, user, day):
    """Turn the venue's screen off, with its audit line; ScreenError if it is not on."""
    def said(db, screen):
        audit.write(db, user, "screen turned off", f"#{screen_id}", venue_id,
                    {"id": screen_id, "label": screen["label"]})

    if not SCREENS.turn_off(db, venue_id, screen_id, off=day.isoformat(), said=said):
        raise ScreenError(f"no screen {screen_id} on at this venue")
