"""What other parts use of visits: the genders and sources a visit is recorded with,
phone hashes and year secrets, the door's address and QR code, the remembered phone and the
one-time form token, set-aside records, and for the kiosk (devices) the arrival rules, its
tokens and the visits' blueprint its pages join; and its part of the daily job (forgetting
steps and spent tokens) and of the yearly close (forget_year, the secrets it removes or keeps).

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from checkin.visits import arrivals, kiosk_tokens, phones, recording, set_aside, steps
from checkin.visits.arrivals import NO_ACTIVITY
from checkin.visits.door import door_url
from checkin.visits.imported_visits import (
    add_imported_visits,
    imported_days,
    remove_imported_visits,
)
from checkin.visits.kiosk_tokens import KIOSK_COOKIE
from checkin.visits.once import forget_spent as forget_spent_tokens
from checkin.visits.phone_pages import (
    Refused,
    drop_step_ref,
    form_key,
    keep_step_ref,
    posted_token,
    remembered_phone,
    step_ref,
    visitor_post,
)
from checkin.visits.phones import (
    closed_years,
    kept_secrets,
    person_hash,
    purpose_hash,
    server_secret,
    year_secret,
    year_secrets,
    years_with_secrets,
)
from checkin.visits.recording import GENDERS, SOURCES, years_with_visits
from checkin.visits.routes import blueprint, door_limits, refusal, sender
from checkin.visits.steps import forget_over as forget_steps_over
from checkin.visits.steps import hour_number
from checkin.visits.volume import forget_door_counts


def forget_year(db, year, today):
    """The yearly close's part of visits, inside its transaction: the year's visits lose
    their person hashes, then the year's secret goes. Returns how many visits changed."""
    changed = recording.remove_year_hashes(db, year)
    phones.forget_year(db, year, today)
    return changed


__all__ = [
    "GENDERS", "KIOSK_COOKIE", "NO_ACTIVITY", "Refused", "SOURCES", "add_imported_visits",
    "arrivals", "blueprint", "closed_years", "door_limits", "door_url", "drop_step_ref",
    "forget_door_counts", "forget_spent_tokens", "forget_steps_over", "forget_year", "form_key",
    "hour_number", "imported_days", "keep_step_ref", "kept_secrets", "kiosk_tokens", "person_hash",
    "posted_token", "purpose_hash", "recording", "refusal", "remembered_phone",
    "remove_imported_visits", "sender", "server_secret", "set_aside", "step_ref", "steps",
    "visitor_post", "year_secret", "year_secrets", "years_with_secrets", "years_with_visits",
]
