"""The door before the tap (issue 25, items 3 and 5): a closed day shows the next open day's
programme, and a phone already checked in today is told so before it taps."""

import pytest

from checkin.visits.routes import PHONE_COOKIE
from tests.helpers import activity_id, answer, check_in, door, phone_code, text, visits

SATURDAY = "2026-11-28T11:00"  # Mallis is closed at weekends (checkin/demo.py)


def test_a_closed_day_shows_the_next_open_days_programme(client, mallis, app):
    app.config["FROZEN_NOW"] = SATURDAY
    page = text(client.get(door(mallis)))
    assert "Vi har stängt i dag." in page and "Välkommen tillbaka måndag 30 november!" in page
    programme = page.split('class="next-open"')[1].split("</section>")[0]
    for words in ("Sygrupp", "Peer support", "kl. 10–12", "kl. 13–15"):
        assert words in programme, words
    assert "Matlagningskurs" not in programme  # Tuesday's
    assert 'href="/mallis/?week=2026-W49"' in page and "Programmet den veckan" in page
    assert '<button class="big"' not in page and 'name="once"' not in page


def test_a_closed_day_in_english(client, mallis, app):
    client.get("/lang/en")
    app.config["FROZEN_NOW"] = "2026-11-29T15:00"  # Sunday: tomorrow is Monday
    page = text(client.get(door(mallis)))
    assert "Welcome back tomorrow!" in page and "Sewing group" in page
    assert "That week&#39;s programme" in page or "That week's programme" in page


def test_the_door_says_before_the_tap_that_this_browser_is_checked_in(client, db, mallis):
    assert "redan incheckad" not in text(client.get(door(mallis)))
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    answer(client, mallis, "gender", "skip")
    page = text(client.get(door(mallis)))
    assert "Den här telefonen är redan incheckad i dag, på Sygrupp." in page
    assert page.index("redan incheckad") < page.index('<button class="big"')
    assert len(visits(db)) == 1  # saying so stores nothing


def test_the_door_says_so_for_a_remembered_phone_without_its_session(client, db, mallis, app):
    client.set_cookie(PHONE_COOKIE, phone_code(app, gender="man"))
    check_in(client, mallis, "none")
    with client.session_transaction() as session:
        session.clear()
    client.get("/lang/en")
    page = text(client.get(door(mallis)))
    assert "This phone is already checked in today. Tapping again changes the activity" in page


@pytest.mark.parametrize("when", ["2026-11-24T10:15"])
def test_a_new_day_is_not_already_checked_in(client, mallis, app, when):
    client.set_cookie(PHONE_COOKIE, phone_code(app))
    check_in(client, mallis, "none")
    app.config["FROZEN_NOW"] = when
    assert "redan incheckad" not in text(client.get(door(mallis)))
