"""Remembering is consented to in full (issue 25, item 1): the remember question and the privacy
page say everything the phone keeps and for how long, and a remembered visitor changes or removes
the gender answer without forgetting the code."""

import pytest

from checkin.visits.routes import PHONE_COOKIE
from checkin.web.pages import REMEMBER_SECONDS
from tests.helpers import (
    activity_id,
    answer,
    check_in,
    csrf_token,
    door,
    phone_code,
    text,
    visits,
)

DAYS = REMEMBER_SECONDS // 86400


def test_the_cookie_lives_as_long_as_the_pages_say(client, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    response = answer(client, mallis, "remember", "yes")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(PHONE_COOKIE))
    assert f"Max-Age={DAYS * 86400}" in cookie and DAYS == 400


def test_the_remember_question_names_the_gender_answer_and_the_days(client, mallis):
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "woman")
    page = text(client.get(door(mallis) + "/done"))
    assert ("Telefonen sparar en slumpkod och ditt svar ”Kvinna” i högst 400 dagar, aldrig ditt "
            "namn eller nummer. Svaret följer sedan med varje incheckning.") in page
    assert "Ändra svaret eller ta bort koden under ”Så fungerar det”." in page
    # The consent comes before the buttons.
    assert page.index("”Kvinna”") < page.index('value="yes"')


def test_the_remember_question_without_an_answer_names_only_the_code(client, mallis):
    client.get("/lang/en")
    check_in(client, mallis, "none")
    answer(client, mallis, "gender", "skip")
    page = text(client.get(door(mallis) + "/done"))
    assert ("The phone keeps a random code for up to 400 days, never your name or number."
            in page)
    assert "your answer" not in page


@pytest.mark.parametrize("lang, words", [
    ("sv", ["sparar telefonen ditt svar i samma kaka som koden",
            "Telefonen sparar koden (och svaret) i högst 400 dagar"]),
    ("en", ["the phone keeps your answer in the same cookie as the code",
            "The phone keeps the code (and the answer) for at most 400 days"]),
])
def test_the_privacy_page_says_the_phone_keeps_the_answer_and_for_how_long(client, mallis,
                                                                           lang, words):
    client.get(f"/lang/{lang}")
    page = text(client.get("/mallis/privacy"))
    for said in words:
        assert said in page


def _remembered(client, app, gender="woman"):
    client.set_cookie(PHONE_COOKIE, phone_code(app, gender=gender))
    return client.get_cookie(PHONE_COOKIE).value.split(".")


def _change(client, answer_value, page="/mallis/privacy"):
    token = csrf_token(text(client.get(page)))
    return client.post("/mallis/phone/gender?next=/mallis/privacy",
                       data={"csrf_token": token, "gender": answer_value})


def test_changing_the_answer_keeps_the_same_code(client, db, mallis, app):
    key, flag, _mac = _remembered(client, app)
    assert flag == "w"
    page = text(client.get("/mallis/privacy"))
    assert "En slumpkod, och ditt svar om kön: ”Kvinna”." in page
    assert 'value="man"' in page and 'value="none"' in page and 'value="woman"' not in page
    response = _change(client, "man")
    assert response.status_code == 303 and response.location.endswith("/mallis/privacy#phone")
    new_key, new_flag, _ = client.get_cookie(PHONE_COOKIE).value.split(".")
    assert (new_key, new_flag) == (key, "m")
    assert "Klart. Telefonen sparar nu svaret ”Man”. Koden är densamma." in text(
        client.get("/mallis/privacy"))
    # The same person: today's check-in and the next one share one hash, with the new answer.
    check_in(client, mallis, "none")
    app.config["FROZEN_NOW"] = "2026-11-24T11:30"
    with client.session_transaction() as session:
        session.clear()
    check_in(client, mallis, str(activity_id(db, "Matlagningskurs")))
    first, second = visits(db)
    assert first["person_hash"] == second["person_hash"] and second["gender"] == "man"


def test_removing_the_answer_keeps_the_code_and_no_answer(client, db, mallis, app):
    key, _flag, _mac = _remembered(client, app, "other")
    _change(client, "none")
    new_key, new_flag, _ = client.get_cookie(PHONE_COOKIE).value.split(".")
    assert (new_key, new_flag) == (key, "-")
    page = text(client.get("/mallis/privacy"))
    assert "Klart. Telefonen sparar nu bara koden, inget svar om kön." in page
    assert "En slumpkod, och inget svar om kön." in page
    check_in(client, mallis, "none")
    assert visits(db)[0]["gender"] is None and visits(db)[0]["person_hash"]


def test_the_done_page_of_a_remembered_phone_offers_the_change(client, mallis, app):
    _remembered(client, app, "man")
    page = text(client.get(check_in(client, mallis, "none").location))
    assert "Det här sparar telefonen" in page
    assert 'action="/mallis/phone/gender?next=' in page and 'value="none"' in page


@pytest.mark.parametrize("bad", ["female", "", "w", "<script>", "None"])
def test_a_made_up_answer_changes_nothing(client, mallis, app, bad):
    _remembered(client, app)
    before = client.get_cookie(PHONE_COOKIE).value
    response = _change(client, bad)
    assert response.status_code == 303 and client.get_cookie(PHONE_COOKIE).value == before
    assert "Välj en av knapparna. Inget ändrades." in text(client.get("/mallis/privacy"))


def test_a_phone_without_a_code_gets_none(client, mallis):
    response = _change(client, "woman", page=door(mallis))
    assert response.status_code == 303 and client.get_cookie(PHONE_COOKIE) is None
    assert "Telefonen har ingen sparad kod" in text(client.get("/mallis/privacy"))


def test_a_forged_code_gets_no_new_signed_code(client, mallis):
    client.set_cookie(PHONE_COOKIE, "A" * 32 + ".w." + "B" * 22)
    _change(client, "man", page=door(mallis))
    assert client.get_cookie(PHONE_COOKIE).value == "A" * 32 + ".w." + "B" * 22


def test_the_change_needs_the_csrf_token(client, mallis, app):
    _remembered(client, app)
    before = client.get_cookie(PHONE_COOKIE).value
    response = client.post("/mallis/phone/gender", data={"gender": "man"})
    assert response.status_code == 400 and client.get_cookie(PHONE_COOKIE).value == before
