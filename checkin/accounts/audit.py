"""The audit log: which staff member changed what, and when. Staff actions only. No Flask.

A line keeps its action (a short English code such as "tally"), a short detail for the
command line, and its facts as JSON; `sentence` says the line in the reader's language.
"""

import datetime as dt
import json

from babel.dates import format_date

from checkin.db import writing
from checkin.hours import this_hour
from checkin.i18n import clock, translator


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


# Each action's kind, for the page's "What" filter; an action not listed is "other".
KINDS = {
    "programme": ("activity created", "activity changed", "weekly time created",
                  "weekly time changed", "weekly time removed", "weekly time ended",
                  "weekly time changed from a date", "event created", "event changed",
                  "event removed", "occurrence changed", "occurrence restored",
                  "week changes copied", "venue created", "venue changed"),
    "counting": ("tally", "tally undone", "counts imported", "import undone",
                 "check-ins set aside", "check-ins brought back", "votes set aside",
                 "votes brought back"),
    "feedback": ("feedback text hidden", "feedback text shown", "feedback text deleted",
                 "survey created", "survey changed", "survey closed", "survey deleted",
                 "survey question added", "survey question removed", "idea approved",
                 "idea rejected", "idea answered", "retention changed", "meeting started",
                 "meeting decided", "meeting closed"),
    "figures": ("export with less hiding", "report text saved"),
    "devices": ("door key replaced", "kiosk created", "kiosk turned off", "screen created",
                "screen turned off"),
    "accounts": ("account created", "account changed", "account turned off",
                 "account turned on", "password changed", "password reset"),
    "logins": ("logged in", "logged out", "logged out everywhere", "login failed",
               "password confirmation failed"),
}
KIND_OF = {action: kind for kind, actions in KINDS.items() for action in actions}
# Logging in and out says little one by one: the page folds them per person and day.
FOLDED = ("logged in", "logged out")
PER_PAGE = 50


def lines(db, *, venue_ids=None, own=None, who=None, kind=None, venue_id=None, month=None,
          page=1, per_page=PER_PAGE):
    """One page of the log, newest first, and how many lines match in all.

    venue_ids: an account limited to venues sees their lines, and of the lines of no venue
    only its own (`own`, its username: its logins); who: a username; kind: a key of KINDS
    (or "other"); month: 'YYYY-MM' of the line's time (kept in UTC: a line in the last hour
    of a month may fall in the next).
    """
    where, params = [], []
    if venue_ids:
        marks = ",".join("?" * len(venue_ids))
        where.append(f"(audit_log.venue_id IN ({marks}) "
                     "OR (audit_log.venue_id IS NULL AND audit_log.username = ?))")
        params += [*sorted(venue_ids), own]
    if who:
        where.append("audit_log.username = ?")
        params.append(who)
    if venue_id:
        where.append("audit_log.venue_id = ?")
        params.append(venue_id)
    if month:
        where.append("substr(audit_log.at, 1, 7) = ?")
        params.append(month)
    if kind == "other":
        known = list(KIND_OF)
        where.append(f"audit_log.action NOT IN ({','.join('?' * len(known))})")
        params += known
    elif kind in KINDS:
        where.append(f"audit_log.action IN ({','.join('?' * len(KINDS[kind]))})")
        params += list(KINDS[kind])
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    # Only fixed text and placeholders go into the clause; every value is a parameter.
    total = db.execute(f"SELECT count(*) FROM audit_log {clause}",  # noqa: S608 # nosec B608
                       params).fetchone()[0]
    rows = [dict(r) for r in db.execute(
        "SELECT audit_log.*, venue.name AS venue_name, venue.timezone AS timezone "  # noqa: S608
        f"FROM audit_log LEFT JOIN venue ON venue.id = audit_log.venue_id {clause} "  # nosec B608
        "ORDER BY audit_log.at DESC, audit_log.id DESC LIMIT ? OFFSET ?",
        [*params, per_page, (max(page, 1) - 1) * per_page])]
    return rows, total


def usernames(db):
    """Everyone who has a line, for the page's "Who" filter."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT username FROM audit_log ORDER BY username")]


def months(db):
    """The months that have lines, newest first ('YYYY-MM')."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT substr(at, 1, 7) FROM audit_log ORDER BY 1 DESC")]


def fold_logins(rows, day_of):
    """Logging in and out, folded to one row per person and day (the first row where they
    were): `day_of(row)` gives its local day. The folded row gets `logins`/`logouts`."""
    folded, first = [], {}
    for row in rows:
        if row["action"] not in FOLDED:
            folded.append(row)
            continue
        key = (row["username"], day_of(row))
        if key not in first:
            first[key] = {**row, "action": "logins", "logins": 0, "logouts": 0}
            folded.append(first[key])
        first[key]["logins" if row["action"] == "logged in" else "logouts"] += 1
    return folded


# --- saying a line in words ------------------------------------------------------------------

def _day(iso, locale):
    return format_date(dt.date.fromisoformat(iso), "EEEE d MMMM y", locale=locale)


def _span(start, end, locale):
    span = f"{clock(start, locale)}–{clock(end, locale)}"
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
        "activity changed": lambda: _changed_sentence(
            _("Changed the activity %(name)s") % {"name": f["name"]}, f, _),
        "weekly time created": lambda: (
            _("Added %(name)s %(weekdays)s %(span)s from %(day)s until %(last)s.") % {
                "name": f["activity"], "weekdays": _weekdays(f["weekday"], _),
                "span": span(), "day": day("valid_from"), "last": day("valid_until")}
            if f.get("valid_until") else
            _("Added %(name)s %(weekdays)s %(span)s from %(day)s.") % {
                "name": f["activity"], "weekdays": _weekdays(f["weekday"], _),
                "span": span(), "day": day("valid_from")}),
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
        "venue changed": lambda: _changed_sentence(
            _("Changed the venue %(name)s") % {"name": f["name"]}, f, _),
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
        "logins": lambda: _logins(f, _),
        "votes set aside": lambda: _("Set aside the %(n)s votes of %(day)s.") % {
            "n": f["votes"], "day": day()},
        "votes brought back": lambda: _("Counted the %(n)s votes of %(day)s again.") % {
            "n": f["votes"], "day": day()},
        "meeting started": lambda: _("Started the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "meeting decided": lambda: _("Saved a decision of the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "meeting closed": lambda: _("Closed the meeting %(name)s, %(day)s.") % {
            "name": f["name"], "day": day()},
        "logged in": lambda: _("Logged in."),
        "logged out": lambda: _("Logged out."),
        "logged out everywhere": lambda: _("Logged out on every device."),
        "login failed": lambda: _("Someone gave a wrong password for this account."),
        "password confirmation failed": lambda: _("Gave a wrong password to confirm a "
                                                  "change; nothing was changed."),
        "screen created": lambda: _("Made a device a wall screen: %(label)s.") % {
            "label": f.get("label") or _("Screen %(n)s") % {"n": f["id"]}},
        "screen turned off": lambda: _("Turned off the wall screen %(label)s.") % {
            "label": f.get("label") or _("Screen %(n)s") % {"n": f["id"]}},
        "export with less hiding": lambda: _(
            "Downloaded figures from %(first)s to %(last)s hiding only counts under "
            "%(n)s (usually under %(usual)s).") % {
            "first": day("first"), "last": day("last"),
            "n": f["min_cell"] or 1, "usual": f["usual"]},
        "check-ins set aside": lambda: _("Set aside %(n)s check-ins of %(when)s. "
                                         "Reason: %(reason)s") % {
            "n": f["visits"], "when": _hour_or_day(f, day, locale), "reason": f["reason"]},
        "check-ins brought back": lambda: _("Counted the %(n)s check-ins of %(when)s "
                                            "again.") % {
            "n": f["visits"], "when": _hour_or_day(f, day, locale)},
    }


def _field_names(_):
    return {"name_sv": _("name"), "name_en": _("English name"),
            "description_sv": _("description"), "description_en": _("English description"),
            "pictogram": _("symbol"), "address": _("place"), "counted": _("counted"),
            "active": _("shown in the week"), "slug": _("short name"),
            "name": _("name"), "organisation": _("organisation"), "timezone": _("time zone"),
            "opening_days": _("opening days")}


def _value(field, value, _):
    if field in ("counted", "active"):
        return _("yes") if str(value) in ("1", "True") else _("no")
    if value in (None, ""):
        return _("(empty)")
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _changed_sentence(start, f, _):
    """'Changed the activity Sygrupp: name Sygrupp → Syverkstad, shown in the week yes → no.'
    Long values are cut; a line written before changes were kept says only what."""
    changed = f.get("changed") or {}
    if not changed:
        return start + "."
    names = _field_names(_)
    parts = [f"{names.get(k, k)} {_value(k, old, _)} → {_value(k, new, _)}"
             for k, (old, new) in changed.items()]
    return f"{start}: {', '.join(parts)}."


def _logins(f, _):
    """A person's logins and logouts of one day, as one sentence."""
    logins, logouts = f["logins"], f["logouts"]
    if (logins, logouts) == (1, 1):
        return _("Logged in and out.")
    if (logins, logouts) == (1, 0):
        return _("Logged in.")
    if (logins, logouts) == (0, 1):
        return _("Logged out.")
    return _("Logged in %(n)s times and out %(m)s times this day.") % {"n": logins,
                                                                       "m": logouts}


def _hour_or_day(f, day, locale):
    if f.get("hour") is None:
        return day("day")
    hour = int(f["hour"])
    return f"{day('day')}, {_span(f'{hour:02d}:00', f'{hour + 1:02d}:00', locale)}"


def sentence(row, locale="sv"):
    """One line of the log as one sentence in `locale`. A line without facts (written before
    they were kept, or by an action this list does not know) shows its action and detail."""
    _ = translator(locale).gettext
    facts = json.loads(row.get("facts") or "{}")  # written by write(): always an object
    if row["action"] == "logins":  # folded by fold_logins: the counts are on the row
        facts = {"logins": row["logins"], "logouts": row["logouts"]}
    say = _sentences(facts, _, locale).get(row["action"])
    if say:
        try:
            return say()
        except KeyError:
            pass  # a line written before this fact was kept: say what is stored
    return f"{row['action']}: {row['detail']}" if row.get("detail") else row["action"]
