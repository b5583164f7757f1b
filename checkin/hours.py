"""Staff times are kept to the hour, in UTC, written one way: a click to the second could date
the visitor a staff member had just counted. The rule once, for the audit log, sessions,
accounts, kiosks, set-aside check-ins and imports. No Flask."""

import datetime as dt


def to_the_hour(moment):
    """The start of the hour `moment` is in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def hour_stamp(moment):
    """An aware `moment` as a stored staff time: its hour in UTC, '2026-11-23T14:00+00:00'."""
    return to_the_hour(moment.astimezone(dt.UTC)).isoformat(timespec="minutes")


def this_hour():
    """Now as a stored staff time: this hour in UTC."""
    return hour_stamp(dt.datetime.now(dt.UTC))
