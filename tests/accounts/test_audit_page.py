"""The audit log people can read (issue 25, item 7): every action said in the page's
language, what changed (old → new), filters by who, what, venue and month, pages of 50, and
logging in and out folded to one line per person and day."""

import ast
import importlib
import json
import re
import tomllib
from pathlib import Path

import pytest

from checkin import register_audit_words
from checkin.accounts import audit
from checkin.i18n import translator
from tests.helpers import activity_id, audit_lines, log_in, make_user, post_form, text

CHECKIN = Path(__file__).resolve().parents[2] / "checkin"


def _literals(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):  # "tally undone" if undo else "tally"
        return _literals(node.body) | _literals(node.orelse)
    return set()


def written_actions(paths=None):
    """Every action the code writes: the literal given to audit.write / audit.record /
    audit_line, or assigned to `action` just before (action = "venue changed")."""
    found = set()
    for path in paths or CHECKIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and getattr(node.targets[0], "id", "") == "action"):
                found |= _literals(node.value)
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            position = {"write": 2, "record": 2, "audit_line": 0}.get(name)
            if position is not None and len(node.args) > position:
                found |= _literals(node.args[position])
    return found


def test_every_action_the_code_writes_has_a_sentence_and_a_kind():
    register_audit_words()
    actions = written_actions()
    assert {"tally", "logged in", "screen created", "venue changed"} <= actions
    said = set(audit._sentences({}, lambda s: s, "sv"))
    assert actions - said == set(), "actions without a sentence: say them in the feature's " \
                                    "audit_words.py"
    assert actions - set(audit.KIND_OF) == set(), "actions without a kind for the filter"


@pytest.mark.parametrize("feature", ["week", "visits", "feedback", "figures"])
def test_each_feature_words_the_actions_it_writes(feature):
    """The wording lives with the feature that writes the line: an idea-box change touches
    feedback/ only. accounts/audit.py says only the accounts' own actions. A feature may write
    an action a part below it words (a meeting makes its activity: "activity created")."""
    def worded_by(part):
        words = importlib.import_module(f"checkin.{part}.audit_words")
        return {action for actions in words.KINDS.values() for action in actions}

    words = importlib.import_module(f"checkin.{feature}.audit_words")
    written = written_actions(sorted((CHECKIN / feature).rglob("*.py")))
    worded = worded_by(feature)
    parts = tomllib.loads((CHECKIN.parent / "docs" / "parts.toml").read_text())["parts"]
    below = [part for part in parts[feature]["uses"]
             if (CHECKIN / part / "audit_words.py").is_file()]
    assert written and written <= worded.union(*map(worded_by, below))
    assert written & worded
    assert worded <= set(words.sentences({}, lambda s: s, "sv"))
    own = written_actions(sorted((CHECKIN / "accounts").rglob("*.py")))
    assert not worded & own
    assert set(audit._sentences({}, lambda s: s, "sv")) >= worded  # registered by the app


def _line(db, action, facts, venue=None):
    db.execute("INSERT INTO audit_log (at, user_id, username, venue_id, action, detail, facts) "
               "VALUES ('2026-11-23T09:00+00:00', NULL, 'anna', ?, ?, 'detail in English', ?)",
               [venue, action, json.dumps(facts)])


def test_no_line_on_a_swedish_page_is_english(staff, db, mallis):
    """A staff member's afternoon, done through the pages, then read in Swedish and English."""
    post_form(staff, "/staff/mallis/door-key", {"confirm": "y"})
    post_form(staff, "/staff/mallis/screens", {"label": "Tv:n i köket", "lang": "sv"})
    log_in(staff, "anna")
    post_form(staff, "/staff/mallis/slots/new", {
        "activity": activity_id(db, "Yoga"), "weekday": "2", "start": "13:00", "end": "15:00",
        "valid_from": "2026-11-23", "valid_until": ""})
    url = f"/staff/mallis/activities/{activity_id(db, 'Sygrupp')}"
    page = text(staff.get(url))
    assert "Sygrupp" in page
    actions = {a["action"] for a in audit_lines(db, logins=True)}
    assert {"door key replaced", "screen created", "logged in", "weekly time created"} <= actions
    swedish = text(staff.get("/staff/audit"))
    cells = re.findall(r"<td>([^<]*)</td></tr>", swedish)
    assert cells
    english = translator("en").gettext
    for cell in cells:
        for action in audit.KIND_OF:
            assert not cell.startswith(action + ":") and cell != action, cell
        assert "detail in English" not in cell
    assert "Gjorde en enhet till skärm på väggen: Tv:n i köket." in swedish
    assert "Loggade in" in swedish
    assert english("Logged in.") == "Logged in."


def test_a_changed_activity_says_what_changed_old_to_new(staff, db, mallis):
    sygrupp = activity_id(db, "Sygrupp")
    response = post_form(staff, f"/staff/mallis/activities/{sygrupp}", {
        "name_sv": "Syverkstad", "name_en": "Sewing group", "description_sv": "Vi syr.",
        "description_en": "", "pictogram": "sewing", "place": "here", "address": "",
        "counted": "y"})
    assert response.status_code == 302, text(response)
    page = text(staff.get("/staff/audit"))
    assert "Ändrade aktiviteten Syverkstad: namn Sygrupp → Syverkstad" in page
    assert "visas i schemat ja → nej" in page  # "Visas i schemat" was left unticked
    staff.set_cookie("lang", "en")
    assert "name Sygrupp → Syverkstad" in text(staff.get("/staff/audit"))


def test_filters_by_who_what_venue_and_month_and_pages_of_fifty(admin, db, mallis, victor):
    with db.conn:
        for n in range(60):
            _line(db, "door key replaced", {}, mallis["id"])
        _line(db, "venue created", {"name": "Victor"}, victor["id"])
        db.execute("UPDATE audit_log SET username = 'bert' WHERE action = 'venue created'")
        db.execute("INSERT INTO audit_log (at, user_id, username, venue_id, action, detail, "
                   "facts) VALUES ('2026-10-05T09:00+00:00', NULL, 'anna', ?, "
                   "'door key replaced', '', '{}')", [mallis["id"]])
    page = text(admin.get("/staff/audit"))
    assert 45 < page.count("Bytte QR-koden") <= 50 and "sida 1 av 2" in page
    assert "Äldre →" in page and "/staff/audit?page=2" in page
    second = text(admin.get("/staff/audit?page=2"))
    assert "← Nyare" in second
    assert page.count("Bytte QR-koden") + second.count("Bytte QR-koden") == 61
    assert text(admin.get("/staff/audit?who=bert")).count("<tr><td>") == 1
    only_victor = text(admin.get("/staff/audit?venue=victor"))
    assert "Lade till verksamheten Victor." in only_victor and "Bytte QR-koden" not in (
        only_victor)
    october = text(admin.get("/staff/audit?month=2026-10"))
    assert october.count("Bytte QR-koden") == 1 and "oktober 2026" in october
    programme = text(admin.get("/staff/audit?kind=programme"))
    assert "Lade till verksamheten Victor." in programme and "Bytte QR-koden" not in programme
    for odd in ("?page=-1", "?page=abc", "?month=2026-1x", "?kind=nonsense", "?venue=nowhere",
                "?page=99999999999"):
        assert admin.get("/staff/audit" + odd).status_code == 200


def test_logins_are_folded_to_one_line_per_person_and_day(app, db, client, mallis):
    make_user(db, "cilla", "admin")
    for _ in range(4):
        assert log_in(client, "cilla").status_code == 302
        assert post_form(client, "/staff/logout", {}, page_url="/staff/").status_code == 302
    assert log_in(client, "cilla").status_code == 302
    logins = [a for a in audit_lines(db, logins=True) if a["action"] == "logged in"]
    assert len(logins) == 5
    page = text(client.get("/staff/audit"))
    rows = [r for r in re.findall(r"<tr><td>.*?</tr>", page, re.S) if "cilla" in r]
    assert len(rows) == 1 and "Loggade in 5 gånger" in rows[0]


def test_a_limited_account_sees_only_its_venues_lines(app, db, client, mallis, victor):
    with db.conn:
        _line(db, "venue created", {"name": "Victor"}, victor["id"])
        _line(db, "venue created", {"name": "Mallis"}, mallis["id"])
        _line(db, "account created", {"user": "erik", "role": "admin"})  # no venue: not hers
    make_user(db, "dora", "staff", venue_ids=[mallis["id"]])
    assert log_in(client, "dora").status_code == 302
    page = text(client.get("/staff/audit"))
    assert "Lade till verksamheten Mallis." in page and "Victor" not in page
    assert "erik" not in page and "Loggade in." in page  # her own login, no one else's
    assert "Victor" not in text(client.get("/staff/audit?venue=victor&who=anna"))


def test_a_time_of_day_is_said_one_way_in_the_log_on_the_pages_and_the_screen(app):
    """Issue 22 item 3: the clock was formatted three times (the screen said 'kl. 10.00' and
    '10:00 am' where the pages and the log say 'kl. 10' and '10 am')."""
    import datetime as dt

    from checkin.accounts.audit import say_span as _span
    from checkin.devices.screen_routes import clock as screen_clock
    from checkin.i18n import clock

    assert [clock(t, "sv") for t in ("10:00", "20:04", "00:30")] == ["10", "20.04", "0.30"]
    assert [clock(t, "en") for t in ("10:00", "20:04", "00:30")] == ["10 am", "8:04 pm",
                                                                   "12:30 am"]
    assert _span("10:00", "12:30", "sv") == "kl. 10–12.30"
    assert _span("10:00", "12:30", "en") == "10 am–12:30 pm"
    ten = dt.datetime(2026, 11, 23, 10, 0)
    assert (screen_clock(ten, "sv"), screen_clock(ten, "en")) == ("kl. 10", "10 am")
    with app.test_request_context():
        from checkin.web.formatting import time_range
        assert time_range("10:00", "12:30") == "kl. 10–12.30"


def test_a_line_missing_a_fact_says_what_is_stored_and_a_broken_one_is_not_hidden():
    """Before, five exception types were swallowed: a bug in a sentence looked like an old line."""
    import pytest

    from checkin.accounts.audit import sentence

    old = {"action": "kiosk created", "detail": "Vid dörren", "facts": '{"id": 3}'}
    assert sentence(old) == "kiosk created: Vid dörren"
    broken = {"action": "tally", "detail": "x", "facts": '{"activity": "Sygrupp", '
              '"date": "2026-11-23", "changes": 7}'}
    with pytest.raises(AttributeError):
        sentence(broken)
