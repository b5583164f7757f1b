"""What a screen on the wall says at a given minute: what runs now, what comes next today, the
first activity of the next day with a programme, and today's changes. No Flask."""

import datetime as dt

from checkin.week import schedule

NEXT_SHOWN = 4  # more would not fit a screen at a size people read from across the room
DAYS_AHEAD = 7  # how far to look for the next day with something on


def now_and_next(db, venue_id, moment, next_shown=NEXT_SHOWN):
    """A dict for the screen at `moment` (the venue's local time):

    now: occurrences running (started, not ended), not cancelled;
    next: today's later ones, not cancelled, at most `next_shown`; more_today: how many left out;
    next_day: (date, its occurrences, not cancelled) for the next day with one, or None;
    cancelled: today's cancelled occurrences; moved_away: those planned for today that were
    moved to another day.
    """
    today = moment.date()
    clock = moment.strftime("%H:%M")
    # A week on either side: a moved occurrence can come from, or go to, up to a week away.
    items = schedule.occurrences(db, venue_id, today - dt.timedelta(days=DAYS_AHEAD),
                                 today + dt.timedelta(days=DAYS_AHEAD), shown_only=True)
    on_today = [i for i in items if i["date"] == today]
    held = [i for i in on_today if not i["cancelled"]]
    later = [i for i in held if i["start"] > clock]
    coming = [i for i in items if i["date"] > today and not i["cancelled"]]
    next_day = (coming[0]["date"], [i for i in coming if i["date"] == coming[0]["date"]]
                ) if coming else None
    return {
        "now": [i for i in held if i["start"] <= clock < i["end"]],
        "next": later[:next_shown],
        "more_today": max(0, len(later) - next_shown),
        "next_day": next_day,
        "cancelled": [i for i in on_today if i["cancelled"]],
        "moved_away": [i for i in items if i["kind"] == "slot" and i["moved_from"] == today],
    }
