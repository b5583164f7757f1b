"""The week as an iCalendar feed (RFC 5545) that a phone's calendar subscribes to. No Flask.

Every occurrence is its own event with a UID that never changes: a weekly slot's UID names the
slot and the date it was planned for, so a moved occurrence changes in place in the calendar and
a cancelled one stays, marked STATUS:CANCELLED with its note.
"""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from babel.dates import format_date

from checkin.i18n import translator
from checkin.week import schedule

WEEKS_BEFORE = 1  # last week stays, so what just happened does not vanish from the calendar
WEEKS_AHEAD = 8  # this week and the seven after it
# How often a calendar should fetch the feed again: the programme seldom changes faster.
REFRESH = dt.timedelta(hours=6)


def feed_range(today, weeks_before=WEEKS_BEFORE, weeks_ahead=WEEKS_AHEAD):
    """(first day, last day) the feed covers, whole weeks around `today`."""
    monday = schedule.monday_of(today)
    return (monday - dt.timedelta(weeks=weeks_before),
            monday + dt.timedelta(weeks=weeks_ahead, days=-1))


def occurrence_uid(item, host):
    """The occurrence's UID: the same however the occurrence is moved, cancelled or renamed."""
    if item["kind"] == "slot":
        return f"slot-{item['slot_id']}-{item['original_date']:%Y%m%d}@{host}"
    return f"event-{item['event_id']}@{host}"


def _said(row, field, lang):
    """`name`/`description`/`note` in `lang`, Swedish where English is missing."""
    if lang == "en" and row.get(f"{field}_en"):
        return row[f"{field}_en"]
    return row.get(f"{field}_sv") or ""


def _local(day, hhmm, zone):
    hour, minute = (int(p) for p in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def occurrence_event(item, venue, *, lang, host, base_url, stamp, sequence=0):
    """One occurrence as a VEVENT in `lang`. `sequence`: the programme's version, which
    only grows, so a calendar takes every change (a restored occurrence too)."""
    _ = translator(lang).gettext
    zone = ZoneInfo(venue["timezone"])
    activity = item["activity"]
    name = _said(activity, "name", lang)
    lines = [_said(activity, "description", lang)]
    if activity["address"]:
        lines.append(_("Open to everyone"))
    if item["moved_from"]:
        lines.append(_("Moved from %(day)s") % {
            "day": format_date(item["moved_from"], "EEEE d MMMM", locale=lang)})
    lines.append(_said(item, "note", lang))
    if item["address"]:  # the event's own place, else the activity's
        location = item["address"]
    else:
        location = ", ".join(p for p in (venue["name"], venue["address"]) if p)
    return icalendar.Event.new(
        uid=occurrence_uid(item, host),
        summary=_("Cancelled: %(name)s") % {"name": name} if item["cancelled"] else name,
        start=_local(item["date"], item["start"], zone),
        end=_local(item["date"], item["end"], zone),
        description="\n".join(line for line in lines if line) or None,
        location=location or None,
        status="CANCELLED" if item["cancelled"] else "CONFIRMED",
        # A calendar that imported the feed once takes a change only with a higher sequence;
        # "1 if changed" went back to 0 when a cancelled time was restored.
        sequence=sequence,
        stamp=stamp,
        url=f"{base_url}/{venue['slug']}/?week={schedule.week_label(item['date'])}",
    )


def week_feed(db, venue, *, today, lang, base_url, stamp, first=None, last=None):
    """The venue's programme from `first` to `last` (default: feed_range(today)) as the bytes
    of an .ics file in `lang`. `stamp` is DTSTAMP, the time the feed was made (UTC)."""
    if first is None or last is None:
        first, last = feed_range(today)
    _ = translator(lang).gettext
    host = urlsplit(base_url).hostname or "localhost"
    calendar = icalendar.Calendar.new(
        prodid="-//checkin//week programme//" + lang.upper(),
        # One UID per venue and language, so a calendar knows it is the same feed next time.
        uid=f"week-{venue['slug']}-{lang}@{host}",
        name=_("%(venue)s – this week's programme") % {"venue": venue["name"]},
        description=_("The programme of %(venue)s. Changes show here by themselves.")
        % {"venue": venue["name"]},
        language=lang,
        url=f"{base_url}/{venue['slug']}/",
        refresh_interval=REFRESH,
    )
    # Older calendars (Outlook, Google) read these instead of REFRESH-INTERVAL and NAME.
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))  # PT6H, RFC 5545
    calendar.add("X-WR-TIMEZONE", venue["timezone"])
    _token, version = schedule.schedule_version(db)
    for item in schedule.occurrences(db, venue["id"], first, last, shown_only=True):
        calendar.add_component(occurrence_event(
            item, venue, lang=lang, host=host, base_url=base_url, stamp=stamp,
            sequence=version))
    # The zone's rules for just the feed's years keep VTIMEZONE short.
    calendar.add_missing_timezones(first_date=dt.date(first.year, 1, 1),
                                   last_date=dt.date(last.year + 1, 1, 1))
    if not calendar.timezones:
        calendar.add_component(icalendar.Timezone.from_tzid(
            venue["timezone"], first_date=dt.date(first.year, 1, 1),
            last_date=dt.date(last.year + 1, 1, 1)))
    return calendar.to_ical()
