"""What other parts use of visits: the genders and sources a visit is recorded with,
phone hashes and year secrets, the door's address and QR code, the remembered phone and the
one-time form token, set-aside records, and for the kiosk (devices) the arrival rules, its
tokens and the visits' blueprint its pages join.

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/test_layout.py)."""

from checkin.visits import arrivals, kiosk_tokens, recording, set_aside, steps
from checkin.visits.door import door_url, qr_svg
from checkin.visits.kiosk_tokens import KIOSK_COOKIE
from checkin.visits.phone_pages import remembered_phone, spend_once
from checkin.visits.phones import (
    closed_years,
    person_hash,
    purpose_hash,
    server_secret,
    year_secret,
)
from checkin.visits.recording import GENDERS, SOURCES, years_with_visits
from checkin.visits.routes import blueprint, door_limits, too_many_message

__all__ = [
    "GENDERS", "KIOSK_COOKIE", "SOURCES", "arrivals", "blueprint", "closed_years", "door_limits",
    "door_url", "kiosk_tokens", "person_hash", "purpose_hash", "qr_svg", "recording",
    "remembered_phone", "server_secret", "set_aside", "spend_once", "steps", "too_many_message",
    "year_secret", "years_with_visits",
]
