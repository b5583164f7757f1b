"""Feedback only about what happened (issue 25, item 2): the door's done page asks "How was it?"
only once the chosen activity has ended, or, for a visit without an activity, once the visit's
part of the day is over (schedule.DAY_PART_ENDS: 12, 17, 21); never on arrival, after a
repeat check-in or after "Ändra tillbaka" before then."""

import datetime as dt

import pytest

from checkin.week import schedule
from tests.helpers import activity_id, answer, check_in, door, text


def done_page(client, mallis):
    return text(client.get(door(mallis) + "/done"))


def asks_faces(page):
    return 'name="rating"' in page


def through_questions(client, mallis):
    answer(client, mallis, "gender", "skip")
    answer(client, mallis, "remember", "no")


@pytest.mark.parametrize("hour, end", [(0, 12), (9, 12), (11, 12), (12, 17), (16, 17),
                                       (17, 21), (20, 21), (21, None), (23, None)])
def test_the_day_parts(hour, end):
    assert schedule.day_part_end(hour) == end
    moment = dt.datetime(2026, 11, 23, 23, 59)
    assert schedule.day_part_over(hour, moment) is (end is not None)


def test_no_faces_on_arrival_at_a_running_activity(client, db, mallis, app):
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))  # Monday 10:15, Sygrupp 10-12
    through_questions(client, mallis)
    assert not asks_faces(done_page(client, mallis))
    app.config["FROZEN_NOW"] = "2026-11-23T11:59"
    assert not asks_faces(done_page(client, mallis))
    app.config["FROZEN_NOW"] = "2026-11-23T12:00"
    page = done_page(client, mallis)
    assert asks_faces(page) and "Hur var det?" in page and "Sygrupp" in page
    assert f'name="activity" value="{activity_id(db, "Sygrupp")}"' in page


def test_just_dropping_in_is_asked_at_the_end_of_its_day_part(client, mallis, app):
    check_in(client, mallis, "none")
    through_questions(client, mallis)
    assert not asks_faces(done_page(client, mallis))
    app.config["FROZEN_NOW"] = "2026-11-23T12:00"
    page = done_page(client, mallis)
    assert asks_faces(page) and "Hur var det i dag?" in page
    assert 'name="activity" value="none"' in page


def test_an_evening_drop_in_is_never_asked(client, mallis, app):
    app.config["FROZEN_NOW"] = "2026-11-23T21:10"
    check_in(client, mallis, "none")
    through_questions(client, mallis)
    app.config["FROZEN_NOW"] = "2026-11-23T23:55"
    assert not asks_faces(done_page(client, mallis))


def test_no_faces_after_a_repeat_or_an_undo(client, db, mallis, app):
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    through_questions(client, mallis)
    app.config["FROZEN_NOW"] = "2026-11-23T10:40"
    response = check_in(client, mallis, "none")  # the same browser again: a repeat
    repeat = text(client.get(response.location))
    assert "Du var redan incheckad i dag." in repeat and not asks_faces(repeat)
    answer(client, mallis, "back")
    undone = done_page(client, mallis)
    assert "Nu är du incheckad på Sygrupp igen." in undone and not asks_faces(undone)


def test_with_the_rule_off_the_face_came_on_arrival(client, mallis, monkeypatch):
    """The test above fails with the old rule back: a day face on arrival."""
    from checkin.visits import routes

    monkeypatch.setattr(routes, "_feedback_offer", lambda venue, visit, now: "day")
    check_in(client, mallis, "none")
    through_questions(client, mallis)
    assert asks_faces(done_page(client, mallis))


@pytest.mark.parametrize("lang, words", [("sv", "Hur var det i dag?"),
                                         ("en", "How was today?")])
def test_the_rule_holds_in_english_too(client, mallis, app, lang, words):
    client.get(f"/lang/{lang}")
    check_in(client, mallis, "none")
    through_questions(client, mallis)
    assert words not in done_page(client, mallis).split("<nav")[0]
    app.config["FROZEN_NOW"] = "2026-11-23T12:30"
    assert words in done_page(client, mallis)
