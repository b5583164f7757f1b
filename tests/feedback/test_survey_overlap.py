"""A second survey cannot silently replace the open one: overlapping days are refused with a
message that names it; answers are checked in one place, surveys.record_response."""

import datetime as dt

import pytest

from checkin.feedback import surveys
from tests.helpers import NEW_SURVEY, audit_lines, post_form, run, text

TODAY = dt.date(2026, 11, 23)
QUESTION = [{"text_sv": "Behöver du mer stöd med ensamhet?", "kind": "choice"}]


@pytest.fixture
def yearly(db, mallis):
    """The yearly user survey the report relies on, open all of November and December."""
    return surveys.create_survey(db, venue_id=mallis["id"], title_sv="Årets brukarenkät",
                                 title_en="This year's user survey", opens=dt.date(2026, 11, 1),
                                 closes=dt.date(2026, 12, 31), questions=QUESTION, user=None)


def count(db):
    return db.execute("SELECT count(*) FROM survey").fetchone()[0]


def test_julenkat_over_the_yearly_survey_is_refused_naming_it(db, staff, client, yearly):
    # Before: "Julenkät" was stored and the survey page showed only it.
    julenkat = {**NEW_SURVEY, "title_sv": "Julenkät", "opens": "2026-12-01",
                "closes": "2026-12-24"}
    response = post_form(staff, "/staff/mallis/surveys", julenkat)
    assert response.status_code == 409
    assert ("Inget sparades. Enkäten ”Årets brukarenkät” är öppen 2026-11-01 till "
            "2026-12-31") in text(response)
    assert count(db) == 1 and db.execute("SELECT count(*) FROM survey_question"
                                         ).fetchone()[0] == 1
    assert audit_lines(db) == []
    assert "Årets brukarenkät" in text(client.get("/mallis/survey"))
    staff.set_cookie("lang", "en")
    english = text(post_form(staff, "/staff/mallis/surveys", julenkat))
    assert ("The survey “Årets brukarenkät” is open 2026-11-01 to 2026-12-31, and visitors see "
            "only one survey at a time") in english
    after = post_form(staff, "/staff/mallis/surveys", {**julenkat, "opens": "2027-01-01",
                                                       "closes": "2027-01-06"})
    assert after.status_code == 302 and count(db) == 2


def test_moving_a_later_survey_onto_the_open_one_is_refused(db, staff, mallis, yearly):
    later = surveys.create_survey(db, venue_id=mallis["id"], title_sv="Vårenkät",
                                  opens=dt.date(2027, 3, 1), closes=dt.date(2027, 3, 31),
                                  questions=QUESTION, user=None)
    url = f"/staff/mallis/surveys/{later}"
    response = post_form(staff, url, {"title_sv": "Vårenkät", "opens": "2026-12-20",
                                      "closes": "2027-03-31"})
    assert response.status_code == 409 and "”Årets brukarenkät”" in text(response)
    assert surveys.get_survey(db, later)["opens"] == "2027-03-01"
    assert [line["action"] for line in audit_lines(db)] == []


def test_closing_early_always_works_even_where_surveys_overlapped_before(db, staff, mallis,
                                                                         yearly):
    with db.conn:  # made before this rule: two surveys open on the same days
        older = db.conn.execute(
            "INSERT INTO survey (venue_id, title_sv, opens, closes) "
            "VALUES (?, 'Gammal', '2026-11-10', '2026-11-30')", [mallis["id"]]).lastrowid
        db.conn.execute("INSERT INTO survey_question (survey_id, position, text_sv, kind, "
                        "options) VALUES (?, 1, 'Fråga', 'choice', '[]')", [older])
    url = f"/staff/mallis/surveys/{older}"
    response = post_form(staff, url + "/close", {}, page_url=url)
    assert response.status_code == 302
    assert surveys.get_survey(db, older)["closes"] == "2026-11-22"
    widened = post_form(staff, url, {"title_sv": "Gammal", "opens": "2026-11-10",
                                     "closes": "2026-11-25"})
    assert widened.status_code == 409  # the days it would gain are the yearly survey's


def test_the_domain_and_the_command_line_refuse_an_overlap(app, db, mallis, yearly, tmp_path):
    with pytest.raises(surveys.SurveysOverlap) as refused:
        surveys.create_survey(db, venue_id=mallis["id"], title_sv="Julenkät",
                              opens=dt.date(2026, 12, 24), closes=dt.date(2027, 1, 6),
                              questions=QUESTION, user=None)
    assert refused.value.other["title_sv"] == "Årets brukarenkät"
    toml = tmp_path / "jul.toml"
    toml.write_text('title_sv = "Julenkät"\nopens = 2026-12-01\ncloses = 2026-12-24\n'
                    '[[questions]]\ntext_sv = "Trivs du?"\n', encoding="utf-8")
    result = run(app, "survey", "load", str(toml))
    assert result.exit_code != 0 and "'Årets brukarenkät' (#1) is open" in result.output
    assert count(db) == 1


def test_another_venue_may_have_its_own_survey_on_the_same_days(db, mallis, victor, yearly):
    surveys.create_survey(db, venue_id=victor["id"], title_sv="Victors enkät",
                          opens=dt.date(2026, 11, 1), closes=dt.date(2026, 12, 31),
                          questions=QUESTION, user=None)
    assert count(db) == 2


@pytest.mark.parametrize("answers, error", [
    ({}, surveys.NoAnswer),
    ({"qx": "yes"}, surveys.NotAnOption),
    ({9999: "yes"}, surveys.NotAnOption),
    ({"FIRST": "maybe"}, surveys.NotAnOption),
])
def test_answers_are_checked_in_surveys_py(db, yearly, answers, error):
    survey = surveys.get_survey(db, yearly)
    first = survey["questions"][0]["id"]
    answers = {first if key == "FIRST" else key: value for key, value in answers.items()}
    with pytest.raises(error):
        surveys.record_response(db, survey, TODAY, answers)
    with pytest.raises(surveys.SurveyClosed):
        surveys.record_response(db, survey, dt.date(2027, 1, 1), {first: "yes"})
    assert db.execute("SELECT count(*) FROM survey_response").fetchone()[0] == 0
