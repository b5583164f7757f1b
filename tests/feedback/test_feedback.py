"""Smiley feedback: one tap, an optional text, never linked to a visit or a phone."""

import datetime as dt
import logging

import pytest

from checkin.feedback import smileys as feedback
from tests.helpers import (
    SOMEONE,
    activity_id,
    answer,
    check_in,
    csrf_token,
    door,
    hidden_fields,
    text,
)


def rows(db):
    return [dict(r) for r in db.execute("SELECT * FROM feedback ORDER BY date, rating, text")]


def rate(client, venue, rating, **extra):
    page = client.get(f"/{venue['slug']}/feedback")
    data = {**hidden_fields(text(page)), "rating": rating, **extra}
    return client.post(f"/{venue['slug']}/feedback", data=data)


def write(client, venue, words):
    page = client.get(f"/{venue['slug']}/feedback")  # the token is the session's, any page has it
    return client.post(f"/{venue['slug']}/feedback/text",
                       data={"csrf_token": csrf_token(text(page)), "text": words})


def test_the_thanks_page_asks_how_it_was_once_the_activity_has_ended(client, db, mallis, app):
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    answer(client, mallis, "gender", "skip")
    answer(client, mallis, "remember", "no")
    page = text(client.get(door(mallis) + "/done"))
    assert "Hur var det" not in page  # Sygrupp has only just begun
    assert "/mallis/ideas" in page and "/mallis/survey" in page
    app.config["FROZEN_NOW"] = "2026-11-23T12:10"
    page = text(client.get(door(mallis) + "/done"))
    assert "Hur var det?" in page
    for word in ("Jättebra", "Bra", "Okej", "Inte så bra", "Dåligt"):
        assert f"<span>{word}</span></button>" in page
    assert f'name="activity" value="{activity_id(db, "Sygrupp")}"' in page


def test_the_week_links_to_feedback_survey_and_ideas(client, mallis):
    page = text(client.get("/mallis/"))
    assert "/mallis/feedback" in page and "/mallis/survey" in page and "/mallis/ideas" in page
    assert "Idélåda" in page


def test_one_tap_from_the_thanks_page_stores_a_rating_for_the_activity_only(client, db, mallis,
                                                                           app):
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    answer(client, mallis, "gender", "skip")
    answer(client, mallis, "remember", "no")
    app.config["FROZEN_NOW"] = "2026-11-23T12:10"
    page = text(client.get(door(mallis) + "/done"))
    response = client.post("/mallis/feedback", data={
        **hidden_fields(page, "/mallis/feedback"), "rating": "5"})
    assert response.status_code == 302 and response.location == "/mallis/feedback/text"
    stored = rows(db)
    assert 0 < stored[0].pop("id") < 2**53  # random, says nothing (tests/visits/test_anonymity.py)
    assert stored == [{"venue_id": mallis["id"],
                         "activity_id": activity_id(db, "Sygrupp"), "date": "2026-11-23",
                         "rating": 5, "text": None, "hidden": 0,
                         "record_key": rows(db)[0]["record_key"]}]
    assert 0 <= rows(db)[0]["record_key"] < 2**32  # random, for published figures only
    # No column could join it to the visit: no hour, no hash.
    columns = {r[1] for r in db.execute("PRAGMA table_info(feedback)")}
    assert not columns & {"hour", "person_hash", "visit_id"}


def test_a_face_is_never_counted_for_an_activity_that_has_not_begun(client, db, mallis):
    page = text(client.get("/mallis/feedback"))
    assert "Sygrupp" in page and "Peer support" not in page  # 13–15: still to come
    response = rate(client, mallis, "5", activity=str(activity_id(db, "Peer support")))
    assert response.status_code == 400 and "Den aktiviteten har inte börjat än" in text(response)
    assert rows(db) == []


def test_a_replayed_face_is_stored_once(client, db, mallis):
    page = text(client.get("/mallis/feedback"))
    data = {**hidden_fields(page), "rating": "4"}
    # Each post spends the browser's budget (10 a minute) before its token is looked at.
    statuses = [client.post("/mallis/feedback", data=data).status_code for _ in range(9)]
    assert statuses == [302] + [409] * 8 and len(rows(db)) == 1
    assert "Det här svaret är redan sparat" in text(client.post("/mallis/feedback", data=data))


@pytest.mark.parametrize("form_path, purpose, extra", [
    ("/mallis/feedback", "rating", {"rating": "4"}),
    ("/mallis/ideas", "idea", {"text": "Mer fika"}),
])
@pytest.mark.parametrize("tamper", ["yesterday", "another purpose", "garbage", "missing"])
def test_a_page_from_another_day_or_not_ours_is_told_it_expired_not_that_it_was_saved(
        app, client, db, mallis, form_path, purpose, extra, tamper):
    from checkin.visits import once

    page = text(client.get(form_path))
    key = once.form_key(app.config["SECRET_KEY"])
    today = dt.date(2026, 11, 23)
    data = {**hidden_fields(page, form_path if purpose == "idea" else None), **extra}
    data["once"] = {
        "yesterday": once.issue(key, purpose, mallis["id"], today - dt.timedelta(days=1)),
        "another purpose": once.issue(key, "check-in", mallis["id"], today),
        "garbage": "20261123." + "x" * 16 + "." + "y" * 22,
        "missing": "",
    }[tamper]
    response = client.post(form_path, data=data)
    shown = text(response)
    assert response.status_code == 400
    assert "Sidan hann bli för gammal" in shown and "redan sparat" not in shown
    assert "Inget sparades" in shown
    assert rows(db) == [] and db.execute("SELECT count(*) FROM idea").fetchone()[0] == 0
    client.set_cookie("lang", "en")
    assert "This page has expired" in text(client.post(form_path, data=data))


def test_the_text_step_says_the_limit_before_typing_and_is_stored(client, db, mallis):
    rate(client, mallis, "4")
    page = text(client.get("/mallis/feedback/text"))
    assert "Högst 500 tecken" in page and 'maxlength="500"' in page
    assert "Hoppa över" in page
    response = write(client, mallis, "  Bra fika, mer yoga!  ")
    assert response.status_code == 302 and response.location == "/mallis/feedback/thanks"
    assert rows(db)[0]["text"] == "Bra fika, mer yoga!" and rows(db)[0]["activity_id"] is None
    assert "Tack för att du berättar!" in text(client.get(response.location))
    # The text is attached once: the step is done and forgotten.
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 0
    assert write(client, mallis, "again").status_code == 302
    assert rows(db)[0]["text"] == "Bra fika, mer yoga!"


def test_skipping_the_text_keeps_the_rating_only(client, db, mallis):
    rate(client, mallis, "3")
    assert write(client, mallis, "   ").status_code == 302
    assert [(r["rating"], r["text"]) for r in rows(db)] == [(3, None)]


def test_feedback_in_english(client, db, mallis):
    client.get("/lang/en")
    page = text(client.get("/mallis/feedback"))
    assert "How was today?" in page and "Not so good" in page and "The whole day" in page
    assert "What would you like to comment on?" in page


def test_a_text_over_the_limit_is_refused_and_nothing_is_stored(client, db, mallis):
    rate(client, mallis, "2")
    response = write(client, mallis, "x" * 501)
    assert response.status_code == 400
    assert "Det är mer än 500 tecken. Inget sparades." in text(response)
    assert rows(db)[0]["text"] is None


@pytest.mark.parametrize("rating", ["0", "6", "", "five", "<script>", "3.5"])
def test_a_rating_outside_the_five_faces_is_refused(client, db, mallis, rating):
    response = rate(client, mallis, rating)
    assert response.status_code == 400 and "Tryck på ett av ansiktena" in text(response)
    assert rows(db) == []


@pytest.mark.parametrize("activity", ["9999", "abc", "' OR 1=1 --"])
def test_an_unknown_activity_is_refused(client, db, mallis, activity):
    response = rate(client, mallis, "4", activity=activity)
    assert response.status_code == 400 and rows(db) == []


def test_an_activity_not_held_today_is_refused(client, db, mallis):
    response = rate(client, mallis, "4", activity=str(activity_id(db, "Yoga")))  # Fridays
    assert response.status_code == 400 and rows(db) == []


def test_feedback_without_csrf_is_refused(client, db, mallis):
    response = client.post("/mallis/feedback", data={"rating": "5"})
    assert response.status_code == 400 and rows(db) == []


def test_writing_a_text_without_a_rating_stores_nothing(client, db, mallis):
    page = text(client.get("/mallis/feedback"))
    response = client.post("/mallis/feedback/text",
                           data={"csrf_token": csrf_token(page), "text": "hej"})
    assert response.status_code == 302 and rows(db) == []


@pytest.mark.parametrize("words", ['<script>alert("x")</script>', '=HYPERLINK("http://x","y")'])
def test_a_text_is_kept_as_written_and_never_run(client, db, mallis, words):
    rate(client, mallis, "1")
    write(client, mallis, words)
    assert rows(db)[0]["text"] == words
    # Shown back (the textarea after an error) only escaped.
    rate(client, mallis, "1")
    page = text(write(client, mallis, words + "x" * 500))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page or "=HYPERLINK(&#34;http://x&#34;" in page


def test_posting_is_limited_per_session_and_nothing_is_stored_beyond(app, client, db, mallis):
    app.config["POSTS_PER_MINUTE_SESSION"] = 2
    assert rate(client, mallis, "4").status_code == 302
    assert rate(client, mallis, "4").status_code == 302
    response = rate(client, mallis, "4")
    assert response.status_code == 429 and "Vänta en minut" in text(response)
    assert len(rows(db)) == 2


def test_new_sessions_from_one_address_share_that_addresss_budget_only(app, db, mallis):
    from tests.helpers import from_address

    app.config["SENDER_POSTS_PER_HOUR"] = 3
    for _ in range(3):
        assert rate(from_address(app, "203.0.113.5"), mallis, "5").status_code == 302
    assert rate(from_address(app, "203.0.113.5"), mallis, "5").status_code == 429
    assert rate(from_address(app, "203.0.113.6"), mallis, "5").status_code == 302
    assert len(rows(db)) == 4


def test_a_flood_from_browsers_that_keep_their_cookie_stops_at_its_addresss_budget(app, db,
                                                                                   mallis):
    """40 browsers keep their cookie and tap 5 faces each, within seconds, from one address.
    Each kept session has its own minute budget; the address's budget holds (60 an hour),
    and a visitor from another address still gets in (before: the venue's day bound, filled
    by the flood, refused everyone for the rest of the day)."""
    from tests.helpers import from_address

    assert app.config["SENDER_POSTS_PER_HOUR"] == 60
    browsers = [from_address(app, "203.0.113.5") for _ in range(40)]
    statuses = [rate(browser, mallis, "1").status_code for _ in range(5) for browser in browsers]
    assert statuses.count(302) == 60 and statuses.count(429) == 140 and len(rows(db)) == 60
    refused = rate(from_address(app, "203.0.113.5"), mallis, "5")
    assert refused.status_code == 429 and len(rows(db)) == 60
    assert "Inget sparades" in text(refused)
    assert rate(from_address(app, "198.51.100.9"), mallis, "5").status_code == 302


def test_nothing_a_visitor_writes_reaches_the_log(client, db, mallis, caplog):
    with caplog.at_level(logging.DEBUG):
        rate(client, mallis, "4")
        write(client, mallis, "Kalle var dum mot mig")
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /<slug>/feedback/text 302" in log and "Kalle" not in log


# --- the domain the staff pages will use ---------------------------------------------------------

def test_ratings_per_month_have_every_month_and_the_mean(db, mallis):
    for day, rating in (("2026-09-01", 5), ("2026-09-20", 3), ("2026-11-02", 1)):
        feedback.record_rating(db, venue_id=mallis["id"], day=dt.date.fromisoformat(day),
                               rating=rating)
    table = feedback.ratings(db, mallis["id"], dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    assert [(r["period"], r["count"], r["mean"]) for r in table] == [
        ("2026-09", 2, 4.0), ("2026-10", 0, None), ("2026-11", 1, 1.0)]
    assert table[0]["levels"] == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}


def test_ratings_per_week_and_day_and_per_activity(db, mallis):
    sy, yoga = activity_id(db, "Sygrupp"), activity_id(db, "Yoga")
    for day, rating, act in (("2025-12-29", 4, sy), ("2026-01-02", 2, yoga),
                             ("2026-01-02", 5, None), ("2026-01-05", 3, sy)):
        feedback.record_rating(db, venue_id=mallis["id"], day=dt.date.fromisoformat(day),
                               rating=rating, activity_id=act)
    weeks = feedback.ratings(db, mallis["id"], dt.date(2025, 12, 29), dt.date(2026, 1, 11),
                             "week")
    assert [(r["period"], r["count"]) for r in weeks] == [("2026-W01", 3), ("2026-W02", 1)]
    days = feedback.ratings(db, mallis["id"], dt.date(2026, 1, 2), dt.date(2026, 1, 2), "day")
    assert [(r["period"], r["count"], r["mean"]) for r in days] == [("2026-01-02", 2, 3.5)]
    per = feedback.ratings(db, mallis["id"], dt.date(2025, 12, 1), dt.date(2026, 1, 31),
                           "month", by_activity=True)
    assert [(r["period"], r["activity"], r["count"], r["mean"]) for r in per] == [
        ("2025-12", "Sygrupp", 1, 4.0), ("2026-01", "Sygrupp", 1, 3.0),
        ("2026-01", "Yoga", 1, 2.0), ("2026-01", None, 1, 5.0)]


def test_free_texts_newest_first_searchable_hideable_deletable(db, mallis):
    ids = []
    for day, words in (("2026-11-01", "Mer yoga tack"), ("2026-11-20", "100% bra fika"),
                       ("2026-11-10", "Yoga var lugnt")):
        fid = feedback.record_rating(db, venue_id=mallis["id"],
                                     day=dt.date.fromisoformat(day), rating=4)
        feedback.add_text(db, fid, words)
        ids.append(fid)
    assert [t["text"] for t in feedback.free_texts(db, mallis["id"])] == [
        "100% bra fika", "Yoga var lugnt", "Mer yoga tack"]
    assert [t["text"] for t in feedback.free_texts(db, mallis["id"], search="yoga")] == [
        "Yoga var lugnt", "Mer yoga tack"]
    assert [t["text"] for t in feedback.free_texts(db, mallis["id"], search="%")] == [
        "100% bra fika"]
    feedback.set_hidden(db, ids[0], user=SOMEONE)
    assert len(feedback.free_texts(db, mallis["id"], include_hidden=False)) == 2
    feedback.delete_text(db, ids[1], user=SOMEONE)
    assert [t["text"] for t in feedback.free_texts(db, mallis["id"])] == [
        "Yoga var lugnt", "Mer yoga tack"]
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3  # ratings stay
