"""The door's staff pages through the test client: the poster, the door key, kiosks and the
hand count (tally); every form's happy path and bad input."""

import re

import pytest

from tests.helpers import (
    SOMEONE,
    activity_id,
    audit_lines,
    break_the_audit_log,
    csrf_token,
    post_form,
    tally,
    text,
    venue_row,
    visits,
)


def tally_counts(db):
    return dict(db.execute("SELECT gender, count(*) FROM visit WHERE source = 'tally' "
                           "GROUP BY gender").fetchall())


def test_the_poster_has_the_qr_code_and_the_address_written_out(staff, mallis):
    page = text(staff.get("/staff/mallis/poster"))
    assert "<svg" in page and "<?xml" not in page
    assert f"127.0.0.1:5000/mallis/in/{mallis['door_key']}" in page
    assert "Skanna för att checka in" in page and "Scan to check in" in page


def test_replacing_the_door_key_makes_old_posters_count_nothing(staff, client, db, mallis):
    old = mallis["door_key"]
    response = post_form(staff, "/staff/mallis/door-key", {"confirm": "y"})
    assert response.status_code == 302
    new = venue_row(db, "mallis")["door_key"]
    assert new != old
    page = text(staff.get(response.location))
    assert "skriv ut" in page.lower() and new in page
    old_page = staff.get(f"/mallis/in/{old}")
    assert old_page.status_code == 404 and "Den här koden är gammal" in text(old_page)
    staff.post(f"/mallis/in/{old}", data={"csrf_token": csrf_token(text(staff.get("/staff/"))),
                                          "day": "2026-11-23"})
    assert visits(db) == []
    assert staff.get(f"/mallis/in/{new}").status_code == 200
    assert audit_lines(db)[-1]["action"] == "door key replaced"


def test_the_door_key_is_not_replaced_without_the_tick(staff, db, mallis):
    response = post_form(staff, "/staff/mallis/door-key", {})
    assert response.status_code == 400 and "Kryssa i rutan" in text(response)
    assert venue_row(db, "mallis")["door_key"] == mallis["door_key"]


def test_a_door_key_or_kiosk_change_whose_audit_line_fails_changes_nothing(staff, db, mallis,
                                                                          monkeypatch):
    # The line was written after the change, in a transaction of its own: with the log
    # failing, old posters stopped working and the kiosk was off, with no line saying who.
    from checkin.visits import kiosk_tokens

    kiosk_id, _token = kiosk_tokens.create_kiosk(db, mallis["id"], "Entrén", None)
    pages = {url: text(staff.get(url)) for url in (
        "/staff/mallis/door-key", f"/staff/mallis/kiosks/{kiosk_id}/revoke")}
    break_the_audit_log(monkeypatch)
    for url, page in pages.items():
        with pytest.raises(RuntimeError):
            staff.post(url, data={"csrf_token": csrf_token(page), "confirm": "y"})
    assert venue_row(db, "mallis")["door_key"] == mallis["door_key"]
    assert db.execute("SELECT revoked_at FROM kiosk WHERE id = ?", [kiosk_id]).fetchone()[0] is None
    assert audit_lines(db) == []


def test_turning_a_kiosk_off_and_replacing_the_door_key_write_one_line_each(staff, db,
                                                                           mallis):
    from checkin.visits import kiosk_tokens

    kiosk_id, _token = kiosk_tokens.create_kiosk(db, mallis["id"], "Entrén", None)
    post_form(staff, f"/staff/mallis/kiosks/{kiosk_id}/revoke", {})
    post_form(staff, "/staff/mallis/door-key", {"confirm": "y"})
    lines = audit_lines(db)
    assert [(a["action"], a["username"], a["venue_id"], a["detail"]) for a in lines] == [
        ("kiosk turned off", "anna", mallis["id"], "Entrén"),
        ("door key replaced", "anna", mallis["id"], "")]
    assert all(a["at"].endswith(":00+00:00") for a in lines)


def test_a_kiosk_of_another_venue_is_not_turned_off_by_the_operation(db, mallis, victor):
    from checkin.visits import kiosk_tokens

    kiosk_id, _token = kiosk_tokens.create_kiosk(db, victor["id"], "", None)
    assert kiosk_tokens.revoke_kiosk(db, mallis["id"], kiosk_id, user=SOMEONE) is False
    assert db.execute("SELECT revoked_at FROM kiosk").fetchone()[0] is None
    assert audit_lines(db) == []


def test_fifteen_people_are_typed_in_and_saved_in_one_go(staff, db, mallis):
    sygrupp = activity_id(db, "Sygrupp")
    url = f"/staff/mallis/tally?day=2026-11-23&activity={sygrupp}"
    response = tally(staff, url, woman="4", man="10", unstated="1")
    assert response.status_code == 302 and response.location.endswith("#saved")
    assert tally_counts(db) == {"woman": 4, "man": 10, "unstated": 1}
    assert {(v["source"], v["hour"], v["activity_id"], v["person_hash"])
            for v in visits(db)} == {("tally", None, sygrupp, None)}
    page = text(staff.get(url))
    assert "Sparat: 15 räknade av personal" in page and 'value="10"' in page
    assert "kvinnor +4, män +10, inget svar +1" in page  # the undo names the last change


def test_plus_and_minus_step_from_the_number_shown_and_keep_the_place(staff, db, mallis):
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    response = tally(staff, url, step="other:1")
    assert response.location.endswith("#tally-other")
    tally(staff, url, was_other="1", other="1", step="other:1")
    tally(staff, url, was_other="2", other="2", step="other:-1")
    assert tally_counts(db) == {"other": 1}
    # A number typed and then + pressed: both count.
    tally(staff, url, was_other="1", other="5", step="other:1")
    assert tally_counts(db) == {"other": 6}


def test_two_phones_counting_at_once_both_count(staff, db, mallis):
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    tally(staff, url, step="man:1")
    tally(staff, url, step="man:1")  # the second phone still showed 0
    assert tally_counts(db) == {"man": 2}


def test_the_activity_on_now_is_chosen_and_other_days_can_be_counted(staff, db, mallis):
    page = text(staff.get("/staff/mallis/tally"))
    assert re.search(r'<h2 id="saved">Sygrupp', page)  # Monday 10:15: Sygrupp runs 10–12
    page = text(staff.get("/staff/mallis/tally?day=2026-11-17"))  # a Tuesday before
    assert "Matlagningskurs" in page and re.search(r'<h2 id="saved">Ingen särskild', page)


def test_undo_goes_back_one_change_at_a_time_to_the_first_of_the_day(staff, db, mallis):
    """Undo went back one step only: a second mistake could not be taken back."""
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    tally(staff, url, woman="2")
    tally(staff, url, was_woman="2", woman="2", man="3")
    assert "2 ändringar i dag kan ångras" in text(staff.get(url))
    response = post_form(staff, "/staff/mallis/tally/undo", {}, page_url=url)
    assert response.status_code == 302
    assert tally_counts(db) == {"woman": 2}
    assert "Ångrat: män −3" in text(staff.get(url))
    post_form(staff, "/staff/mallis/tally/undo", {}, page_url=url)  # and the one before
    assert tally_counts(db) == {}
    post_form(staff, "/staff/mallis/tally/undo", {}, page_url=url)  # nothing left
    assert tally_counts(db) == {}
    assert "Det finns inget att ångra." in text(staff.get(url))
    assert [a["action"] for a in audit_lines(db)] == ["tally", "tally", "tally undone",
                                                      "tally undone"]


def test_a_tally_or_its_undo_whose_audit_line_fails_changes_nothing(staff, db, mallis,
                                                                   monkeypatch):
    # The line was written after the change: with the log failing, counted visits came and
    # went with no line saying who.
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    tally(staff, url, woman="2")
    page = text(staff.get(url))
    break_the_audit_log(monkeypatch)
    with pytest.raises(RuntimeError):
        staff.post(url, data={"csrf_token": csrf_token(page), "was_woman": "2", "woman": "2",
                              "was_man": "0", "was_other": "0", "was_unstated": "0",
                              "man": "3", "step": "save"})
    with pytest.raises(RuntimeError):
        staff.post("/staff/mallis/tally/undo", data={"csrf_token": csrf_token(page)})
    assert tally_counts(db) == {"woman": 2}
    assert [a["action"] for a in audit_lines(db)] == ["tally"]
    monkeypatch.undo()
    # The undo was not spent: it still takes back the change that was made.
    assert post_form(staff, "/staff/mallis/tally/undo", {}, page_url=url).status_code == 302
    assert tally_counts(db) == {}
    lines = audit_lines(db)
    assert [(a["action"], a["detail"]) for a in lines] == [
        ("tally", "2026-11-23 Sygrupp: woman +2"),
        ("tally undone", "2026-11-23 Sygrupp: woman -2")]
    assert all(a["at"].endswith(":00+00:00") for a in lines)


@pytest.mark.parametrize("data", [
    {"woman": "many"}, {"woman": "-3"}, {"woman": "1000"}, {"step": "robot:1"},
    {"step": "woman:5"}, {"was_woman": "x"},
])
def test_bad_tally_input_changes_nothing(staff, db, mallis, data):
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    response = tally(staff, url, **data)
    assert response.status_code == 400 and "Ingenting ändrades" in text(response)
    assert visits(db) == []


def test_nothing_to_take_away_stays_zero(staff, db, mallis):
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    assert tally(staff, url, step="woman:-1").status_code == 302
    assert visits(db) == [] and audit_lines(db) == []


@pytest.mark.parametrize("query", ["day=2026-12-01", "day=soon", "activity=99999",
                                   "activity=Stadsodling"])
def test_tally_refuses_a_future_day_or_unknown_activity(staff, db, query):
    response = tally(staff, f"/staff/mallis/tally?{query}", man="1")
    assert response.status_code == 400 and visits(db) == []


def test_a_hand_count_on_a_day_of_a_finished_month_asks_first_and_is_listed(staff, db,
                                                                            mallis):
    """Issue 23 item 5: a correction to a finished period changed last month's and the
    year's reports without a word. Now it asks (409, nothing stored), then is listed."""
    url = f"/staff/mallis/tally?day=2026-10-05&activity={activity_id(db, 'Sygrupp')}"
    response = tally(staff, url, woman="3")
    assert response.status_code == 409
    page = text(response)
    assert "Inget är ändrat än" in page and "Årsrapporten 2026: 0 → 3 besök" in page
    assert tally_counts(db) == {}
    response = tally(staff, url, woman="3", finished="y")
    assert response.status_code == 302 and tally_counts(db) == {"woman": 3}
    report = text(staff.get("/staff/mallis/report/2026"))
    assert "Rättad måndag 23 november 2026" in report or "Rättad 23 november 2026" in report
    this_month = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    assert tally(staff, this_month, man="1").status_code == 302  # this month: no question
