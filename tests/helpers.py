"""Helpers and factories every test may use; fixtures are in conftest.py, which uses these.

A test file imports from here, never from another test file or from conftest.py.
"""

import functools
import re

MONDAY_MORNING = "2026-11-23T10:15"  # Sygrupp runs 10–12 on Mondays in the demo week
TODAY = MONDAY_MORNING[:10]
STAFF_PASSWORD = "seven long staff kettles 42"
# The account an operation called directly in a test writes its audit line as.
SOMEONE = {"id": None, "username": "anna"}


# --- reading the database ------------------------------------------------------------------------

def venue_row(db, slug):
    return dict(db.execute("SELECT * FROM venue WHERE slug = ?", [slug]).fetchone())


def activity_id(db, name_sv, venue_slug="mallis"):
    return db.execute(
        "SELECT activity.id FROM activity JOIN venue ON venue.id = activity.venue_id "
        "WHERE name_sv = ? AND venue.slug = ?", [name_sv, venue_slug],
    ).fetchone()[0]


def visits(db):
    """Every visit, in the order of what it says: ids are random and say nothing."""
    return [dict(r) for r in db.execute(
        "SELECT * FROM visit ORDER BY date, coalesce(hour, -1), source, "
        "coalesce(gender, ''), coalesce(activity_id, 0), coalesce(person_hash, '')")]


def count(db, table):
    """How many rows `table` holds (a name from the test itself, never from input)."""
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


LOGIN_ACTIONS = ("logged in", "logged out", "login failed", "logged out everywhere",
                 "password confirmation failed")


def audit_lines(db, logins=False):
    """The audit log's lines; those of logging in and out only with `logins`."""
    return [dict(r) for r in db.execute("SELECT * FROM audit_log ORDER BY id")
            if logins or r["action"] not in LOGIN_ACTIONS]


# --- pages and forms -----------------------------------------------------------------------------

def text(response):
    """The page as a reader reads it: without the soft hyphens long words carry (where a
    word may break; tests/web/test_hyphens.py reads them with raw())."""
    return raw(response).replace("\u00ad", "")


def raw(response):
    return response.get_data(as_text=True)


def csrf_token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match[1]


def post_form(client, url, data, page_url=None):
    """Open the form's page for a CSRF token, then post `data` to it."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(text(page)), **data})


def run(app, *args):
    """Run a `checkin` command against the test app."""
    return app.test_cli_runner().invoke(args=list(args))


# --- visitors ------------------------------------------------------------------------------------

def door(venue):
    return f"/{venue['slug']}/in/{venue['door_key']}"


def hidden_fields(html, action=None):
    """The hidden fields (CSRF token, one-time token, day...) of the page's form that posts to
    `action`, or of the first form on the page."""
    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S)
    chosen = next((body for attrs, body in forms if action is None
                   or f'action="{action}"' in attrs), None)
    assert chosen is not None, f"no form for {action!r}"
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", chosen):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def check_in(client, venue, activity=None, **extra):
    """Open the door page and tap check-in, as a phone does (the page's own form: CSRF token,
    one-time token and day), with `activity` chosen if given."""
    page = client.get(door(venue))
    assert page.status_code == 200
    data = hidden_fields(text(page))
    if activity is not None:
        data["activity"] = activity
    data.update(extra)
    return client.post(door(venue), data=data)


def answer(client, venue, question, value=""):
    """Answer the question on the screen after the tap (or 'back' to undo a change)."""
    page = client.get(door(venue))  # any page has the session's CSRF token
    return client.post(door(venue) + "/done", data={
        "csrf_token": csrf_token(text(page)), "question": question, "answer": value})


def phone_code(app, key=None, gender=None):
    """A code the server signed, as a phone keeps it after the visitor said yes."""
    from checkin.db import connect
    from checkin.visits.phones import new_device_key
    from checkin.visits.phones import phone_code as sign

    conn = connect(app.config["DATABASE"])
    try:
        return sign(conn, key or new_device_key(), gender)
    finally:
        conn.conn.close()


# --- staff ---------------------------------------------------------------------------------------

@functools.cache
def _staff_password_hash():
    """One real scrypt hash of STAFF_PASSWORD for the whole run (a new one costs 0.1 s)."""
    from checkin.accounts import auth

    return auth.hash_password(STAFF_PASSWORD)


def make_user(db, username, role="staff", venue_ids=()):
    """An account with STAFF_PASSWORD, made by the real operation; only the scrypt hash is
    computed once per run and reused (each account still has a working, checked hash)."""
    from unittest import mock

    from checkin.accounts import auth

    known = _staff_password_hash()
    with mock.patch.object(auth, "hash_password", lambda _password: known):
        return auth.create_user(db, username, STAFF_PASSWORD, role, venue_ids=venue_ids)


def log_in(client, username, password=STAFF_PASSWORD):
    page = client.get("/staff/login", follow_redirects=True)
    return client.post("/staff/login", data={
        "csrf_token": csrf_token(text(page)), "username": username, "password": password})


# --- access: every staff and kiosk route, and how a refusal looks -------------------------------

# A value for each URL variable, so every route can be called.
SAMPLE = {"slug": "mallis", "user_id": "1", "activity_id": "1", "slot_id": "1",
          "event_id": "1", "kiosk_id": "1", "day": "2026-11-23", "feedback_id": "1",
          "action": "hide", "survey_id": "1", "question_id": "1", "idea_id": "1", "year": "2026",
          "set_aside_id": "1", "screen_id": "1", "import_id": "1", "fmt": "csv",
          "meeting_id": "1"}
OPEN = {("/staff/login", "GET"), ("/staff/login", "POST")}


def guarded_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/staff", "/kiosk")):
            continue
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: SAMPLE[m[1]], rule.rule)
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            if (rule.rule, method) not in OPEN:
                yield rule, url, method


def with_token(client):
    """A valid CSRF token for this browser, so that the role check itself is what refuses."""
    token = csrf_token(text(client.get("/staff/login", follow_redirects=True)))
    return lambda url, method: client.open(url, method=method, data={"csrf_token": token})


def refused(response):
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/staff/login" in response.location


# --- feedback ------------------------------------------------------------------------------------

# The staff's new-survey form, filled in as a staff member would.
NEW_SURVEY = {"title_sv": "Vårens enkät", "title_en": "Spring survey", "opens": "2026-12-01",
              "closes": "2026-12-31", "text_sv": "Behöver du mer stöd med ensamhet?",
              "text_en": "Do you need more support with loneliness?", "kind": "choice",
              "options_sv": "Ja\nDelvis\nNej", "options_en": "Yes\nPartly\nNo"}


# --- figures: visits written straight into the table ---------------------------------------------

# (date, hour, activity, answer, source, hash) — the worked example of docs/figures.md.
WORKED = [
    ("2025-12-29", 10, "Sygrupp", "woman", "qr", "a25"),
    ("2025-12-29", 10, "Sygrupp", "man", "qr", "b25"),
    ("2025-12-30", 13, "Yoga", "man", "qr", "b25"),
    ("2025-12-30", 13, "Yoga", "unstated", "kiosk", None),
    ("2026-01-02", 11, "Sygrupp", "woman", "qr", "a26"),
    ("2026-01-02", 11, "Sygrupp", None, "qr", "c26"),
    ("2026-01-05", 11, "Matlagningskurs", "other", "qr", "c26"),
    ("2026-01-05", None, "Matlagningskurs", "man", "tally", None),
    ("2026-01-05", None, "Matlagningskurs", "man", "tally", None),
    ("2026-01-05", None, "Matlagningskurs", "woman", "tally", None),
    ("2026-02-03", 14, "Yoga", "man", "qr", "b26"),
]

# A second, hand-made set: two venues, March 2026, counted by hand.
# Mallis: Monday 2 March (2026-W10) and Tuesday 10 March (2026-W11).
# h1 answers "man" on the 2nd and "prefer not to say" on the 10th: unstated for March.
MALLIS_MARCH = [
    ("2026-03-02", 10, "Sygrupp", "woman", "qr", "w1"),
    ("2026-03-02", 10, "Sygrupp", "woman", "qr", "w2"),
    *[("2026-03-02", 10, "Sygrupp", "woman", "kiosk", None)] * 3,
    ("2026-03-02", 10, "Sygrupp", "man", "qr", "h1"),
    ("2026-03-02", 10, "Sygrupp", "man", "qr", "h2"),
    ("2026-03-02", 10, "Sygrupp", "man", "qr", "h3"),
    *[("2026-03-02", None, "Sygrupp", "man", "tally", None)] * 3,
    ("2026-03-02", 13, "Yoga", "woman", "kiosk", None),
    ("2026-03-02", 13, "Yoga", "man", "qr", "h4"),
    *[("2026-03-02", 13, "Yoga", "man", "kiosk", None)] * 3,
    ("2026-03-10", 11, "Yoga", "woman", "qr", "w1"),
    ("2026-03-10", 11, "Yoga", "woman", "qr", "w3"),
    *[("2026-03-10", None, "Yoga", "man", "tally", None)] * 10,
    ("2026-03-10", 12, None, "unstated", "qr", "h1"),
]
# Victor: Tuesday 3 March (W10) and Saturday 14 March (W11); v7 skips the question.
VICTOR_MARCH = [
    ("2026-03-03", 17, "Gym", "woman", "qr", "v1"),
    ("2026-03-03", 17, "Gym", "man", "qr", "v2"),
    ("2026-03-03", 17, "Gym", "man", "qr", "v3"),
    ("2026-03-03", 17, "Gym", "man", "qr", "v4"),
    *[("2026-03-03", 17, "Gym", "man", "kiosk", None)] * 4,
    *[("2026-03-03", 18, "Husmöte", "woman", "kiosk", None)] * 4,
    *[("2026-03-03", None, "Husmöte", "man", "tally", None)] * 3,
    ("2026-03-14", 17, "Gym", "other", "qr", "v5"),
    ("2026-03-14", 17, "Gym", "other", "qr", "v6"),
    ("2026-03-14", 17, "Gym", None, "qr", "v7"),
]


def insert(db, venue, rows, venue_slug="mallis"):
    """Visits as (date, hour, activity, answer, source, hash) rows, in one transaction."""
    with db.conn:
        db.conn.executemany(
            "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source, person_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(venue["id"], activity_id(db, a, venue_slug) if a else None, d, h, g, s, p)
             for d, h, a, g, s, p in rows],
        )


def from_address(app, address):
    """A fresh browser whose requests come from `address` (as the proxy in front saw it)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def break_the_audit_log(monkeypatch):
    """Writing an audit line fails from now on, as with a full disk."""
    from checkin.accounts import audit

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)


def tally(client, url, **data):
    """Post the hand count form at `url` with these counts (woman="4", man="10"…)."""
    was = {f"was_{g}": "0" for g in ("woman", "man", "other", "unstated")}
    return post_form(client, url, {**was, "step": "save", **data})


VISITOR_TABLES = ("used_form", "visit", "feedback", "idea", "idea_vote", "survey_response",
                  "survey_answer", "pending_step", "set_aside")


def stored(db):
    """Every visitor table's row count and the feedback texts: what a refused post must not
    change."""
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in VISITOR_TABLES}
    counts["texts"] = db.execute("SELECT count(text) FROM feedback").fetchone()[0]
    return counts
