"""The meeting in the room (issue 27, items 1-4): questions one at a time, hands counted and
never who, undo and back, decisions that reach the ideas page, a headcount counted once as
tally visits, minutes on one page, and nothing finer than the hour stored."""

import datetime as dt
import re

import pytest

from checkin.feedback import ideas, meetings
from tests.helpers import SOMEONE, audit_lines, post_form, text

MONDAY = dt.date(2026, 11, 23)


def idea(db, venue, words, votes=0, status="new"):
    idea_id = ideas.suggest(db, venue_id=venue["id"], day=MONDAY, text=words)
    ideas.moderate(db, idea_id, publish=True, status=status, user=None)
    with db.conn:
        for n in range(votes):
            db.execute("INSERT INTO idea_vote (idea_id, voter_hash) VALUES (?, ?)",
                       [idea_id, f"h{n}"])
    return idea_id


def start(staff, name="Husmöte", **more):
    response = post_form(staff, "/staff/mallis/meetings", {"kind": name, "with_ideas": "y",
                                                          **more})
    assert response.status_code == 302, text(response)
    return int(response.location.rstrip("/").split("/")[-1])


def room(staff, meeting_id):
    return text(staff.get(f"/staff/mallis/meetings/{meeting_id}"))


def current(db, venue, meeting_id):
    return meetings.meeting(db, venue["id"], meeting_id)["question"]


def post(staff, meeting_id, what, data):
    return post_form(staff, f"/staff/mallis/meetings/{meeting_id}/{what}", data,
                     page_url=f"/staff/mallis/meetings/{meeting_id}")


def test_a_meeting_starts_with_the_idea_box_most_votes_first(staff, db, mallis):
    idea(db, mallis, "Bingo på fredagar", votes=2)
    idea(db, mallis, "Mer frukt", votes=7)
    idea(db, mallis, "Redan gjort", votes=9, status="done")  # decided for good: not asked
    meeting_id = start(staff)
    found = meetings.meeting(db, mallis["id"], meeting_id)
    assert [q["text"] for q in found["questions"]] == ["Mer frukt", "Bingo på fredagar"]
    page = room(staff, meeting_id)
    assert "Mer frukt" in page and "Fråga 1 av 2" in page and "7 röster" in page
    assert "Från idélådan" in page
    assert audit_lines(db)[-1]["action"] == "meeting started"


def test_hands_stepped_and_typed_undone_and_back_to_an_earlier_question(staff, db, mallis):
    idea(db, mallis, "Mer frukt", votes=3)
    idea(db, mallis, "Bingo", votes=1)
    meeting_id = start(staff)
    first = current(db, mallis, meeting_id)
    for step in ("votes_for:1", "votes_for:1", "votes_against:1", "votes_for:-1"):
        assert post(staff, meeting_id, "hands", {"question": first["id"], "step": step}
                    ).status_code == 302
    counted = current(db, mallis, meeting_id)
    assert (counted["votes_for"], counted["votes_against"], counted["votes_unsure"]) == (1, 1, 0)
    typed = post(staff, meeting_id, "hands", {"question": first["id"], "votes_for": "12",
                                              "votes_against": "3", "votes_unsure": "2"})
    assert typed.status_code == 302
    counted = current(db, mallis, meeting_id)
    assert (counted["votes_for"], counted["votes_against"], counted["votes_unsure"]) == (12, 3, 2)
    assert post(staff, meeting_id, "go", {"position": "1"}).status_code == 302
    assert current(db, mallis, meeting_id)["text"] == "Bingo"
    # Undo takes back the last change, on the first question, and shows that question again.
    assert post(staff, meeting_id, "undo", {}).status_code == 302
    counted = current(db, mallis, meeting_id)
    assert counted["text"] == "Mer frukt" and counted["votes_unsure"] == 0
    assert counted["votes_for"] == 12
    assert post(staff, meeting_id, "go", {"position": "0"}).status_code == 302
    page = room(staff, meeting_id)
    assert 'value="12"' in page and 'value="3"' in page


@pytest.mark.parametrize("data", [
    {"votes_for": "501"}, {"votes_for": "-1"}, {"votes_for": "tolv"},
    {"step": "votes_for:5"}, {"step": "name:1"}])
def test_bad_hands_are_refused_and_nothing_is_counted(staff, db, mallis, data):
    idea(db, mallis, "Mer frukt")
    meeting_id = start(staff)
    question = current(db, mallis, meeting_id)
    response = post(staff, meeting_id, "hands", {"question": question["id"], **data})
    assert response.status_code == 400
    after = current(db, mallis, meeting_id)
    assert (after["votes_for"], after["votes_against"], after["votes_unsure"]) == (0, 0, 0)
    assert db.execute("SELECT count(*) FROM meeting_step").fetchone()[0] == 0


def test_a_proposal_from_the_room_comes_next_and_becomes_an_idea_with_its_answer(
        staff, db, mallis, client):
    idea(db, mallis, "Mer frukt", votes=1)
    idea(db, mallis, "Bingo")
    meeting_id = start(staff)
    response = post(staff, meeting_id, "questions", {"kind": "proposal",
                                                     "text": "Sygrupp på tisdagar i vår"})
    assert response.status_code == 302
    assert [q["text"] for q in meetings.meeting(db, mallis["id"], meeting_id)["questions"]] == [
        "Mer frukt", "Sygrupp på tisdagar i vår", "Bingo"]
    post(staff, meeting_id, "go", {"position": "1"})
    proposal = current(db, mallis, meeting_id)
    response = post(staff, meeting_id, "decide", {
        "question": proposal["id"], "status": "planned", "answer": "Från februari, kl. 13–15."})
    assert response.status_code == 302
    made = db.execute("SELECT * FROM idea WHERE meeting_id = ?", [meeting_id]).fetchone()
    assert (made["text"], made["status"], made["answer_sv"], made["published"]) == (
        "Sygrupp på tisdagar i vår", "planned", "Från februari, kl. 13–15.", 1)
    page = text(client.get("/mallis/ideas"))
    assert "Sygrupp på tisdagar i vår" in page and "Från februari, kl. 13–15." in page


def test_an_idea_decided_in_the_room_shows_its_status_and_answer_to_visitors(
        staff, db, mallis, client):
    idea_id = idea(db, mallis, "Mer frukt", votes=4)
    meeting_id = start(staff)
    question = current(db, mallis, meeting_id)
    refused = post(staff, meeting_id, "decide", {"question": question["id"],
                                                 "status": "not_possible", "answer": ""})
    assert refused.status_code == 400 and "Säg varför" in text(refused)
    assert ideas.get_idea(db, idea_id)["status"] == "new"
    post(staff, meeting_id, "decide", {"question": question["id"], "status": "done",
                                       "answer": "Frukt varje dag från måndag."})
    assert ideas.get_idea(db, idea_id)["status"] == "done"
    assert "Frukt varje dag från måndag." in text(client.get("/mallis/ideas"))


def test_the_headcount_is_counted_once_as_tally_visits_of_the_meeting(staff, db, mallis):
    meeting_id = start(staff)
    activity = db.execute("SELECT activity_id FROM meeting WHERE id = ?",
                          [meeting_id]).fetchone()[0]

    def tallied():
        return db.execute("SELECT count(*) FROM visit WHERE activity_id = ? AND source = "
                          "'tally' AND date = '2026-11-23'", [activity]).fetchone()[0]

    assert post(staff, meeting_id, "attended", {"attended": "15"}).status_code == 302
    assert tallied() == 15
    assert post(staff, meeting_id, "attended", {"attended": "15"}).status_code == 302
    assert tallied() == 15  # typed again: never twice
    assert post(staff, meeting_id, "attended", {"attended": "12"}).status_code == 302
    assert tallied() == 12
    for bad in ("-3", "501", "femton", ""):
        assert post(staff, meeting_id, "attended", {"attended": bad}).status_code == 400
    assert tallied() == 12
    name = db.execute("SELECT name_sv, counted FROM activity WHERE id = ?", [activity]
                      ).fetchone()
    assert tuple(name) == ("Husmöte", 1)


def test_closing_asks_first_then_keeps_the_minutes_as_they_are(staff, db, mallis):
    idea(db, mallis, "Mer frukt")
    meeting_id = start(staff, "other", other_name="Framtidsverkstad vinter")
    question = current(db, mallis, meeting_id)
    post(staff, meeting_id, "hands", {"question": question["id"], "votes_for": "9",
                                      "votes_against": "2", "votes_unsure": "1"})
    post(staff, meeting_id, "decide", {"question": question["id"], "status": "planned",
                                       "answer": "I januari."})
    asked = staff.get(f"/staff/mallis/meetings/{meeting_id}/close")
    assert asked.status_code == 200 and "Avsluta mötet?" in text(asked)
    assert not db.execute("SELECT closed FROM meeting").fetchone()[0]  # asking changed nothing
    response = post_form(staff, f"/staff/mallis/meetings/{meeting_id}/close",
                         {"next_steps": "Anna frågar om lokalen."})
    assert response.status_code == 302
    minutes = text(staff.get(f"/staff/mallis/meetings/{meeting_id}/minutes"))
    assert "Protokoll, Framtidsverkstad vinter, måndag 23 november 2026" in minutes
    assert "Mer frukt" in minutes and "Blir av" in minutes and "I januari." in minutes
    assert re.search(r"<td>9</td><td>2</td><td>1</td>", minutes)
    assert "Anna frågar om lokalen." in minutes
    late = post_form(staff, f"/staff/mallis/meetings/{meeting_id}/hands",
                     {"question": question["id"], "step": "votes_for:1"},
                     page_url=f"/staff/mallis/meetings/{meeting_id}/minutes")
    assert late.status_code == 409 and "Mötet är avslutat" in text(late)
    assert current(db, mallis, meeting_id)["votes_for"] == 9  # closed: nothing changes
    staff.get("/lang/en")
    english = text(staff.get(f"/staff/mallis/meetings/{meeting_id}/minutes"))
    assert "Minutes, Framtidsverkstad vinter, Monday 23 November 2026" in english


def test_bad_starts_and_other_venues_meetings(staff, db, mallis, victor):
    before = db.execute("SELECT count(*) FROM meeting").fetchone()[0]
    for data in ({"kind": "other", "other_name": ""}, {"kind": "other", "other_name": "x" * 61},
                 {"kind": "Fest"}):
        assert post_form(staff, "/staff/mallis/meetings", data).status_code == 400
    assert db.execute("SELECT count(*) FROM meeting").fetchone()[0] == before
    other = meetings.start(db, victor["id"], "Husmöte", day=MONDAY, hour=10, user=SOMEONE)
    assert staff.get(f"/staff/mallis/meetings/{other}").status_code == 404


def test_no_meeting_table_keeps_anything_finer_than_the_hour_or_about_a_person(staff, db,
                                                                                 mallis):
    idea(db, mallis, "Mer frukt")
    meeting_id = start(staff)
    question = current(db, mallis, meeting_id)
    post(staff, meeting_id, "hands", {"question": question["id"], "step": "votes_for:1"})
    post(staff, meeting_id, "attended", {"attended": "7"})
    columns = {table: [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
               for table in ("meeting", "meeting_question", "meeting_step")}
    for table, names in columns.items():
        for name in names:
            assert not re.search(r"time|_at$|minute|second|user|name_of|phone|hash|ip",
                                 name), (table, name)
    for table in columns:
        for row in db.execute(f"SELECT * FROM {table}"):
            for value in row:
                assert not re.search(r"\d{1,2}:\d{2}", str(value)), (table, value)
    assert db.execute("SELECT hour FROM meeting").fetchone()[0] == 10


def test_the_wall_screen_shows_the_question_and_the_hands_during_a_meeting(app, db, client,
                                                                            mallis):
    from checkin.week import screen_tokens
    from tests.helpers import log_in, make_user

    make_user(db, "anna", "staff")
    log_in(client, "anna")
    _screen_id, token = screen_tokens.create_screen(db, mallis["id"], label="Väggen", lang="sv",
                                                    user=SOMEONE, day=MONDAY)
    screen = app.test_client()
    screen.set_cookie(screen_tokens.SCREEN_COOKIE, token, path="/mallis/screen")
    assert "Nu" in text(screen.get("/mallis/screen"))  # no meeting: now and next
    idea(db, mallis, "Mer frukt", votes=2)
    meeting_id = start(client)
    question = current(db, mallis, meeting_id)
    post(client, meeting_id, "hands", {"question": question["id"], "votes_for": "8",
                                       "votes_against": "1", "votes_unsure": "0"})
    page = text(screen.get("/mallis/screen"))
    assert "Mer frukt" in page and '<span class="count">8</span>' in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "Vi räknar händer, inte namn." in page and "anna" not in page


def test_participation_in_the_dashboard_and_the_yearly_report(staff, db, mallis):
    idea(db, mallis, "Mer frukt", votes=2)
    meeting_id = start(staff)
    question = current(db, mallis, meeting_id)
    post(staff, meeting_id, "decide", {"question": question["id"], "status": "done",
                                       "answer": "Frukt varje dag."})
    post(staff, meeting_id, "questions", {"kind": "proposal", "text": "Bingo"})
    post(staff, meeting_id, "attended", {"attended": "14"})
    board = text(staff.get("/staff/mallis/figures"))
    assert "Delaktighet" in board
    assert "1 möte i rummet" in board and "14 kom sammanlagt" in board
    assert "2 förslag och idéer togs upp i rummet" in board and "1 blev schema" in board
    report = text(staff.get("/staff/mallis/report/2026"))
    assert "Delaktighet" in report and "14 kom sammanlagt" in report
    published = text(staff.get("/staff/mallis/report/2025?version=published"))
    assert "14 kom" not in published


def test_a_proposal_decided_in_the_room_says_where_it_came_from_on_the_ideas_page(
        staff, db, mallis, client):
    meeting_id = start(staff)
    post(staff, meeting_id, "questions", {"kind": "proposal", "text": "Pingisbord i caféet"})
    proposal = current(db, mallis, meeting_id)
    post(staff, meeting_id, "decide", {"question": proposal["id"], "status": "planned",
                                       "answer": "Vi köper ett i januari."})
    page = text(client.get("/mallis/ideas"))
    assert "Pingisbord i caféet" in page
    assert "Föreslogs på mötet Husmöte, måndag 23 november" in page
    client.get("/lang/en")
    assert "Proposed at the meeting Husmöte, Monday 23 November" in text(
        client.get("/mallis/ideas"))


def test_deciding_an_idea_in_the_room_copies_no_visitors_words_into_the_audit_log(
        staff, db, mallis):
    """README and features.md: an audit line never copies what a visitor wrote. Before, the
    decision's line carried the question's text, which for an idea is the visitor's own
    words (kept 24 months, after the idea itself may be gone)."""
    words = "Anna Qvarnström vill ha bingo"
    idea(db, mallis, words, votes=1)
    meeting_id = start(staff)
    question = current(db, mallis, meeting_id)
    assert question["text"] == words
    assert post(staff, meeting_id, "decide", {"question": question["id"], "status": "planned",
                                              "answer": "Vi börjar i januari."}
                ).status_code == 302
    lines = [tuple(r) for r in db.execute("SELECT action, detail, facts FROM audit_log")]
    assert "meeting decided" in [line[0] for line in lines]
    assert not any("Qvarnström" in str(value) for line in lines for value in line), lines
    assert "Anna Qvarnström" not in text(staff.get("/staff/audit"))
