"""The visitor's week and check-in through the test client: what a visitor sees and what is kept."""

import logging

import pytest

from checkin.visits.routes import GENDER_COOKIE, PHONE_COOKIE
from tests.helpers import (
    activity_id,
    answer,
    check_in,
    csrf_token,
    door,
    hidden_fields,
    phone_code,
    text,
    visits,
)


def english(client):
    client.get("/lang/en")


def new_day(client, app, when):
    """The browser comes back another time: a new session, the phone's cookies kept."""
    app.config["FROZEN_NOW"] = when
    with client.session_transaction() as session:
        session.clear()


def stored(visit):
    """A visit as the figures see it (ids say nothing)."""
    return {k: v for k, v in visit.items() if k != "id"}


# --- the week --------------------------------------------------------------------------------

def test_the_week_shows_today_first_in_swedish(client, mallis):
    page = text(client.get("/mallis/"))
    assert "Veckans schema" in page and "Vecka 48" in page
    assert page.index("I dag") < page.index("Sygrupp") < page.index("I morgon")
    assert page.index("I morgon") < page.index("Matlagningskurs")
    assert "kl. 10–12" in page and "Här på Mallis" in page


def test_the_week_shows_the_venues_address_on_screen(client, mallis):
    page = text(client.get("/mallis/"))
    assert '<p class="venue-address">Mallis · Malmskillnadsgatan</p>' in page


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
    assert "2:30–4 pm" in page  # Money matters on Tuesday: one "pm" when both ends share it


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


# --- the door page ----------------------------------------------------------------------------

def test_the_door_offers_what_runs_now_marked_and_chosen(client, db, mallis):
    page = text(client.get(door(mallis)))
    assert "Checka in" in page and "måndag 23 november" in page
    assert "Vad ska du göra i dag?" in page and "Inget särskilt, jag kom bara förbi" in page
    assert f'value="{activity_id(db, "Sygrupp")}" checked' in page
    assert page.count("Pågår nu") == 1 and page.index("Sygrupp") < page.index("Pågår nu")
    assert "Skogsvandring" not in page  # open to everyone elsewhere: not counted


def test_the_door_offers_only_what_is_still_on(client, db, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-24T15:10"  # Tuesday: cooking 11–14 is over
    page = text(client.get(door(mallis)))
    assert "Matlagningskurs" not in page and "Ekonomiska frågor" in page
    app.config["FROZEN_NOW"] = "2026-11-24T19:51"
    page = text(client.get(door(mallis)))
    assert "Ekonomiska frågor" not in page and "Inget mer på schemat i dag" in page


def test_an_activity_long_over_cannot_be_checked_in_to(client, db, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-24T15:10"
    response = check_in(client, mallis, str(activity_id(db, "Matlagningskurs")))
    assert response.status_code == 400 and "Den aktiviteten är slut för i dag" in text(response)
    assert visits(db) == []


def test_the_promise_stands_above_the_button_with_a_tall_link(client, mallis):
    page = text(client.get(door(mallis)))
    assert page.index("Vi sparar inte vem du är.") < page.index('<button class="big"')
    assert '<a class="tall-link" href="/mallis/privacy?next=' in page


def test_the_door_is_closed_kindly_on_a_day_without_opening(client, db, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-28T11:00"  # a Saturday, nothing on the programme
    page = text(client.get(door(mallis)))
    assert "Vi har stängt i dag." in page and "Välkommen tillbaka måndag 30 november!" in page
    assert '<button class="big"' not in page and 'name="once"' not in page


# --- checking in, then one question per screen -------------------------------------------------

def test_one_tap_checks_in_and_keeps_only_day_hour_and_activity(client, db, mallis):
    response = check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    assert response.status_code == 302
    stored = visits(db)
    assert 0 < stored[0].pop("id") < 2**53  # random, says nothing (tests/visits/test_anonymity.py)
    assert stored == [{
        "venue_id": mallis["id"], "activity_id": activity_id(db, "Sygrupp"),
        "date": "2026-11-23", "hour": 10, "gender": None, "source": "qr", "person_hash": None,
        "hash_removed": 0, "set_aside_id": None, "import_id": None,
        "record_key": visits(db)[0]["record_key"],
    }]
    assert 0 <= visits(db)[0]["record_key"] < 2**32  # random: for published figures only


def test_the_thanks_page_says_where_and_when_and_what_is_still_on(client, db, mallis):
    done = text(client.get(check_in(client, mallis, str(activity_id(db, "Sygrupp"))).location))
    assert "Tack! Du är incheckad." in done
    assert "Sygrupp" in done and "kl. 10–12 · Här på Mallis" in done
    rest = done[done.index("Kvar i dag"):]
    assert "Peer support" in rest and "kl. 13–15" in rest
    assert "Skogsvandring" in rest and "Judarskogen, Bromma" in rest
    # One question on this screen, and nothing else to answer yet.
    assert "vilket kön har du?" in done and "Hoppa över" in done
    assert "Kom ihåg" not in done and 'name="rating"' not in done


def test_the_four_gender_answers_and_skip_are_separate_choices(client, db, mallis):
    done = text(client.get(check_in(client, mallis, "none").location))
    for value in ("woman", "man", "other", "unstated"):
        assert f'value="{value}" class="answer-button"' in done
    assert 'value="skip" class="skip"' in done
    assert "”Vill inte svara” sparas som ditt svar. ”Hoppa över” sparar ingenting." in done


@pytest.mark.parametrize("gender", ["woman", "man", "other", "unstated"])
def test_the_gender_answer_is_kept_with_the_visit(client, db, mallis, gender):
    check_in(client, mallis, "none")
    response = answer(client, mallis, "gender", gender)
    assert response.status_code == 303
    assert visits(db)[0]["gender"] == gender
    assert PHONE_COOKIE not in response.headers.get("Set-Cookie", "")


def test_skipping_keeps_no_answer_and_prefer_not_to_say_is_one(client, db, mallis, app):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "skip")
    assert visits(db)[0]["gender"] is None
    new_day(client, app, "2026-11-24T11:30")
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "unstated")
    assert visits(db)[1]["gender"] == "unstated"


def test_after_the_gender_question_comes_remember_this_phone_on_its_own(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    page = text(client.get(door(mallis) + "/done"))
    assert "<h1>Kom ihåg telefonen?</h1>" in page
    assert "vilket kön" not in page and 'type="checkbox"' not in page
    for words in ("en slumpkod", "en förvrängd form av koden", "ny varje år",
                  "hur många olika personer som kommer, aldrig vilka",
                  "ta bort koden under ”Så fungerar det”"):
        assert words in page
    assert "Ja, kom ihåg telefonen" in page and 'value="no" class="skip">Hoppa över' in page


def test_saying_yes_remembers_the_phone_with_a_signed_code(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    response = answer(client, mallis, "remember", "yes")
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(PHONE_COOKIE)]
    assert len(cookie) == 1 and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]
    code = client.get_cookie(PHONE_COOKIE).value
    key, flag, mac = code.split(".")
    assert flag == "w" and len(key) == 32 and len(mac) == 22
    hashed = visits(db)[0]["person_hash"]
    assert hashed and key not in hashed and len(hashed) == 32
    done = text(client.get(door(mallis) + "/done"))
    assert "Klart. Nästa gång räcker ett tryck." in done and "Tack! Du är incheckad." in done
    assert "Kom ihåg telefonen?" not in done


def test_skipping_remember_keeps_no_code(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "skip")
    response = answer(client, mallis, "remember", "no")
    assert response.status_code == 303 and client.get_cookie(PHONE_COOKIE) is None
    assert visits(db)[0]["person_hash"] is None
    done = text(client.get(door(mallis) + "/done"))
    assert "Tack! Du är incheckad." in done and "Hoppa över" not in done


def test_an_answer_given_twice_changes_nothing(client, db, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    answer(client, mallis, "gender", "man")  # the browser's back button, then another tap
    answer(client, mallis, "remember", "no")
    answer(client, mallis, "remember", "yes")
    assert (visits(db)[0]["gender"], visits(db)[0]["person_hash"]) == ("woman", None)
    assert client.get_cookie(PHONE_COOKIE) is None


def test_the_same_browser_twice_a_day_counts_once_and_says_what_changed(client, db, mallis):
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    response = check_in(client, mallis, "none")
    assert len(visits(db)) == 1 and visits(db)[0]["activity_id"] is None
    again = text(client.get(response.location))
    assert "Du var redan incheckad i dag." in again
    assert "Nu är du incheckad på Inget särskilt." in again
    assert "Ändra tillbaka till Sygrupp" in again
    back = answer(client, mallis, "back")
    assert back.status_code == 303 and visits(db)[0]["activity_id"] == activity_id(db, "Sygrupp")
    assert "Nu är du incheckad på Sygrupp igen." in text(client.get(door(mallis) + "/done"))


def test_a_second_check_in_asks_no_face_about_the_first_activity(client, db, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-24T11:10"
    check_in(client, mallis, str(activity_id(db, "Matlagningskurs")))
    app.config["FROZEN_NOW"] = "2026-11-24T14:35"
    response = check_in(client, mallis, str(activity_id(db, "Ekonomiska frågor")))
    again = text(client.get(response.location))
    assert "Du var redan incheckad i dag." in again
    assert "Nu är du incheckad på Ekonomiska frågor." in again
    assert "Ändra tillbaka till Matlagningskurs" in again
    # Issue 25 item 2: the chosen activity (Ekonomiska frågor) has not ended: no faces.
    assert "Hur var det" not in again and 'name="rating"' not in again
    assert len(visits(db)) == 1


def test_the_thanks_page_asks_how_it_was_once_the_activity_has_ended(client, db, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-23T11:55"
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    answer(client, mallis, "gender", "skip")
    answer(client, mallis, "remember", "no")
    assert 'name="rating"' not in text(client.get(door(mallis) + "/done"))
    app.config["FROZEN_NOW"] = "2026-11-23T12:05"
    page = text(client.get(door(mallis) + "/done"))
    assert "Hur var det?" in page and 'name="rating"' in page


def test_a_remembered_phone_checks_in_with_one_tap(client, db, mallis, app):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    answer(client, mallis, "remember", "yes")
    stored_hash = visits(db)[0]["person_hash"]
    new_day(client, app, "2026-11-24T11:30")
    page = text(client.get(door(mallis)))
    assert "Telefonen har en sparad kod" in page
    response = check_in(client, mallis, str(activity_id(db, "Matlagningskurs")))
    second = visits(db)[1]
    assert (second["date"], second["hour"], second["gender"]) == ("2026-11-24", 11, "woman")
    assert second["person_hash"] == stored_hash
    done = text(client.get(response.location))
    assert "Tack! Du är incheckad." in done and "vilket kön" not in done
    assert "Kom ihåg telefonen?" not in done


def test_a_remembered_phone_twice_a_day_counts_once_and_says_what_changed(client, db, mallis, app):
    client.set_cookie(PHONE_COOKIE, phone_code(app, gender="man"))
    app.config["FROZEN_NOW"] = "2026-11-24T11:10"
    check_in(client, mallis, str(activity_id(db, "Matlagningskurs")))
    with client.session_transaction() as session:
        session.clear()  # even without the session: the phone's code is enough
    app.config["FROZEN_NOW"] = "2026-11-24T14:35"
    response = check_in(client, mallis, str(activity_id(db, "Ekonomiska frågor")))
    assert len(visits(db)) == 1
    assert visits(db)[0]["activity_id"] == activity_id(db, "Ekonomiska frågor")
    again = text(client.get(response.location))
    assert "Du var redan incheckad i dag." in again
    assert "Nu är du incheckad på Ekonomiska frågor." in again
    answer(client, mallis, "back")
    assert visits(db)[0]["activity_id"] == activity_id(db, "Matlagningskurs")


def test_the_phone_gets_a_new_hash_in_a_new_year(client, db, mallis, app):
    client.set_cookie(PHONE_COOKIE, phone_code(app))
    check_in(client, mallis, "none")
    new_day(client, app, "2027-01-04T10:30")
    check_in(client, mallis, "none")
    first, second = visits(db)
    assert second["date"] == "2027-01-04"
    assert first["person_hash"] and second["person_hash"]
    assert first["person_hash"] != second["person_hash"]


# --- forgetting the phone ---------------------------------------------------------------------

def test_forgetting_the_phone_asks_once_then_deletes_the_code(client, db, mallis, app):
    client.set_cookie(PHONE_COOKIE, phone_code(app, gender="other"))
    client.set_cookie(GENDER_COOKIE, "other")  # left over from before codes were signed
    page = text(client.get(door(mallis)))
    assert f'href="/mallis/forget?next={door(mallis)}"' in page
    question = client.get(f"/mallis/forget?next={door(mallis)}")
    assert "Vill du att telefonen glömmer koden?" in text(question)
    assert "Då räknas du som ny nästa gång." in text(question)
    assert client.get_cookie(PHONE_COOKIE) is not None  # asking deletes nothing
    response = client.post(f"/mallis/forget?next={door(mallis)}",
                           data={"csrf_token": csrf_token(text(question))})
    assert response.status_code == 302 and response.location == door(mallis)
    assert client.get_cookie(PHONE_COOKIE) is None and client.get_cookie(GENDER_COOKIE) is None
    assert "Koden är borttagen. Telefonen minns ingenting." in text(client.get(door(mallis)))


# --- in English -------------------------------------------------------------------------------

def test_check_in_in_english(client, db, mallis):
    english(client)
    page = text(client.get(door(mallis)))
    assert "Check in" in page and "Monday 23 November" in page and "Sewing group" in page
    assert "What are you doing today?" in page and "On now" in page
    done = text(client.get(check_in(client, mallis, "none").location))
    assert "Thank you! You are checked in." in done and "Prefer not to say" in done
    assert "Skip" in done and "Still on today" in done
    answer(client, mallis, "gender", "skip")
    remember = text(client.get(door(mallis) + "/done"))
    assert "Remember this phone?" in remember and "Yes, remember this phone" in remember
    assert "key" not in remember.lower().replace("keep", "")


# --- bad input: a clear message, a 4xx, nothing stored ----------------------------------------

def test_an_old_door_key_counts_nothing_and_says_so_kindly(client, db, mallis):
    page = text(client.get(door(mallis)))
    response = client.get("/mallis/in/oldkey99")
    assert response.status_code == 404
    assert "Den här koden är gammal" in text(response)
    assert "Fråga personalen om den nya" in text(response)
    response = client.post("/mallis/in/oldkey99", data={**hidden_fields(page), "activity": "none"})
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
    client.get(door(mallis))
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


@pytest.mark.parametrize("gender", ["female", "WOMAN", "<script>", "1", "yes"])
def test_a_gender_outside_the_four_is_refused_and_changes_nothing(client, db, mallis, gender):
    check_in(client, mallis, "none")
    response = answer(client, mallis, "gender", gender)
    assert response.status_code == 400
    assert "Välj en av knapparna" in text(response)
    assert visits(db)[0]["gender"] is None


@pytest.mark.parametrize("question", ["", "remember-me", "gender'--"])
def test_an_unknown_question_is_refused(client, db, mallis, question):
    check_in(client, mallis, "none")
    response = answer(client, mallis, question, "woman")
    assert response.status_code == 400 and visits(db)[0]["gender"] is None


def test_answering_without_having_checked_in_stores_nothing(client, db, mallis):
    page = text(client.get(door(mallis)))
    response = client.post(door(mallis) + "/done", data={
        "csrf_token": csrf_token(page), "question": "gender", "answer": "woman"})
    assert response.status_code == 302 and response.location == door(mallis)
    assert visits(db) == []


# --- language, privacy, logs ---------------------------------------------------------------------

def test_the_language_choice_is_remembered(client, mallis):
    response = client.get(client.get("/lang/en?next=/mallis/").location)
    assert response.status_code == 302 and response.location == "/mallis/"
    assert client.get_cookie("lang").value == "en"
    assert "Svenska" in text(client.get("/mallis/"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "\\\\evil"])
def test_the_language_switch_never_sends_you_elsewhere(client, mallis, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.location == "/lang/en/set?next=/"
    assert client.get(response.location).location == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/lang/de").status_code == 404


def test_the_privacy_page_says_what_is_never_kept(client):
    assert "Vi sparar aldrig" in text(client.get("/privacy"))
    english(client)
    assert "IP address" in text(client.get("/privacy"))


def test_the_privacy_page_keeps_the_venue_and_a_way_back(client, mallis):
    page = text(client.get(f"/mallis/privacy?next={door(mallis)}"))
    assert '<a class="brand" href="/mallis/">Mallis</a>' in page
    assert f'<a class="tall-link" href="{door(mallis)}">← Tillbaka</a>' in page
    assert "Vem ansvarar?" in page
    assert ("Vi sparar bara en förvrängd form av koden, som inte kan göras om till koden igen. "
            "Den byts varje år.") in page
    assert '<a class="brand" href="/mallis/">' in text(client.get("/mallis/privacy?next=//evil"))
    assert 'href="//evil"' not in text(client.get("/mallis/privacy?next=//evil"))


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
    assert response.status_code == 200 and text(response).startswith("ok ")


def test_forgetting_the_code_also_forgets_todays_visit(app, client, db, mallis):
    """Issue 28 item 3: "Glöm koden … Telefonen minns ingenting. Då räknas du som ny nästa
    gång." Before, the session still pointed at today's visit: the done page showed it, and a
    second check-in that day changed the old visit, which kept its hash."""
    from tests.helpers import answer, check_in, door, hidden_fields, post_form

    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    answer(client, mallis, "remember", "yes")
    page = text(client.get("/mallis/feedback"))
    client.post("/mallis/feedback", data={**hidden_fields(page), "rating": "4"})
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 2
    [first] = [dict(r) for r in db.execute("SELECT * FROM visit")]
    assert first["person_hash"]
    response = post_form(client, "/mallis/forget", {})
    assert response.status_code == 302 and client.get_cookie("checkin_phone") is None
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 0
    assert client.get(door(mallis) + "/done").location == door(mallis)
    assert client.get("/mallis/feedback/text").location.endswith("/mallis/feedback/thanks")
    check_in(client, mallis, "none")  # the same day, as someone new
    rows = [dict(r) for r in db.execute("SELECT * FROM visit")]
    assert len(rows) == 2
    assert [r for r in rows if r["id"] == first["id"]] == [first]  # the old visit untouched
    assert [r["person_hash"] for r in rows if r["id"] != first["id"]] == [None]


def test_a_phone_without_a_code_is_told_there_is_nothing_to_forget(client, mallis):
    """forget.html: a phone with no code is told so, and offered no button that would
    pretend to delete something."""
    for url in ("/forget", "/mallis/forget"):
        page = text(client.get(url))
        assert "Det finns inget att glömma. Vi sparar inte vem du är." in page
        assert "Ja, glöm koden" not in page and 'method="post" class="two-answers"' not in page
    assert client.get_cookie(PHONE_COOKIE) is None
