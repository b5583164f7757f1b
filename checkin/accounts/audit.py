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


# The kinds of the page's "What" filter, in the order it lists them. Each feature says which
# kind each of its actions is (its audit_words.py: KINDS); an action no one lists is "other".
KIND_ORDER = ("programme", "counting", "feedback", "figures", "devices", "accounts", "logins")
_OWN_KINDS = {
    "accounts": ("account created", "account changed", "account turned off",
                 "account turned on", "password changed", "password reset"),
    "logins": ("logged in", "logged out", "logged out everywhere", "login failed",
               "password confirmation failed"),
}
_WORDS = {}  # module name → a feature's audit_words module, as create_app registered them
KINDS = {}  # kind → its actions, from every registered feature and the accounts' own
KIND_OF = {}  # action → its kind


def register_words(*modules):
    """Let features word their own actions: each module has KINDS ({kind: actions}) and
    sentences(f, _, locale). Registering one again changes nothing."""
    for module in modules:
        _WORDS[module.__name__] = module
    kinds = {kind: [] for kind in KIND_ORDER}
    for source in (_OWN_KINDS, *(words.KINDS for words in _WORDS.values())):
        for kind, actions in source.items():
            kinds[kind].extend(actions)
    KINDS.clear()
    KINDS.update({kind: tuple(actions) for kind, actions in kinds.items()})
    KIND_OF.clear()
    KIND_OF.update({action: kind for kind, actions in KINDS.items() for action in actions})


register_words()

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

def say_day(iso, locale):
    return format_date(dt.date.fromisoformat(iso), "EEEE d MMMM y", locale=locale)


def say_span(start, end, locale):
    span = f"{clock(start, locale)}–{clock(end, locale)}"
    return span if locale == "en" else f"kl. {span}"


def _sentences(f, _, locale):
    """action → a function of the facts that says it: the accounts' own, then each registered
    feature's (register_words). Only called for the line's action."""
    roles = {"admin": _("admin"), "staff": _("staff"), "viewer": _("viewer")}
    said = {
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
        "logged in": lambda: _("Logged in."),
        "logged out": lambda: _("Logged out."),
        "logged out everywhere": lambda: _("Logged out on every device."),
        "login failed": lambda: _("Someone gave a wrong password for this account."),
        "password confirmation failed": lambda: _("Gave a wrong password to confirm a "
                                                  "change; nothing was changed."),
    }
    for words in _WORDS.values():
        said.update(words.sentences(f, _, locale))
    return said


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
