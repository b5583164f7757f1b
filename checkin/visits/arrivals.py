"""One tap at the door or the kiosk: every rule of a check-in, its reasons to refuse, and the
check-in itself in one transaction, for the phone and the kiosk alike. No Flask: the routes only
turn a reason into a page.

`arrive` is the one path. Before anything is written it checks what was sent (the page's day is
today, the activity is today's and not over, the venue is open) and the sender's bounds; then it
spends the form's one-time token and stores the visit in one transaction (visits/once.py,
`guarded`, gives every visitor post that order). A refusal raises Refused with its reason, one of
REASONS, and leaves nothing written.

A check-in from a phone is one of three:
1. a remembered phone (a code the server signed): its visit of the day, made or changed;
2. the same browser again the same day (its pending step still points at today's visit):
   that visit changes, nothing is added;
3. anyone else: a new, unlinked visit.
A tap on the kiosk is always a new, unlinked visit. Only a new visit spends the sender's budget
(visits/volume.py); past the venue's day bound it is stored set aside for staff to review, and
nobody checks in on a day the venue is closed.
"""

import datetime as dt
from typing import NamedTuple

from checkin import venues
from checkin.visits import once, volume
from checkin.visits.phones import YearClosed, new_device_key, person_hash, phone_code
from checkin.visits.recording import (
    change_visit,
    get_visit,
    link_phone,
    new_visit,
    phone_visit_of_day,
)
from checkin.week.api import schedule

NO_ACTIVITY = "none"  # what a form sends for "nothing special"
# Why a tap stored nothing: what was sent, the day, the venue, the sender's bounds, and the
# one-time token's own reasons (visits/once.py: 'bad', 'old', 'used').
REASONS = ("missing", "later day", "earlier day", "unknown activity", "activity over",
           "closed", "too many", *once.TOKEN_REASONS)
PURPOSE = {"qr": "check-in", "kiosk": "kiosk"}  # the one-time token's purpose per source


class Arrival(NamedTuple):
    visit_id: int
    activity_id: int | None      # what this tap is for (None: nothing special)
    repeat: bool = False         # the visitor was already checked in today
    before: int | None = None    # a repeat's activity before this tap (None: no activity)


class Refused(once.Refused):
    """A tap that stored nothing, and why (`reason`, one of REASONS)."""

    reason = "refused"

    def __init__(self, reason=None):
        super().__init__(reason or type(self).reason)


class TooMany(Refused):
    """More new check-ins from one sender than a real door makes. Nothing stored."""

    reason = "too many"


class Closed(Refused):
    """The venue is closed today and nothing is on its programme. Nothing stored."""

    reason = "closed"


class Sender(NamedTuple):
    """Who taps, for the bounds that follow them: a keyed stand-in for the client address (or
    the kiosk tablet and its address), the process's budgets, the venue's door limits and the
    settings (web/sender_budget.py, visits/volume.py)."""
    address: bytes  # the budget's SenderKey for the address, hashed once per tap
    budget: object
    limits: dict
    settings: object


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


def sent_activity(db, venue, now, *, day_text, activity_text):
    """The activity id a tap is for (None: nothing special), once what was sent holds: the
    page is today's, the activity is on today and not long over, and the venue is open.
    Raises Refused; reads only."""
    try:
        day = dt.date.fromisoformat(day_text or "")
    except ValueError:
        raise Refused("missing") from None
    if day > now.date():
        raise Refused("later day")
    if day < now.date():
        raise Refused("earlier day")
    activity_id = None
    if activity_text != NO_ACTIVITY:
        item = schedule.todays_activity(db, venue["id"], now, activity_text)
        if item is None:
            raise Refused("unknown activity")
        if not schedule.may_check_in_to(item, now):
            raise Refused("activity over")
        activity_id = item["activity"]["id"]
    if not open_on(db, venue, now.date()):
        raise Closed()
    return activity_id


def _person_hash(db, venue_id, day, phone):
    """A remembered phone's stand-in at the venue this year; None for no phone, or a phone of a
    closed year (it counts as new, unlinked)."""
    try:
        return person_hash(db, venue_id, phone.key, day.year) if phone else None
    except YearClosed:
        return None


def _earlier_visit(db, venue_id, day, hashed, browser_visit_id):
    """Today's visit this tap changes (a remembered phone's, or this browser's), else None."""
    if hashed:
        visit_id = phone_visit_of_day(db, venue_id, day, hashed)
        return get_visit(db, visit_id) if visit_id else None
    earlier = get_visit(db, browser_visit_id) if browser_visit_id else None
    if earlier and (earlier["venue_id"], earlier["date"], earlier["source"]) != (
            venue_id, day.isoformat(), "qr"):
        return None
    return earlier


def todays_visit(db, *, venue_id, day, phone=None, browser_visit_id=None):
    """Today's visit a check-in now would change (a remembered phone's or this browser's), or
    None: what the door says before the tap. Stores no visit (at most the year's secret)."""
    return _earlier_visit(db, venue_id, day, _person_hash(db, venue_id, day, phone),
                          browser_visit_id)


def _sender_limits(source, sender):
    return volume.sender_limits(sender.limits, source, sender.settings)


def within_bounds(db, *, source, venue_id, day, sender, phone=None, browser_visit_id=None):
    """False if this tap would make a new visit past its sender's bounds; counts nothing. A
    tap that changes today's visit is always within them: it spends nothing. (The budget, in
    memory, is asked first: the database only when it is full.)"""
    if not sender.budget.full(sender.address, ("check-in", source),
                              _sender_limits(source, sender)):
        return True
    return source == "qr" and todays_visit(db, venue_id=venue_id, day=day, phone=phone,
                                           browser_visit_id=browser_visit_id) is not None


def _spend_bounds(db, venue_id, day, source, sender):
    """Spend one new check-in of the sender's budget (TooMany past it); True when the venue
    is past its day bound, so the visit is stored set aside for staff to review."""
    if not sender.budget.spend(sender.address, ("check-in", source),
                               _sender_limits(source, sender)):
        raise TooMany()
    prefix = "qr" if source == "qr" else "kiosk"
    return volume.checkins_today(db, venue_id, day, source) >= sender.limits[f"{prefix}_per_day"]


def _store(db, *, source, venue_id, day, hour, activity_id, sender, hashed, phone,
           browser_visit_id, gender):
    """The visit of one tap, within the caller's transaction: today's changed, or a new one.
    `hashed`: the remembered phone's stand-in (_person_hash), None for none."""
    earlier = (_earlier_visit(db, venue_id, day, hashed, browser_visit_id)
               if source == "qr" else None)
    if earlier:
        change_visit(db, earlier["id"], activity_id=activity_id,
                     gender=phone.gender if hashed else None)
        return Arrival(earlier["id"], activity_id, True, earlier["activity_id"])
    review = _spend_bounds(db, venue_id, day, source, sender)
    if source == "qr":
        gender = phone.gender if phone else None
    visit_id = new_visit(db, venue_id=venue_id, day=day, hour=hour, source=source,
                         activity_id=activity_id, gender=gender, person_hash=hashed,
                         review=review)
    return Arrival(visit_id, activity_id)


def arrive(db, *, source, venue, now, day_text, activity_text, token, form_key, sender,
           phone=None, browser_visit_id=None, gender=None, then=None):
    """Check in one tap from a phone at the door (`source` 'qr') or the kiosk ('kiosk');
    returns its Arrival, or raises Refused with the reason, having written nothing.

    In this order: what was sent (sent_activity, reads only), the sender's bounds
    (within_bounds, memory only), then in one transaction the form's one-time `token`
    (checked with `form_key`), the visit and `then(arrival)` (the door's step), so a
    refusal anywhere leaves no used token, visit or step behind.

    `phone` is a verified Phone (visits/phones.py) or None; `browser_visit_id` the visit this
    browser's pending step points at, if any; `gender` the kiosk's answer (a phone's comes
    with its code).
    """
    activity_id = sent_activity(db, venue, now, day_text=day_text, activity_text=activity_text)
    day = now.date()
    # The phone's stand-in does not change within the day (its year's secret is made once).
    hashed = _person_hash(db, venue["id"], day, phone) if source == "qr" else None

    def write():
        arrival = _store(db, source=source, venue_id=venue["id"], day=day, hour=now.hour,
                         activity_id=activity_id, sender=sender, hashed=hashed, phone=phone,
                         browser_visit_id=browser_visit_id, gender=gender)
        if then is not None:
            then(arrival)
        return arrival

    return once.guarded(
        db,
        within_bounds=lambda: within_bounds(db, source=source, venue_id=venue["id"], day=day,
                                            sender=sender, phone=phone,
                                            browser_visit_id=browser_visit_id),
        spend=lambda: once.spend(db, form_key, token, PURPOSE[source], venue["id"], day),
        write=write)


def remember_phone(db, visit_id, venue_id, day):
    """The visitor said yes: a new key whose hash joins today's visit; returns the signed code
    for the phone, carrying the visit's gender answer."""
    key = new_device_key()
    link_phone(db, visit_id, person_hash(db, venue_id, key, day.year))
    return phone_code(db, key, get_visit(db, visit_id)["gender"])
