"""One arrival path (issue 22 item 2): the door and the kiosk check in through one module
(visits/arrivals.py) with one set of reasons, every visitor post keeps its guards in one order
(visits/once.py, guarded), and a check-in is one transaction."""

import datetime as dt

import pytest

from checkin import db as db_module
from checkin.visits import arrivals, once, volume
from checkin.web.sender_budget import SenderBudget
from tests.helpers import (
    activity_id,
    check_in,
    door,
    from_address,
    hidden_fields,
    log_in,
    make_user,
    phone_code,
    post_form,
    stored,
    text,
    visits,
)


@pytest.fixture
def kiosk(app, db, mallis):
    """A browser a staff member turned into the kiosk for Mallis."""
    browser = app.test_client()
    make_user(db, "anna")
    log_in(browser, "anna")
    post_form(browser, "/staff/mallis/kiosks", {"label": "Vid dörren"})
    return browser


def kiosk_tap(kiosk, **extra):
    page = text(kiosk.get("/kiosk/"))
    return kiosk.post("/kiosk/", data={**hidden_fields(page), "gender": "skip", **extra})


def both(app, kiosk, mallis, **extra):
    """The same tap at the door (a fresh phone) and on the kiosk: their two responses."""
    return check_in(app.test_client(), mallis, **extra), kiosk_tap(kiosk, **extra)


def said(response):
    """The refusal's words on the page (the alert under the heading)."""
    page = text(response)
    start = page.index('role="alert"')
    return page[start:page.index("</p>", start)].split(">")[-1].strip()


# --- one set of rules and reasons for the door and the kiosk ---------------------------------

@pytest.mark.parametrize("sent, status, words", [
    ({"day": "2026-11-25"}, 400, "Den dagen har inte kommit än. Inget sparades."),
    ({"day": "2026-11-23"}, 400, "Sidan var från en tidigare dag. Inget sparades."),
    ({"day": "igår"}, 400, "Något saknades. Inget sparades."),
    ({"activity": "9999"}, 400, "Den aktiviteten finns inte i dag. Inget sparades."),
    ({"activity": "Matlagningskurs"}, 400, "Den aktiviteten är slut för i dag. Inget sparades."),
])
def test_the_door_and_the_kiosk_refuse_what_was_sent_with_the_same_words(app, kiosk, db, mallis,
                                                                          sent, status, words):
    """Before, the kiosk said "Sidan var från en tidigare dag" for a day still to come, "Den
    aktiviteten finns inte i dag" for one that was over, and asked to "Tryck igen" where the
    door said what to do."""
    app.config["FROZEN_NOW"] = "2026-11-24T15:10"  # Tuesday: cooking 11-14 is over
    if sent.get("activity") == "Matlagningskurs":
        sent["activity"] = str(activity_id(db, "Matlagningskurs"))
    at_door, on_kiosk = both(app, kiosk, mallis, **sent)
    assert at_door.status_code == on_kiosk.status_code == status
    assert words in said(at_door) and said(at_door) == said(on_kiosk)
    assert stored(db)["visit"] == stored(db)["used_form"] == 0


def test_a_closed_day_and_a_replay_are_said_the_same_at_the_door_and_the_kiosk(app, kiosk, db,
                                                                               mallis):
    browser = app.test_client()
    door_form = hidden_fields(text(browser.get(door(mallis))))
    kiosk_form = {**hidden_fields(text(kiosk.get("/kiosk/"))), "gender": "skip"}
    assert browser.post(door(mallis), data=door_form).status_code == 302
    assert kiosk.post("/kiosk/", data=kiosk_form).status_code == 302
    replayer = app.test_client()  # the door's form again, from a browser without its step
    replayed = replayer.post(door(mallis), data={**door_form, "csrf_token": hidden_fields(
        text(replayer.get(door(mallis))))["csrf_token"]})
    kiosk_replayed = kiosk.post("/kiosk/", data=kiosk_form)
    assert replayed.status_code == kiosk_replayed.status_code == 409
    assert "Den här sidan är redan använd. Inget mer sparades." in said(replayed)
    assert said(replayed) == said(kiosk_replayed)  # before: "Den här skärmen är redan använd"
    browser = app.test_client()
    door_form = hidden_fields(text(browser.get(door(mallis))))
    kiosk_form = {**hidden_fields(text(kiosk.get("/kiosk/"))), "gender": "skip"}
    app.config["FROZEN_NOW"] = "2026-11-29T12:00"  # a Sunday: Mallis is closed
    before = stored(db)
    at_door = browser.post(door(mallis), data={**door_form, "day": "2026-11-29"})
    on_kiosk = kiosk.post("/kiosk/", data={**kiosk_form, "day": "2026-11-29"})
    assert at_door.status_code == on_kiosk.status_code == 403
    assert said(at_door) == said(on_kiosk) == "Vi har stängt i dag. Inget sparades."
    assert stored(db) == before


def test_a_change_to_the_one_rule_changes_the_door_and_the_kiosk(app, kiosk, db, mallis,
                                                                 monkeypatch):
    """The rules live once: a venue said closed by arrivals.open_on is closed at both."""
    browser = app.test_client()
    door_form = hidden_fields(text(browser.get(door(mallis))))
    kiosk_form = {**hidden_fields(text(kiosk.get("/kiosk/"))), "gender": "skip"}
    monkeypatch.setattr(arrivals, "open_on", lambda *_args: False)
    at_door = browser.post(door(mallis), data=door_form)
    on_kiosk = kiosk.post("/kiosk/", data=kiosk_form)
    assert at_door.status_code == on_kiosk.status_code == 403
    assert said(at_door) == said(on_kiosk) == "Vi har stängt i dag. Inget sparades."
    monkeypatch.undo()
    assert [r.status_code for r in both(app, kiosk, mallis)] == [302, 302]


@pytest.mark.parametrize("reason", arrivals.REASONS)
def test_every_reason_reaches_the_door_and_the_kiosk_and_writes_nothing(app, kiosk, db, mallis,
                                                                         monkeypatch, reason):
    def refuse(*_args, **_kwargs):
        raise arrivals.Refused(reason)

    monkeypatch.setattr(arrivals, "sent_activity", refuse)
    before = stored(db)
    at_door, on_kiosk = both(app, kiosk, mallis)
    assert at_door.status_code == on_kiosk.status_code >= 400
    assert said(at_door) == said(on_kiosk) and "sparades" in said(at_door)
    assert stored(db) == before


def test_the_operation_refuses_a_closed_day_and_spends_no_token(app, db, mallis):
    key = once.form_key(app.config["SECRET_KEY"])
    saturday = dt.datetime(2026, 11, 28, 11, tzinfo=dt.UTC)
    sender = arrivals.Sender("192.0.2.1", SenderBudget(), dict.fromkeys(volume.LIMITS, 99),
                             app.config)
    with pytest.raises(arrivals.Closed):
        arrivals.arrive(db, source="qr", venue=mallis, now=saturday, day_text="2026-11-28",
                        activity_text="none", sender=sender, form_key=key,
                        token=once.issue(key, "check-in", mallis["id"], saturday.date()))
    assert visits(db) == [] and stored(db)["used_form"] == 0


def test_a_refusal_inside_the_write_leaves_the_token_unspent(app, db, mallis, monkeypatch):
    """The sender's budget is spent by another tap between the look and the write: the visit
    is refused inside the check-in's transaction, and the token it spent goes with it."""
    key = once.form_key(app.config["SECRET_KEY"])
    now = dt.datetime(2026, 11, 23, 10, 15, tzinfo=dt.UTC)
    budget = SenderBudget()
    sender = arrivals.Sender("192.0.2.1", budget, dict.fromkeys(volume.LIMITS, 1), app.config)
    monkeypatch.setattr(arrivals, "within_bounds", lambda *_a, **_k: True)
    budget.spend("192.0.2.1", ("check-in", "qr"), [(60, 1)])
    token = once.issue(key, "check-in", mallis["id"], now.date())
    with pytest.raises(arrivals.TooMany):
        arrivals.arrive(db, source="qr", venue=mallis, now=now, day_text="2026-11-23",
                        activity_text="none", sender=sender, form_key=key, token=token)
    assert visits(db) == [] and stored(db)["used_form"] == 0


# --- one transaction per check-in ------------------------------------------------------------

@pytest.fixture
def begins(monkeypatch):
    """Every BEGIN the app's connections send, as SQLite's trace sees it."""
    seen = []
    connect = db_module.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.conn.set_trace_callback(lambda sql: seen.append(sql)
                                   if sql.lstrip().upper().startswith("BEGIN") else None)
        return db

    monkeypatch.setattr(db_module, "connect", traced)
    return seen


def test_a_check_in_is_one_transaction_at_the_door_and_the_kiosk(app, kiosk, db, mallis,
                                                                begins):
    """Before: three at the door (the token, the visit, the step), two on the kiosk."""
    phone = app.test_client()
    page = text(phone.get(door(mallis)))
    phone.get(door(mallis))  # the year's secret and any first-use writes are made by now
    begins.clear()
    assert phone.post(door(mallis), data=hidden_fields(page)).status_code == 302
    assert len(begins) == 1
    remembered = app.test_client()
    remembered.set_cookie("checkin_phone", phone_code(app))
    for _ in range(2):  # a remembered phone: its new visit, then its change
        page = text(remembered.get(door(mallis)))
        begins.clear()
        assert remembered.post(door(mallis), data=hidden_fields(page)).status_code == 302
        assert len(begins) == 1
    page = text(kiosk.get("/kiosk/"))
    begins.clear()
    assert kiosk.post("/kiosk/", data={**hidden_fields(page), "gender": "man"}).status_code == 302
    assert len(begins) == 1
    assert len(visits(db)) == 3


# --- one guard order for every visitor post --------------------------------------------------

def _survey(db, mallis):
    from checkin.feedback import surveys

    surveys.create_survey(db, venue_id=mallis["id"], title_sv="Enkät", title_en="Survey",
                          opens=dt.date(2026, 11, 1), closes=dt.date(2026, 11, 30),
                          questions=[{"text_sv": "Hur trivs du?", "kind": "scale"}], user=None)


def _published_idea(db, mallis):
    from checkin.feedback import ideas

    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=dt.date(2026, 11, 23), text="Bingo")
    ideas.moderate(db, idea_id, publish=True, user={"id": None, "username": "anna"})
    return idea_id


def _voter(app, db, mallis):
    """A remembered phone that checked in last Monday and today, so it may vote."""
    from checkin.visits.phones import new_device_key, person_hash
    from checkin.visits.recording import record_visit

    key = new_device_key()
    for day in (dt.date(2026, 11, 16), dt.date(2026, 11, 23)):
        record_visit(db, venue_id=mallis["id"], day=day, hour=11, source="qr",
                     person_hash=person_hash(db, mallis["id"], key, day.year))
    voter = from_address(app, "198.51.100.9")
    voter.set_cookie("checkin_phone", phone_code(app, key))
    return voter


def every_post(app, db, mallis, kiosk):
    """One post of each visitor kind, from its own page's form: [(kind, response)]."""
    app.config["FROZEN_NOW"] = "2026-11-23T12:20"  # Sygrupp (10-12) has ended
    _survey(db, mallis)
    idea_id = _published_idea(db, mallis)
    sygrupp = str(activity_id(db, "Sygrupp"))
    phone = from_address(app, "198.51.100.7")
    voter = _voter(app, db, mallis)
    # The pages first, so their reads and first-use writes are not what is counted.
    pages = {
        "door": hidden_fields(text(phone.get(door(mallis)))),
        "kiosk": {**hidden_fields(text(kiosk.get("/kiosk/"))), "gender": "skip"},
        "face": {**hidden_fields(text(phone.get("/mallis/feedback"))), "rating": "4"},
        "kiosk face": {**hidden_fields(text(kiosk.get(f"/kiosk/thanks?activity={sygrupp}")),
                                       "/kiosk/feedback"), "rating": "4"},
        "idea": {**hidden_fields(text(phone.get("/mallis/ideas")), "/mallis/ideas"),
                 "text": "Mer kaffe"},
        "vote": hidden_fields(text(voter.get("/mallis/ideas")), f"/mallis/ideas/{idea_id}/vote"),
    }
    survey_page = text(phone.get("/mallis/survey"))
    question = survey_page.split('name="q')[1].split('"')[0]
    pages["survey"] = {**hidden_fields(survey_page), f"q{question}": "4"}
    return [
        ("door", phone.post(door(mallis), data=pages["door"])),
        ("kiosk", kiosk.post("/kiosk/", data=pages["kiosk"])),
        ("face", phone.post("/mallis/feedback", data=pages["face"])),
        ("kiosk face", kiosk.post("/kiosk/feedback", data=pages["kiosk face"])),
        ("idea", phone.post("/mallis/ideas", data=pages["idea"])),
        ("vote", voter.post(f"/mallis/ideas/{idea_id}/vote", data=pages["vote"])),
        ("survey", phone.post("/mallis/survey", data=pages["survey"])),
    ]


def test_one_helper_keeps_every_visitor_posts_guards_and_refuses_them_all(app, db, mallis,
                                                                          kiosk, monkeypatch):
    """Every visitor post goes through once.guarded: made to refuse every sender, it refuses
    each kind with 429 and the truth, and not one row is written (no used_form row either)."""
    guarded = once.guarded
    kinds = []

    def busy(db, *, within_bounds, spend, write):
        kinds.append(spend is not None)
        return guarded(db, within_bounds=lambda: False, spend=spend, write=write)

    monkeypatch.setattr(once, "guarded", busy)
    responses = every_post(app, db, mallis, kiosk)
    before = stored(db)
    assert [(kind, r.status_code) for kind, r in responses] == [
        (kind, 429) for kind, _ in responses]
    assert all("sparades" in text(r) and "redan" not in text(r) for _k, r in responses)
    assert len(kinds) == len(responses) and all(kinds)  # each spent a token through it
    assert stored(db) == before and before["used_form"] == 0
    assert before["visit"] == 2  # the voter's two earlier visits only


def test_every_visitor_post_of_each_kind_is_stored_with_one_token(app, db, mallis, kiosk):
    """The same posts with the guards as they ship: each stored, one used_form row each."""
    responses = every_post(app, db, mallis, kiosk)
    assert [r.status_code for _k, r in responses] == [302, 302, 302, 200, 302, 302, 302]
    counts = stored(db)
    assert counts["used_form"] == 7
    assert (counts["visit"], counts["feedback"], counts["idea"], counts["idea_vote"],
            counts["survey_response"]) == (4, 2, 2, 1, 1)
