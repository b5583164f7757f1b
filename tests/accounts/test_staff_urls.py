"""Every staff URL with odd parameters, logged in as an admin: a clear answer (a page, a
redirect, 400, 404, 405 or 413), never the 500 page. The URL map is walked, so a new route is
walked too."""

import re

import pytest

from tests.helpers import csrf_token, log_in, make_user, text

GOOD = {"slug": "mallis", "user_id": "1", "activity_id": "1", "slot_id": "1", "event_id": "1",
        "kiosk_id": "1", "day": "2026-11-23", "feedback_id": "1", "action": "hide",
        "survey_id": "1", "question_id": "1", "idea_id": "1", "year": "2026",
        "import_id": "1", "fmt": "csv", "set_aside_id": "1", "screen_id": "1",
        "meeting_id": "1"}
HUGE = "99999999999999999999"  # more than SQLite's 64-bit integers
ODD = {
    "slug": ["nowhere", "x" * 300, "%C3%A4", "MALLIS"],
    "int": ["0", "2", "9999", HUGE],
    "day": ["2026-02-30", "0001-01-01", "9999-12-31", "23-11-2026", "2026-11-22"],
    "action": ["burn", "HIDE"],
    "fmt": ["pdf", "CSV", "xlsx"],
}
ODD_QUERY = [
    "week=9999-W53", "week=0001-W01", "week=2026-W00", "week=x",
    "day=0001-01-01", "day=9999-12-31", "day=2026-13-01", f"activity={HUGE}", "activity=-1",
    "first=0001-01-01&last=0001-01-02&group=year&venue=mallis&min_cell=3&fmt=xlsx&download=1",
    "first=2026-01-01&last=2026-01-31&group=day&venue=mallis&min_cell=99&fmt=csv&show=1",
    "first=2026-01-01&last=2026-01-31&group=week&venue=all&min_cell=none&fmt=excel-csv"
    "&download=1&anyway=1&by_activity=y",
    "first=x&last=y", "group=quarter", "q=%00", "q=" + "x" * 5000, "hidden=1",
    "month=9999-12", "month=2026-00", "month=0000-01", "next=//evil.example",
    "weekday=7", f"weekday={HUGE}", "date=0001-01-01", "date=9999-12-31", "group=week",
    "group=year",
]
NEVER = 500


def _param_kind(name, converter):
    if converter == "int":
        return "int"
    return name if name in ODD else "slug" if name == "slug" else None


def urls(app):
    """(rule, url) for every staff rule: first the good sample, then each parameter odd."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        params = re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule.rule)

        def build(values, rule=rule):
            return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m[1]], rule.rule)

        yield rule, build(GOOD)
        for converter, name in params:
            for odd in ODD.get(_param_kind(name, converter), []):
                yield rule, build({**GOOD, name: odd})


@pytest.fixture
def busy(app, db, mallis, victor):
    """Mallis with a bit of everything, so that the good ids exist."""
    import datetime as dt

    from checkin.feedback import ideas, surveys
    from checkin.feedback import smileys as feedback
    from checkin.figures import tally_import

    day = dt.date(2026, 11, 23)
    feedback_id = feedback.record_rating(db, venue_id=mallis["id"], day=day, rating=4)
    feedback.add_text(db, feedback_id, "Bra!")
    surveys.create_survey(db, venue_id=mallis["id"], title_sv="Enkät", title_en="",
                          opens=day, closes=day + dt.timedelta(days=9),
                          questions=[{"text_sv": "Hur?", "text_en": "", "kind": "choice"}],
                          user=None)
    ideas.suggest(db, venue_id=mallis["id"], day=day, text="Bingo")
    tally_import.import_file(db, mallis["id"], b"date,activity,women,men,other,unstated\n"
                        b"2025-03-03,Sygrupp,1,2,0,0\n", "gamla.csv", today=day)
    make_user(db, "boss", "admin")
    return mallis


def test_no_staff_url_gives_a_500_whatever_its_parameters(app, client, busy):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error is a 500 page here, as in production
    assert log_in(client, "boss").status_code == 302
    token = csrf_token(text(client.get("/staff/password")))
    failures, seen = [], 0
    for rule, url in urls(app):
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            if url.endswith("/logout") or "/kiosks" in url and method == "POST" and (
                    "revoke" not in url):
                continue  # these would end the admin's session on this client
            data = {"csrf_token": token, "text": "x", "label": "y", "what": "move",
                    "start": "25:00", "end": "1", "new_date": "9999-12-31",
                    "weekday": HUGE, "activity": HUGE, "step": "woman:1", "woman": HUGE}
            seen += 1
            response = client.open(url, method=method, data=data)
            if response.status_code >= NEVER:
                failures.append(f"{method} {url} → {response.status_code}")
    for query in ODD_QUERY:
        for rule, url in urls(app):
            if "GET" not in rule.methods or url != re.sub(
                    r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: GOOD[m[1]], rule.rule):
                continue
            seen += 1
            response = client.get(f"{url}?{query}")
            if response.status_code >= NEVER:
                failures.append(f"GET {url}?{query} → {response.status_code}")
    assert seen > 300
    assert not failures, "\n".join(failures)
