"""The audit log: which staff member changed what, and when. Staff actions only. No Flask.

A line keeps its action (a short English code such as "tally"), a short detail for the
command line, and its facts as JSON; `sentence` says the line in the reader's language.
"""

import datetime as dt
import json

from babel.dates import format_date

from checkin.db import writing
from checkin.i18n import translator


def record(db, user, action, detail="", venue_id=None, facts=None):
    """Write one line; call it inside the same request as the change it describes."""
    with writing(db):
        write(db, user, action, detail, venue_id, facts)


def write(db, user, action, detail="", venue_id=None, facts=None):
    """Write one line inside the caller's transaction: an operation's change and its line
    are stored together or not at all. `facts` (a dict) let `sentence` say it in words.

    The time is kept to the hour only: a tally line ("Sygrupp: woman +1") with a time to the
    second would say when one visitor came, which nothing else here is allowed to say.
    """
    db.execute(
        "INSERT INTO audit_log (at, user_id, username, venue_id, action, detail, facts) "
        "VALUES (?,?,?,?,?,?,?)",
        [this_hour(), user["id"], user["username"], venue_id, action, detail,
         json.dumps(facts or {}, ensure_ascii=False, default=str)],
    )


DEFAULT_KEEP_MONTHS = 24


def forget_before(db, before):
    """Delete the lines written before the date `before` (the daily job: AUDIT_KEEP_MONTHS);
    return how many. Nothing else reads old lines: the report's author and the imports keep
    their own columns."""
    with writing(db):
        return db.execute("DELETE FROM audit_log WHERE at < ?", [before.isoformat()]).rowcount


def this_hour():
    """Now in UTC, to the hour: the one staff time this database keeps."""
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return hour.isoformat(timespec="minutes")


def recent(db, limit=200, venue_ids=None):
    """The latest lines, newest first, optionally only for some venues (and account changes)."""
    rows = [dict(r) for r in db.execute(
        "SELECT audit_log.*, venue.name AS venue_name, venue.timezone AS timezone "
        "FROM audit_log LEFT JOIN venue ON venue.id = audit_log.venue_id "
        "ORDER BY audit_log.id DESC LIMIT ?", [limit])]
    if venue_ids:
        rows = [r for r in rows if r["venue_id"] in venue_ids]
    return rows


# --- saying a line in words ------------------------------------------------------------------

def _day(iso, locale):
    return format_date(dt.date.fromisoformat(iso), "EEEE d MMMM y", locale=locale)


def _clock(hhmm, locale):
    hour, minute = (int(p) for p in hhmm.split(":"))
    if locale == "en":
        shown = hour % 12 or 12
        suffix = "am" if hour < 12 else "pm"
        return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"
    return f"{hour}.{minute:02d}" if minute else f"{hour}"


def _span(start, end, locale):
    span = f"{_clock(start, locale)}–{_clock(end, locale)}"
    return span if locale == "en" else f"kl. {span}"


def _changes(changes, _):
    words = {"woman": _("women"), "man": _("men"), "other": _("other"),
             "unstated": _("no answer")}
    return ", ".join(f"{words.get(g, g)} {n:+d}".replace("-", "−") for g, n in changes.items())


def _weekdays(weekday, _):
    return [_("on Mondays"), _("on Tuesdays"), _("on Wednesdays"), _("on Thursdays"),
            _("on Fridays"), _("on Saturdays"), _("on Sundays")][weekday]


def _sentences(f, _, locale):
    """action → a function of the facts that says it. Only called for the line's action."""
    def day(key="date"):
        return _day(f[key], locale)

    def span(a="start", b="end"):
        return _span(f[a], f[b], locale)

    def kiosk():
        return f["label"] or _("Kiosk %(n)s") % {"n": f["id"]}

    roles = {"admin": _("admin"), "staff": _("staff"), "viewer": _("viewer")}
    return {
        "tally": lambda: _("Counted by hand for %(name)s, %(day)s: %(changes)s.") % {
            "name": f["activity"] or _("no particular activity"), "day": day(),
            "changes": _changes(f["changes"], _)},
        "tally undone": lambda: _("Undid a count for %(name)s, %(day)s: %(changes)s.") % {
            "name": f["activity"] or _("no particular activity"), "day": day(),
            "changes": _changes(f["changes"], _)},
        "door key replaced": lambda: _("Replaced the QR code: old posters no longer work."),
        "kiosk created": lambda: _("Made a tablet a kiosk: %(label)s.") % {"label": kiosk()},
        "kiosk turned off": lambda: _("Turned off the kiosk %(label)s.") % {"label": kiosk()},
        "activity created": lambda: _("Added the activity %(name)s.") % {"name": f["name"]},
        "activity changed": lambda: _("Changed the activity %(name)s.") % {"name": f["name"]},
        "weekly time created": lambda: _("Added %(name)s %(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekdays(f["weekday"], _), "span": span()},
        "weekly time changed": lambda: _("Changed %(name)s to %(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekdays(f["weekday"], _), "span": span()},
        "weekly time removed": lambda: _("Removed %(name)s %(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekdays(f["weekday"], _), "span": span()},
        "weekly time ended": lambda: _("Ended %(name)s %(weekdays)s %(span)s: the last time "
                                       "is %(day)s.") % {
            "name": f["activity"], "weekdays": _weekdays(f["weekday"], _), "span": span(),
            "day": day("valid_until")},
        "weekly time changed from a date": lambda: _("Changed %(name)s from %(day)s: now "
                                                     "%(weekdays)s %(span)s.") % {
            "name": f["activity"], "weekdays": _weekdays(f["weekday"], _), "span": span(),
            "day": day("valid_from")},
        "event created": lambda: _("Added the one-off event %(name)s, %(day)s %(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "event changed": lambda: _("Changed the one-off event %(name)s, now %(day)s "
                                   "%(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "event removed": lambda: _("Removed the one-off event %(name)s, %(day)s %(span)s.") % {
            "name": f["activity"], "day": day(), "span": span()},
        "occurrence changed": lambda: (
            _("Cancelled %(name)s on %(day)s.") % {"name": f["activity"], "day": day()}
            if f["cancelled"] else
            _("Moved %(name)s from %(day)s to %(new_day)s %(span)s.") % {
                "name": f["activity"], "day": day(), "new_day": day("new_date"),
                "span": span("new_start", "new_end")}),
        "occurrence restored": lambda: _("Put %(name)s on %(day)s back to its usual time.") % {
            "name": f["activity"], "day": day()},
        "week changes copied": lambda: _("Copied %(n)s cancellations and moves from week "
                                         "%(week)s to the week after.") % {
            "n": f["copied"], "week": f["week"]},
        "venue created": lambda: _("Added the venue %(name)s.") % {"name": f["name"]},
        "venue changed": lambda: _("Changed the venue %(name)s.") % {"name": f["name"]},
        "feedback text hidden": lambda: _("Hid text #%(id)s.") % {"id": f["id"]},
        "feedback text shown": lambda: _("Showed text #%(id)s again.") % {"id": f["id"]},
        "feedback text deleted": lambda: _("Deleted text #%(id)s.") % {"id": f["id"]},
        "survey created": lambda: _("Made survey #%(id)s, open %(first)s to %(last)s.") % {
            "id": f["id"], "first": day("opens"), "last": day("closes")},
        "survey changed": lambda: _("Changed survey #%(id)s, open %(first)s to %(last)s.") % {
            "id": f["id"], "first": day("opens"), "last": day("closes")},
        "survey closed": lambda: _("Closed survey #%(id)s.") % {"id": f["id"]},
        "survey deleted": lambda: _("Deleted survey #%(id)s.") % {"id": f["id"]},
        "survey question added": lambda: _("Added a question to survey #%(id)s.") % {
            "id": f["id"]},
        "survey question removed": lambda: _("Removed a question from survey #%(id)s.") % {
            "id": f["id"]},
        "idea approved": lambda: _("Approved idea #%(id)s and showed it.") % {"id": f["id"]},
        "idea rejected": lambda: _("Rejected idea #%(id)s.") % {"id": f["id"]},
        "idea answered": lambda: _("Answered idea #%(id)s.") % {"id": f["id"]},
        "retention changed": lambda: _("Set how long texts are kept: %(n)s months.") % {
            "n": f["months"]},
        "report text saved": lambda: _("Saved the text of the yearly report %(year)s.") % {
            "year": f["year"]},
        "counts imported": lambda: _("Imported %(file)s: %(visits)s counted visits.") % {
            "file": f["file"], "visits": f["visits"]},
        "import undone": lambda: _("Undid the import of %(file)s: %(visits)s counted visits "
                                   "removed.") % {"file": f["file"], "visits": f["visits"]},
        "password changed": lambda: _("Changed their own password."),
        "password reset": lambda: _("Set a new password for %(user)s.") % {"user": f["user"]},
        "account created": lambda: _("Made the account %(user)s (%(role)s).") % {
            "user": f["user"], "role": roles.get(f["role"], f["role"])},
        "account changed": lambda: _("Changed the account %(user)s: %(role)s, %(venues)s.") % {
            "user": f["user"], "role": roles.get(f["role"], f["role"]),
            "venues": ", ".join(f["venues"]) or _("every venue")},
        "account turned off": lambda: _("Turned off the account %(user)s.") % {
            "user": f["user"]},
        "account turned on": lambda: _("Turned on the account %(user)s.") % {"user": f["user"]},
    }


def sentence(row, locale="sv"):
    """One line of the log as one sentence in `locale`. A line without facts (written before
    they were kept, or by an action this list does not know) shows its action and detail."""
    _ = translator(locale).gettext
    try:
        facts = json.loads(row.get("facts") or "{}")
    except ValueError:
        facts = {}
    try:
        say = _sentences(facts, _, locale).get(row["action"])
        if say:
            return say()
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        pass  # an older line without its facts: say what is stored
    return f"{row['action']}: {row['detail']}" if row.get("detail") else row["action"]
