"""What one tap at the door does: the same-day rules and the three ways a check-in can go,
in one place for the phone and the kiosk. No Flask.

A check-in from a phone is one of three:
1. a remembered phone (a code the server signed): its visit of the day, made or changed;
2. the same browser again the same day (its pending step still points at today's visit):
   that visit changes, nothing is added;
3. anyone else: a new, unlinked visit.
Only a new visit spends the sender's budget (visits/volume.py); past the venue's day bound it
is stored set aside for staff to review, and nobody checks in on a day the venue is closed.
"""

import datetime as dt
from typing import NamedTuple

from checkin import venues
from checkin.visits import volume
from checkin.visits.phones import YearClosed, new_device_key, person_hash, phone_code
from checkin.visits.recording import change_visit, get_visit, link_phone, record_visit
from checkin.week.api import schedule


class Arrival(NamedTuple):
    visit_id: int
    repeat: bool                 # the visitor was already checked in today
    before: int | None = None    # a repeat's activity before this tap (None: no activity)


class TooMany(Exception):
    """More new check-ins from one sender than a real door makes. Nothing stored."""


class Closed(Exception):
    """The venue is closed today and nothing is on its programme. Nothing stored."""


def open_on(db, venue, day):
    """The venue receives visitors that day: an opening day, or a counted activity is on."""
    return (day.weekday() in venues.opening_days(venue)
            or bool(schedule.check_in_choices(db, venue["id"], day)))


def next_open_day(db, venue, day):
    """The first day after `day` the venue is open (within four weeks), else None."""
    for n in range(1, 29):
        later = day + dt.timedelta(days=n)
        if open_on(db, venue, later):
            return later
    return None


def _todays_visit_of(db, venue_id, day, hashed):
    row = db.execute("SELECT id FROM visit WHERE venue_id = ? AND date = ? AND person_hash = ?",
                     [venue_id, day.isoformat(), hashed]).fetchone()
    return get_visit(db, row[0]) if row else None


def _spend_bounds(db, venue_id, day, source, sender, limits, budget, settings):
    """Spend one new check-in of the sender's budget (TooMany past it); True when the venue
    is past its day bound, so the visit is stored set aside for staff to review."""
    if not budget.spend(sender, ("check-in", source),
                        volume.sender_limits(limits, source, settings)):
        raise TooMany()
    prefix = "qr" if source == "qr" else "kiosk"
    return volume.checkins_today(db, venue_id, day, source) >= limits[f"{prefix}_per_day"]


def refuse_early(*, source, sender, limits, budget, settings):
    """Raise TooMany if this sender's new check-in would be refused anyway: called before the
    form's one-time token is spent, so a flood past its budget writes nothing at all."""
    if budget.full(sender, ("check-in", source), volume.sender_limits(limits, source, settings)):
        raise TooMany()


def _earlier_visit(db, venue_id, day, hashed, browser_visit_id):
    """Today's visit this tap changes (a remembered phone's, or this browser's), else None."""
    if hashed:
        return _todays_visit_of(db, venue_id, day, hashed)
    earlier = get_visit(db, browser_visit_id) if browser_visit_id else None
    if earlier and (earlier["venue_id"], earlier["date"], earlier["source"]) != (
            venue_id, day.isoformat(), "qr"):
        return None
    return earlier


def makes_a_new_visit(db, *, venue_id, day, phone=None, browser_visit_id=None):
    """True if a check-in now would add a visit (and so spend the sender's budget), not
    change one: asked before the form's one-time token is spent. Stores no visit (at most
    the year's secret, as check_in would); a closed year's phone counts as new."""
    try:
        hashed = person_hash(db, venue_id, phone.key, day.year) if phone else None
    except YearClosed:
        return True
    return _earlier_visit(db, venue_id, day, hashed, browser_visit_id) is None


def todays_visit(db, *, venue_id, day, phone=None, browser_visit_id=None):
    """Today's visit a check-in now would change (a remembered phone's or this browser's), or
    None: what the door says before the tap. Stores no visit (at most the year's secret)."""
    try:
        hashed = person_hash(db, venue_id, phone.key, day.year) if phone else None
    except YearClosed:
        return None
    return _earlier_visit(db, venue_id, day, hashed, browser_visit_id)


def check_in(db, *, venue, day, hour, activity_id, phone=None, browser_visit_id=None,
             sender, budget, limits, settings):
    """Check in from a phone at the door; returns an Arrival. Raises Closed or TooMany.

    `phone` is a verified Phone (visits/phones.py) or None; `browser_visit_id` the visit this
    browser's pending step points at, if any.
    """
    venue_id = venue["id"]
    if not open_on(db, venue, day):
        raise Closed()
    hashed = person_hash(db, venue_id, phone.key, day.year) if phone else None
    earlier = _earlier_visit(db, venue_id, day, hashed, browser_visit_id)
    if earlier:
        if hashed:
            record_visit(db, venue_id=venue_id, day=day, hour=hour, source="qr",
                         activity_id=activity_id, gender=phone.gender, person_hash=hashed)
        else:
            change_visit(db, earlier["id"], activity_id=activity_id)
        return Arrival(earlier["id"], True, earlier["activity_id"])
    review = _spend_bounds(db, venue_id, day, "qr", sender, limits, budget, settings)
    visit_id, repeat = record_visit(
        db, venue_id=venue_id, day=day, hour=hour, source="qr", activity_id=activity_id,
        gender=phone.gender if phone else None, person_hash=hashed, review=review)
    return Arrival(visit_id, repeat)


def kiosk_check_in(db, *, venue, day, hour, activity_id, gender, sender, budget, limits,
                   settings):
    """One tap on the kiosk: always a new, unlinked visit, within the sender's bounds (the
    sender is the tablet and its address, so a copied kiosk cookie elsewhere has its own)."""
    if not open_on(db, venue, day):
        raise Closed()
    review = _spend_bounds(db, venue["id"], day, "kiosk", sender, limits, budget, settings)
    visit_id, _repeat = record_visit(db, venue_id=venue["id"], day=day, hour=hour,
                                     source="kiosk", activity_id=activity_id, gender=gender,
                                     review=review)
    return Arrival(visit_id, False)


def remember_phone(db, visit_id, venue_id, day):
    """The visitor said yes: a new key whose hash joins today's visit; returns the signed code
    for the phone, carrying the visit's gender answer."""
    key = new_device_key()
    link_phone(db, visit_id, person_hash(db, venue_id, key, day.year))
    return phone_code(db, key, get_visit(db, visit_id)["gender"])
