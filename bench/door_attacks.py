"""The attacks of issue 12 against a real server: what each one stores.

    .venv/bin/python -m bench.door_attacks [--only replay,phones,...]

Each attack runs on a fresh copy of one demo database, served by `checkin serve` (waitress)
with the settings' defaults, from outside, with no login: exactly what anyone holding the door
poster (or a copied kiosk cookie) can do. The table shows how many requests were sent and what
the database gained. Set PYTHONPATH to another checkout to measure that code instead.
"""

import argparse
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import Server, Visitor, checkin, checkin_env  # noqa: E402

INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
CHECKED = re.compile(r'name="activity" value="([^"]+)" checked')


def hidden_inputs(html, action=None):
    """The hidden fields of the form that posts to `action` (or of the whole page)."""
    if action:
        match = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>',
                          html, re.S)
        html = match[1] if match else html
    fields = {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def door_form(page):
    form = hidden_inputs(page)
    running = CHECKED.search(page)
    form.setdefault("activity", running[1] if running else "none")
    return form


def scalar(database, sql, args=()):
    with sqlite3.connect(database) as conn:
        return conn.execute(sql, args).fetchone()[0]


def visit_count(database):
    return scalar(database, "SELECT count(*) FROM visit")


def random_code(shape):
    key = secrets.token_urlsafe(24)
    return key if shape == "bare" else f"{key}.w.{secrets.token_urlsafe(16)}"


# --- the attacks: each returns (requests sent, what it stored) ---------------------------------

def replay(server, door, database, count=100):
    """One GET of the door page, then the same cookie and form posted again and again."""
    before = visit_count(database)
    visitor = Visitor(server.url)
    _s, _h, page = visitor.request("GET", door)
    form, cookies = door_form(page), dict(visitor.cookies)
    for _ in range(count):
        visitor.cookies = dict(cookies)
        visitor.request("POST", door, form)
    visitor.close()
    return count, f"{visit_count(database) - before} visits"


def flood(server, door, database, count=100):
    """The door key is on the poster: a fresh GET and POST each time, no cookies kept."""
    before = visit_count(database)
    for _ in range(count):
        visitor = Visitor(server.url)
        visitor.check_in(door)
        visitor.close()
    return count, f"{visit_count(database) - before} visits"


def phones(server, door, database, count=54, shape="bare"):
    """Each check-in from a made-up remembered phone claiming to be a woman."""
    persons = "SELECT count(DISTINCT person_hash) FROM visit"
    women = "SELECT count(*) FROM visit WHERE person_hash IS NOT NULL AND gender = 'woman'"
    before = scalar(database, persons), scalar(database, women)
    for _ in range(count):
        visitor = Visitor(server.url)
        visitor.cookies = {"checkin_phone": random_code(shape), "checkin_gender": "woman"}
        _s, _h, page = visitor.request("GET", door)
        visitor.request("POST", door, door_form(page))
        visitor.close()
    return count, (f"{scalar(database, persons) - before[0]} persons, "
                   f"{scalar(database, women) - before[1]} linked 'woman' visits")


def votes(server, door, database, count=54, shape="bare"):
    """A made-up phone code per vote for one published idea."""
    idea = scalar(database, "SELECT id FROM idea WHERE text = 'Bingo på fredagar'")
    count_sql = "SELECT count(*) FROM idea_vote WHERE idea_id = ?"
    before = scalar(database, count_sql, [idea])
    action = f"/mallis/ideas/{idea}/vote"
    for _ in range(count):
        visitor = Visitor(server.url)
        visitor.cookies = {"checkin_phone": random_code(shape)}
        _s, _h, page = visitor.request("GET", "/mallis/ideas")
        visitor.request("POST", action, hidden_inputs(page, action))
        visitor.close()
    return count, f"{before} -> {scalar(database, count_sql, [idea])} votes"


def _kiosk_cookie(server):
    from checkin.db import connect
    from checkin.visits.kiosk_tokens import create_kiosk

    db = connect(server.instance / "checkin.db")
    venue = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    _kiosk_id, token = create_kiosk(db, venue, "copied", None)
    db.conn.close()
    return token


def kiosk(server, door, database, count=141, fresh=True):
    """A copied kiosk cookie: GET and POST the kiosk page (or replay one POST) `count` times."""
    token = _kiosk_cookie(server)
    before = scalar(database, "SELECT count(*) FROM visit WHERE source = 'kiosk'")
    visitor = Visitor(server.url)
    visitor.cookies = {"checkin_kiosk": token}
    _s, _h, page = visitor.request("GET", "/kiosk/")
    form = {**door_form(page), "gender": "woman"}
    kept = dict(visitor.cookies)
    for _ in range(count):
        if fresh:
            _s, _h, page = visitor.request("GET", "/kiosk/")
            form = {**door_form(page), "gender": "woman"}
        else:
            visitor.cookies = dict(kept)
        visitor.request("POST", "/kiosk/", form)
    visitor.close()
    added = scalar(database, "SELECT count(*) FROM visit WHERE source = 'kiosk'") - before
    return count, f"{added} kiosk visits"


def _face(server, source, rating="4"):
    """One face from the feedback page's own form; returns the POST's status."""
    visitor = Visitor(server.url, source=source)
    _s, _h, page = visitor.request("GET", "/mallis/feedback")
    status, _h, _p = visitor.request("POST", "/mallis/feedback",
                                     {**hidden_inputs(page, "/mallis/feedback"),
                                      "rating": rating})
    visitor.close()
    return status


def _visit_and_face(server, door, source):
    """A real visitor: checks in, then leaves a face, with the same browser (one address)."""
    visitor = Visitor(server.url, source=source)
    checked, _location = visitor.check_in(door)
    _s, _h, page = visitor.request("GET", "/mallis/feedback")
    rated, _h, _p = visitor.request("POST", "/mallis/feedback",
                                    {**hidden_inputs(page, "/mallis/feedback"), "rating": "4"})
    visitor.close()
    return checked, rated


def shut_the_door(server, door, database, check_ins=300, faces=150, real=15):
    """Issue 24: one address floods 300 check-ins and 150 faces (fresh browser each), then 15
    real visitors, each from an address of its own, check in and leave a face."""
    faces_sql = "SELECT count(*) FROM feedback"
    before = visit_count(database), scalar(database, faces_sql)
    for _ in range(check_ins):
        visitor = Visitor(server.url, source="127.0.0.66")
        visitor.check_in(door)
        visitor.close()
    for _ in range(faces):
        _face(server, "127.0.0.66", "1")
    flooded = visit_count(database) - before[0], scalar(database, faces_sql) - before[1]
    results = [_visit_and_face(server, door, f"127.0.1.{n + 1}") for n in range(real)]
    counted = sum(status == 302 for status, _ in results)
    rated = sum(status == 302 for _, status in results)
    refused = sum(status == 429 for pair in results for status in pair)
    return (check_ins + faces + 2 * real,
            f"flood +{flooded[0]} visits +{flooded[1]} faces; real {counted}/{real} in, "
            f"{rated}/{real} faces, {refused} refused")


def shared_wifi(server, door, database, real=15):
    """15 phones behind one address (a venue's Wi-Fi) check in and leave a face, no flood."""
    before = visit_count(database)
    results = [_visit_and_face(server, door, "127.0.2.1") for _ in range(real)]
    refused = sum(status == 429 for pair in results for status in pair)
    return 2 * real, f"{visit_count(database) - before}/{real} counted, {refused} refused"


def farm(server, door, database, count=150):
    """Issue 24: clear cookies, check in, "Ja, kom ihåg", vote; again and again (each turn
    from an address of its own, so the door's budgets are not what stops it)."""
    idea = scalar(database, "SELECT id FROM idea WHERE text = 'Bingo på fredagar'")
    count_sql = "SELECT count(*) FROM idea_vote WHERE idea_id = ?"
    before = scalar(database, count_sql, [idea])
    action = f"/mallis/ideas/{idea}/vote"
    codes = 0
    for n in range(count):
        visitor = Visitor(server.url, source=f"127.0.{3 + n // 250}.{1 + n % 250}")
        visitor.check_in(door)
        for question, answer in (("gender", "skip"), ("remember", "yes")):
            _s, _h, page = visitor.request("GET", door + "/done")
            visitor.request("POST", door + "/done", {**hidden_inputs(page), "question": question,
                                                     "answer": answer})
        codes += "checkin_phone" in visitor.cookies
        _s, _h, page = visitor.request("GET", "/mallis/ideas")
        visitor.request("POST", action, hidden_inputs(page, action))
        visitor.close()
    return count, f"{codes} codes; {before} -> {scalar(database, count_sql, [idea])} votes"


ATTACKS = {
    "replay": ("replay one check-in (same cookie and form)", replay),
    "flood": ("fresh GET+POST without cookies", flood),
    "phones": ("made-up phone codes (bare 32-char key)", phones),
    "phones-signed-shape": ("made-up codes shaped like a signed one",
                            lambda *a: phones(*a, shape="signed")),
    "votes": ("made-up phone code per vote", votes),
    "kiosk": ("copied kiosk cookie, fresh page each time", kiosk),
    "kiosk-replay": ("copied kiosk cookie, one POST replayed",
                     lambda *a: kiosk(*a, fresh=False)),
    "shut-door": ("1 address: 300 check-ins + 150 faces, then 15", shut_the_door),
    "wifi": ("15 phones behind one address (no flood)", shared_wifi),
    "farm": ("farmed codes: check in, remember, vote", farm),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(ATTACKS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        seed = Path(folder) / "seed"
        seed.mkdir()
        env = checkin_env(seed)
        checkin(env, "init-db")
        checkin(env, "seed-demo")
        print(f"{'attack':<46} {'sent':>5}  {'stored':<40} seconds")
        for name in args.only.split(","):
            title, attack = ATTACKS[name]
            instance = Path(folder) / name
            instance.mkdir()
            (instance / "secret_key").write_text((seed / "secret_key").read_text())
            with sqlite3.connect(seed / "checkin.db") as source, \
                    sqlite3.connect(instance / "checkin.db") as target:
                source.backup(target)
            with Server(instance) as server:
                door = "/" + checkin(server.env, "door-url", "mallis").strip().split("/", 3)[3]
                started = time.monotonic()
                sent, stored = attack(server, door, instance / "checkin.db")
                took = time.monotonic() - started
            print(f"{title:<46} {sent:>5}  {stored:<40} {took:6.1f}", flush=True)


if __name__ == "__main__":
    main()
