"""The visitor's week and check-in through the test client: what a visitor sees and what is kept."""

import logging

import pytest

from checkin.visits.routes import GENDER_COOKIE, PHONE_COOKIE
from tests.helpers import activity_id, check_in, csrf_token, door, text, visits


def answer(client, venue, **data):
    page = client.get(door(venue) + "/done")
    return client.post(door(venue) + "/done", data={"csrf_token": csrf_token(text(page)), **data})


def english(client):
    client.get("/lang/en")


# --- the week --------------------------------------------------------------------------------

def test_the_week_shows_today_first_in_swedish(client, mallis):
    page = text(client.get("/mallis/"))
    assert "Veckans schema" in page and "Vecka 48" in page
    assert page.index("I dag") < page.index("Sygrupp") < page.index("I morgon")
    assert page.index("I morgon") < page.index("Matlagningskurs")
    assert "kl. 10–12" in page and "Här på Mallis" in page


def test_activities_elsewhere_show_their_address_and_are_open_to_everyone(client, mallis):
    page = text(client.get("/mallis/"))
    assert "Münchenbryggeriet, Torkel Knutssonsgatan 2" in page
    assert page.count("Öppen för alla") == 5


def test_the_week_in_english(client, mallis):
    english(client)
    page = text(client.get("/mallis/"))
    assert "This week's programme" in page and "Week 48" in page
    assert "Sewing group" in page and "10 am–12 pm" in page and "Open to everyone" in page
    assert "Tomorrow" in page and "Veckans schema" not in page


def test_other_weeks_can_be_browsed(client, mallis):
    page = text(client.get("/mallis/?week=2026-W49"))
    assert "Vecka 49" in page and "Framtidsverkstad" in page and "I dag" not in page
    assert "?week=2026-W48" in page and "?week=2026-W50" in page


@pytest.mark.parametrize("bad", ["2026-W60", "banana", "<script>", "2026-W00"])
def test_a_week_that_does_not_exist_is_not_found(client, mallis, bad):
    assert client.get("/mallis/", query_string={"week": bad}).status_code == 404


def test_an_unknown_venue_is_not_found(client, mallis):
    response = client.get("/nowhere/")
    assert response.status_code == 404 and "Vi hittade inte sidan" in text(response)


def test_a_single_venue_opens_at_once_and_several_are_listed(client, mallis, victor):
    page = text(client.get("/"))
    assert "Mallis" in page and "Victor" in page


# --- checking in ------------------------------------------------------------------------------

def test_the_check_in_page_offers_the_activity_running_now(client, db, mallis):
    page = text(client.get(door(mallis)))
    assert "Checka in" in page and "måndag 23 november" in page
    assert f'value="{activity_id(db, "Sygrupp")}" checked' in page
    assert "Skogsvandring" not in page  # open to everyone elsewhere: not counted


def test_one_tap_checks_in_and_keeps_only_day_hour_and_activity(client, db, mallis):
    response = check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    assert response.status_code == 302
    stored = visits(db)
    assert 0 < stored[0].pop("id") < 2**53  # random, says nothing (tests/test_anonymity.py)
    assert stored == [{
        "venue_id": mallis["id"], "activity_id": activity_id(db, "Sygrupp"),
        "date": "2026-11-23", "hour": 10, "gender": None, "source": "qr", "person_hash": None,
        "hash_removed": 0, "set_aside_id": None, "import_id": None,
        "record_key": visits(db)[0]["record_key"],
    }]
    assert 0 <= visits(db)[0]["record_key"] < 2**32  # random: for published figures only
    done = text(client.get(response.location))
    assert "Tack! Du är incheckad." in done and "Sygrupp" in done
    assert "vilket kön har du?" in done


def test_checking_in_without_an_activity_is_a_plain_visit(client, db, mallis):
    check_in(client, mallis, "none")
    assert visits(db)[0]["activity_id"] is None


@pytest.mark.parametrize("gender", ["woman", "man", "other", "unstated"])
def test_the_gender_answer_is_kept_with_the_visit(client, db, mallis, gender):
    check_in(client, mallis, "none")
    response = answer(client, mallis, gender=gender)
    assert response.status_code == 302
    assert visits(db)[0]["gender"] == gender
    assert PHONE_COOKIE not in response.headers.get("Set-Cookie", "")


def test_skipping_the_question_keeps_no_answer(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, gender="")
    assert visits(db)[0]["gender"] is None
    assert "Tack." in text(client.get(door(mallis) + "/done"))


def test_the_same_browser_twice_a_day_counts_once_and_says_so(client, db, mallis):
    check_in(client, mallis, "none")
    response = check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    assert len(visits(db)) == 1 and visits(db)[0]["activity_id"] == activity_id(db, "Sygrupp")
    assert "Du är redan incheckad i dag." in text(client.get(response.location))


def test_a_remembered_phone_checks_in_with_one_tap(client, db, mallis, app):
    check_in(client, mallis, "none")
    response = answer(client, mallis, gender="woman", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith(PHONE_COOKIE + "=") and "HttpOnly" in c for c in cookies)
    key = client.get_cookie(PHONE_COOKIE).value
    stored = visits(db)[0]["person_hash"]
    assert stored and key not in stored and len(stored) == 32
    # Next day, a fresh session: one tap, and the gender answer comes from the phone.
    app.config["FROZEN_NOW"] = "2026-11-24T11:30"
    with client.session_transaction() as session:
        session.clear()
    page = text(client.get(door(mallis)))
    assert "Telefonen är ihågkommen" in page
    client.post(door(mallis), data={"csrf_token": csrf_token(page), "day": "2026-11-24",
                                    "activity": str(activity_id(db, "Matlagningskurs"))})
    second = visits(db)[1]
    assert (second["date"], second["hour"], second["gender"]) == ("2026-11-24", 11, "woman")
    assert second["person_hash"] == stored


def test_a_remembered_phone_twice_a_day_counts_once(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, gender="man", remember="y")
    with client.session_transaction() as session:
        session.clear()
    response = check_in(client, mallis, "none")
    assert len(visits(db)) == 1
    assert "Du är redan incheckad i dag." in text(client.get(response.location))


def test_the_phone_gets_a_new_hash_in_a_new_year(client, db, mallis, app):
    check_in(client, mallis, "none")
    answer(client, mallis, gender="", remember="y")
    app.config["FROZEN_NOW"] = "2027-01-04T10:30"
    with client.session_transaction() as session:
        session.clear()
    page = text(client.get(door(mallis)))
    client.post(door(mallis), data={"csrf_token": csrf_token(page), "day": "2027-01-04",
                                    "activity": "none"})
    first, second = visits(db)
    assert second["date"] == "2027-01-04"
    assert first["person_hash"] and second["person_hash"]
    assert first["person_hash"] != second["person_hash"]


def test_forgetting_the_phone_removes_both_cookies(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, gender="other", remember="y")
    assert client.get_cookie(GENDER_COOKIE).value == "other"
    page = text(client.get(door(mallis)))
    response = client.post(f"/forget?next={door(mallis)}", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.location == door(mallis)
    assert client.get_cookie(PHONE_COOKIE) is None and client.get_cookie(GENDER_COOKIE) is None
    assert "Telefonen har glömt sin kod" in text(client.get(door(mallis)))


def test_check_in_in_english(client, db, mallis):
    english(client)
    page = text(client.get(door(mallis)))
    assert "Check in" in page and "Monday 23 November" in page and "Sewing group" in page
    response = check_in(client, mallis, "none")
    done = text(client.get(response.location))
    assert "Thank you! You are checked in." in done and "Prefer not to say" in done


# --- bad input: a clear message, a 4xx, nothing stored ----------------------------------------

def test_an_old_door_key_counts_nothing_and_says_so_kindly(client, db, mallis):
    page = text(client.get(door(mallis)))
    response = client.get("/mallis/in/oldkey99")
    assert response.status_code == 404
    assert "Den här koden är gammal" in text(response)
    assert "Fråga personalen om den nya" in text(response)
    response = client.post("/mallis/in/oldkey99", data={
        "csrf_token": csrf_token(page), "day": "2026-11-23", "activity": "none"})
    assert response.status_code == 404 and visits(db) == []


def test_a_door_key_of_another_venue_counts_nothing(client, db, mallis, victor):
    wrong = f"/mallis/in/{victor['door_key']}"
    assert client.get(wrong).status_code == 404
    token = csrf_token(text(client.get(door(mallis))))  # a real token: only the key is wrong
    for activity in ("none", str(activity_id(db, "Sygrupp"))):
        response = client.post(wrong, data={"csrf_token": token, "day": "2026-11-23",
                                            "activity": activity})
        assert response.status_code == 404 and "Den här koden är gammal" in text(response)
    assert visits(db) == []


def test_a_missing_csrf_token_is_refused(client, db, mallis):
    response = client.post(door(mallis), data={"day": "2026-11-23", "activity": "none"})
    assert response.status_code == 400 and "Inget sparades" in text(response)
    assert visits(db) == []


def test_a_forged_csrf_token_is_refused(client, db, mallis):
    client.get(door(mallis))
    response = client.post(door(mallis), data={"csrf_token": "forged.token", "day": "2026-11-23"})
    assert response.status_code == 400 and visits(db) == []


@pytest.mark.parametrize("activity", ["9999", "abc", "' OR 1=1 --", ""])
def test_an_unknown_activity_is_refused(client, db, mallis, activity):
    response = check_in(client, mallis, activity)
    assert response.status_code == 400
    assert "Den aktiviteten finns inte i dag" in text(response) and visits(db) == []


def test_an_activity_that_is_not_counted_is_refused(client, db, mallis):
    response = check_in(client, mallis, str(activity_id(db, "Skogsvandring")))
    assert response.status_code == 400 and visits(db) == []


def test_an_activity_of_another_venue_is_refused(client, db, mallis, victor):
    response = check_in(client, mallis, str(activity_id(db, "Husmöte", "victor")))
    assert response.status_code == 400 and visits(db) == []


def test_a_date_in_the_future_is_refused(client, db, mallis):
    response = check_in(client, mallis, "none", day="2026-11-24")
    assert response.status_code == 400
    assert "Den dagen har inte kommit än" in text(response) and visits(db) == []


@pytest.mark.parametrize("day", ["2026-11-22", "yesterday", "2026-13-40", ""])
def test_a_page_from_another_day_or_a_broken_date_is_refused(client, db, mallis, day):
    response = check_in(client, mallis, "none", day=day)
    assert response.status_code == 400 and visits(db) == []


@pytest.mark.parametrize("gender", ["female", "WOMAN", "<script>", "1"])
def test_a_gender_outside_the_four_is_refused_and_changes_nothing(client, db, mallis, gender):
    check_in(client, mallis, "none")
    response = answer(client, mallis, gender=gender)
    assert response.status_code == 400
    assert "Välj en av knapparna" in text(response)
    assert visits(db)[0]["gender"] is None


def test_answering_without_having_checked_in_stores_nothing(client, db, mallis):
    page = text(client.get(door(mallis)))
    response = client.post(door(mallis) + "/done",
                           data={"csrf_token": csrf_token(page), "gender": "woman"})
    assert response.status_code == 302 and response.location == door(mallis)
    assert visits(db) == []


# --- language, privacy, logs ---------------------------------------------------------------------

def test_the_language_choice_is_remembered(client, mallis):
    response = client.get("/lang/en?next=/mallis/")
    assert response.status_code == 302 and response.location == "/mallis/"
    assert client.get_cookie("lang").value == "en"
    assert "Svenska" in text(client.get("/mallis/"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "\\\\evil"])
def test_the_language_switch_never_sends_you_elsewhere(client, mallis, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.location == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/lang/de").status_code == 404


def test_the_privacy_page_says_what_is_never_kept(client):
    assert "Vi sparar aldrig" in text(client.get("/privacy"))
    english(client)
    assert "IP address" in text(client.get("/privacy"))


def test_the_request_log_holds_no_key_address_agent_or_clock_time(client, db, mallis, caplog):
    with caplog.at_level(logging.INFO, logger="checkin.requests"):
        check_in(client, mallis, "none", )
        client.get(door(mallis) + "/done", headers={"User-Agent": "SecretPhone/1.0"},
                   environ_base={"REMOTE_ADDR": "203.0.113.7"})
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /<slug>/in/<key> 302" in log
    for secret in (mallis["door_key"], "203.0.113.7", "127.0.0.1", "SecretPhone", "10:15"):
        assert secret not in log


def test_health_check(client, mallis):
    response = client.get("/healthz")
    assert response.status_code == 200 and text(response) == "ok\n"
