"""The kiosk: one screen, one tap, a kiosk-only credential that opens nothing else."""

import re

import pytest

from tests.helpers import (
    activity_id,
    audit_lines,
    csrf_token,
    hidden_fields,
    log_in,
    make_user,
    post_form,
    text,
    visits,
)


@pytest.fixture
def kiosk(app, db, client, mallis):
    """A test client that a staff member has turned into the kiosk for Mallis."""
    make_user(db, "anna")
    log_in(client, "anna")
    response = post_form(client, "/staff/mallis/kiosks", {"label": "Vid dörren"})
    assert response.status_code == 302 and response.location.endswith("/kiosk/")
    return client


def test_making_a_kiosk_logs_staff_out_on_that_device(kiosk, db):
    assert kiosk.get("/staff/").status_code == 302
    assert db.execute("SELECT label FROM kiosk").fetchone()[0] == "Vid dörren"
    assert audit_lines(db)[-1]["action"] == "kiosk created"
    token = kiosk.get_cookie("checkin_kiosk", path="/kiosk").value
    assert token not in str([tuple(r) for r in db.execute("SELECT * FROM kiosk")])


def test_a_kiosk_whose_audit_line_fails_is_not_made(client, db, mallis, monkeypatch):
    # The line was written after the kiosk: with the log failing, a tablet could check in
    # visitors with no line saying who made it a kiosk.
    from checkin.accounts import audit

    make_user(db, "anna")
    log_in(client, "anna")
    page = text(client.get("/staff/mallis/kiosks"))

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    with pytest.raises(RuntimeError):
        client.post("/staff/mallis/kiosks",
                    data={"csrf_token": csrf_token(page), "label": "Vid dörren"})
    assert db.execute("SELECT count(*) FROM kiosk").fetchone()[0] == 0
    assert audit_lines(db) == []
    assert client.get_cookie("checkin_kiosk", path="/kiosk") is None
    monkeypatch.undo()
    assert client.post("/staff/mallis/kiosks", data={
        "csrf_token": csrf_token(page), "label": "Vid dörren"}).status_code == 302
    kiosk_id = db.execute("SELECT id FROM kiosk").fetchone()[0]
    assert [(a["action"], a["detail"], a["venue_id"], a["username"])
            for a in audit_lines(db)] == [("kiosk created", "Vid dörren", mallis["id"], "anna")]
    assert audit_lines(db)[0]["facts"] == f'{{"label": "Vid dörren", "id": {kiosk_id}}}'


def test_one_tap_checks_in_with_the_running_activity_and_a_gender(kiosk, db, mallis):
    page = kiosk.get("/kiosk/")
    assert page.status_code == 200 and "Checka in här" in text(page)
    sygrupp = activity_id(db, "Sygrupp")
    assert f'value="{sygrupp}" checked' in text(page)
    response = kiosk.post("/kiosk/", data={**hidden_fields(text(page)), "activity": str(sygrupp),
                                           "gender": "woman"})
    assert response.status_code == 302
    thanks = kiosk.get(response.location)
    assert "Tack! Du är incheckad." in text(thanks)
    assert 'http-equiv="refresh" content="5;url=/kiosk/"' in text(thanks)
    [visit] = visits(db)
    assert (visit["source"], visit["gender"], visit["hour"], visit["activity_id"],
            visit["person_hash"]) == ("kiosk", "woman", 10, sygrupp, None)


def test_skip_checks_in_without_a_gender_and_every_tap_counts(kiosk, db):
    for _ in range(2):
        page = kiosk.get("/kiosk/")
        kiosk.post("/kiosk/", data={**hidden_fields(text(page)), "activity": "none",
                                    "gender": "skip"})
    assert [(v["gender"], v["activity_id"]) for v in visits(db)] == [(None, None)] * 2


@pytest.mark.parametrize("data", [
    {"day": "2026-11-23", "activity": "none", "gender": "robot"},
    {"day": "2026-11-22", "activity": "none", "gender": "man"},
    {"day": "2026-11-23", "activity": "99999", "gender": "man"},
    {"activity": "none", "gender": "man"},
])
def test_bad_kiosk_input_is_refused_and_nothing_stored(kiosk, db, data):
    page = kiosk.get("/kiosk/")
    response = kiosk.post("/kiosk/", data={"csrf_token": csrf_token(text(page)),
                                           "once": hidden_fields(text(page))["once"], **data})
    assert response.status_code == 400 and 'class="error" role="alert"' in text(response)
    assert visits(db) == []


def test_a_revoked_kiosk_checks_nobody_in(kiosk, app, db):
    staff = app.test_client()
    log_in(staff, "anna")
    kiosk_id = db.execute("SELECT id FROM kiosk").fetchone()[0]
    url = f"/staff/mallis/kiosks/{kiosk_id}/revoke"
    asked = text(staff.get(url))  # the button asks first; asking turns nothing off
    assert "Stänga av" in asked and "Den kan inte slås på igen" in asked
    assert kiosk.get("/kiosk/").status_code == 200
    post_form(staff, url, {})
    assert kiosk.get("/kiosk/").status_code == 401
    assert kiosk.post("/kiosk/", data={"day": "2026-11-23", "gender": "man"}).status_code in (
        400, 401)
    assert visits(db) == []


def test_staff_logging_out_elsewhere_does_not_break_the_kiosk(kiosk, app, db):
    staff = app.test_client()
    log_in(staff, "anna")
    post_form(staff, "/staff/logout", {}, page_url="/staff/")
    assert kiosk.get("/kiosk/").status_code == 200


def test_a_device_without_the_kiosk_cookie_is_not_a_kiosk(client, mallis):
    response = client.get("/kiosk/")
    assert response.status_code == 401 and "ingen kiosk" in text(response)


def test_the_kiosk_numbers_in_the_statement_are_the_ones_it_serves(app, kiosk, db):
    """The accessibility statement's '5 seconds' and 'every 10 minutes' are the kiosk's own
    refresh times, read from the pages it serves, in Swedish and English."""
    from checkin.devices.kiosk_routes import RESET_SECONDS

    home = text(kiosk.get("/kiosk/"))
    reload_seconds = int(re.search(r'http-equiv="refresh" content="(\d+)"', home)[1])
    response = kiosk.post("/kiosk/", data={**hidden_fields(home),
                                           "activity": str(activity_id(db, "Sygrupp"))})
    thanks = text(kiosk.get(response.location))
    back = int(re.search(r'http-equiv="refresh" content="(\d+);url=/kiosk/"', thanks)[1])
    assert back == RESET_SECONDS and reload_seconds == 10 * 60
    statement = text(app.test_client().get("/accessibility"))
    assert f"av sig själv {back} sekunder efter" in statement
    assert "laddar om var tionde minut" in statement  # 600 s
    english = app.test_client()
    english.get("/lang/en")
    statement = text(english.get("/accessibility"))
    assert f"by itself {back} seconds after you check in, and reloads every " \
           f"{reload_seconds // 60} minutes" in statement


def test_kiosks_and_wall_screens_hold_their_tokens_one_way(db, mallis, monkeypatch):
    """Issue 22 item 3: the kiosk and screen token modules were twins with different habits
    (the kiosk kept a label as typed, with no bound; the screen cleaned and bounded it). Now
    both are checkin/tokens.py Devices: one rule changed there changes both."""
    import datetime as dt

    import checkin.tokens as tokens
    from checkin.visits import kiosk_tokens
    from checkin.week import screen_tokens

    anna = {"id": None, "username": "anna"}
    day = dt.date(2026, 11, 23)
    kiosk_id, kiosk_token = kiosk_tokens.create_kiosk(db, mallis["id"], "  Vid \n dörren ", None)
    screen_id, screen_token = screen_tokens.create_screen(
        db, mallis["id"], label="  Väggen \n i köket ", lang="sv", user=anna, day=day)
    assert kiosk_tokens.kiosk_by_token(db, kiosk_token)["label"] == "Vid dörren"
    assert screen_tokens.screen_by_token(db, screen_token)["label"] == "Väggen i köket"
    for make in (lambda label: kiosk_tokens.create_kiosk(db, mallis["id"], label, None),
                 lambda label: screen_tokens.create_screen(db, mallis["id"], label=label,
                                                           lang="sv", user=anna, day=day)):
        with pytest.raises(tokens.DeviceError):
            make("x" * (tokens.LABEL_MAX + 1))
    monkeypatch.setattr(tokens, "TOKEN_MAX", 10)  # the one bound: both refuse at once
    assert kiosk_tokens.kiosk_by_token(db, kiosk_token) is None
    assert screen_tokens.screen_by_token(db, screen_token) is None
    monkeypatch.undo()
    assert kiosk_tokens.revoke_kiosk(db, mallis["id"], kiosk_id, user=anna)
    screen_tokens.revoke_screen(db, mallis["id"], screen_id, user=anna, day=day)
    assert kiosk_tokens.kiosk_by_token(db, kiosk_token) is None
    assert screen_tokens.screen_by_token(db, screen_token) is None
    assert not kiosk_tokens.revoke_kiosk(db, mallis["id"], kiosk_id, user=anna)
    assert [k["revoked_at"][-6:] for k in kiosk_tokens.venue_kiosks(db, mallis["id"])] == [
        "+00:00"]
