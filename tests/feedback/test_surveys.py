"""The survey: staff's short questions, answered once per remembered phone, skipped in one tap."""

import datetime as dt
import json

import pytest

from checkin.feedback import surveys
from checkin.visits.routes import PHONE_COOKIE
from tests.helpers import csrf_token, hidden_fields, phone_code, run, text

PHONE = "p" * 32
TODAY = dt.date(2026, 11, 23)
QUESTIONS = [
    {"text_sv": "Behöver du mer stöd med ensamhet?", "text_en": "Do you need more support "
     "with loneliness?", "kind": "choice"},
    {"text_sv": "Hur trivs du här?", "kind": "scale"},
]


@pytest.fixture
def survey(db, mallis):
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Brukarenkät", title_en="User survey",
        opens=TODAY - dt.timedelta(days=10), closes=TODAY + dt.timedelta(days=10),
        questions=QUESTIONS, user=None)
    return surveys.get_survey(db, survey_id)


def q(survey, n):
    return f"q{survey['questions'][n]['id']}"


def responses(db):
    return [dict(r) for r in db.execute("SELECT * FROM survey_response ORDER BY id")]


def answers(db):
    return [tuple(r) for r in db.execute(
        "SELECT response_id, question_id, value FROM survey_answer ORDER BY 1, 2")]


def send(client, survey, **fields):
    """Fill in the survey page's form; where the page has none, post what a page gives."""
    page = text(client.get("/mallis/survey"))
    if 'name="once"' in page:
        data = hidden_fields(page)
    else:  # the session's token; the idea box always has a form
        data = {"csrf_token": csrf_token(text(client.get("/mallis/ideas")))}
    data.update({"survey": str(survey["id"]), **fields})
    return client.post("/mallis/survey", data=data)


def test_the_open_survey_is_shown_with_its_options_and_a_skip(client, survey):
    page = text(client.get("/mallis/survey"))
    assert "Brukarenkät" in page and "Behöver du mer stöd med ensamhet?" in page
    assert "Delvis" in page and f'name="{q(survey, 1)}" value="5"' in page
    assert "Hoppa över" in page and 'href="/mallis/"' in page
    client.get("/lang/en")
    page = text(client.get("/mallis/survey"))
    assert "User survey" in page and "with loneliness?" in page and "Partly" in page
    assert "Hur trivs du här?" in page  # no English text: Swedish beside


def test_no_open_survey_says_so(client, mallis):
    assert "Det finns ingen enkät just nu." in text(client.get("/mallis/survey"))


def test_an_answer_without_a_remembered_phone_keeps_no_hash_and_may_come_again(
        client, db, survey):
    for _ in range(2):
        response = send(client, survey, **{q(survey, 0): "yes", q(survey, 1): "4"})
        assert response.status_code == 302
    assert [(r["date"], r["from_remembered_phone"], r["respondent_hash"])
            for r in responses(db)] == [("2026-11-23", 0, None)] * 2
    assert len(answers(db)) == 4
    assert "Tack för dina svar!" in text(client.get("/mallis/feedback/thanks"))


def test_a_replayed_answer_is_stored_once(client, db, survey):
    page = text(client.get("/mallis/survey"))
    data = {**hidden_fields(page), q(survey, 0): "yes"}
    statuses = [client.post("/mallis/survey", data=data).status_code for _ in range(5)]
    assert statuses == [302, 409, 409, 409, 409] and len(responses(db)) == 1


def test_the_count_of_questions_is_said_in_words(client, db, survey):
    assert "Två korta frågor." in text(client.get("/mallis/survey"))
    client.get("/lang/en")
    assert "Two short questions." in text(client.get("/mallis/survey"))


def test_a_skipped_question_is_left_out(client, db, survey):
    send(client, survey, **{q(survey, 0): "no"})
    assert [a[2] for a in answers(db)] == ["no"]


def test_a_remembered_phone_answers_once(app, client, db, survey):
    client.set_cookie(PHONE_COOKIE, phone_code(app, PHONE))
    assert send(client, survey, **{q(survey, 0): "partly"}).status_code == 302
    stored = responses(db)[0]
    assert stored["from_remembered_phone"] == 1 and PHONE not in stored["respondent_hash"]
    page = text(client.get("/mallis/survey"))
    assert "Den här telefonen har redan svarat på enkäten" in page and "Skicka svaren" not in page
    response = send(client, survey, **{q(survey, 0): "yes"})
    assert response.status_code == 409 and len(responses(db)) == 1
    assert [a[2] for a in answers(db)] == ["partly"]


@pytest.mark.parametrize("fields,message", [
    ({}, "Du valde inget svar. Inget sparades."),
    ({"QUESTION0": "maybe"}, "Välj bland svaren som visas. Inget sparades."),
    ({"QUESTION0": "<script>alert(1)</script>"}, "Välj bland svaren som visas."),
    ({"QUESTION0": '=HYPERLINK("http://x")'}, "Välj bland svaren som visas."),
    ({"q9999": "yes"}, "Välj bland svaren som visas."),
    ({"qx": "yes"}, "Välj bland svaren som visas."),
    ({"QUESTION1": "6"}, "Välj bland svaren som visas."),
])
def test_a_bad_answer_is_refused_and_nothing_stored(client, db, survey, fields, message):
    fields = {k.replace("QUESTION0", q(survey, 0)).replace("QUESTION1", q(survey, 1)): v
              for k, v in fields.items()}
    response = send(client, survey, **fields)
    assert response.status_code == 400 and message in text(response)
    assert "<script>alert" not in text(response)
    assert responses(db) == [] and answers(db) == []


@pytest.mark.parametrize("survey_id", ["9999", "abc", ""])
def test_an_unknown_survey_is_refused(client, db, survey, survey_id):
    page = text(client.get("/mallis/survey"))
    response = client.post("/mallis/survey", data={
        "csrf_token": csrf_token(page), "survey": survey_id, q(survey, 0): "yes"})
    assert response.status_code == 404 and "Vi hittade inte enkäten" in text(response)
    assert responses(db) == []


def test_another_venues_survey_is_refused(client, db, survey, victor):
    other = surveys.create_survey(db, venue_id=victor["id"], title_sv="Victor", opens=TODAY,
                                  closes=TODAY, questions=QUESTIONS[:1], user=None)
    page = text(client.get("/mallis/survey"))
    response = client.post("/mallis/survey", data={"csrf_token": csrf_token(page),
                                                   "survey": str(other)})
    assert response.status_code == 404 and responses(db) == []


def test_a_flood_of_answers_stops_at_its_addresss_budget(app, db, survey):
    """Answers without a remembered phone may come again; browsers that keep their cookie get
    a minute budget each (before: all 60 stored). Their address's budget holds."""
    app.config["SENDER_POSTS_PER_HOUR"] = 20
    browsers = [app.test_client() for _ in range(20)]
    statuses = [send(browser, survey, **{q(survey, 1): "1"}).status_code
                for _ in range(3) for browser in browsers]
    assert statuses.count(302) == 20 and statuses.count(429) == 40 and len(responses(db)) == 20


def test_a_closed_survey_is_refused(app, client, db, survey):
    page = text(client.get("/mallis/survey"))
    app.config["FROZEN_NOW"] = "2026-12-24T10:00"  # the page was open; the survey closed since
    response = client.post("/mallis/survey", data={
        "csrf_token": csrf_token(page), "survey": str(survey["id"]), q(survey, 0): "yes"})
    assert response.status_code == 400 and "Enkäten är stängd" in text(response)
    assert responses(db) == []
    assert "Det finns ingen enkät just nu." in text(client.get("/mallis/survey"))


def test_a_survey_without_csrf_is_refused(client, db, survey):
    response = client.post("/mallis/survey", data={"survey": str(survey["id"]),
                                                   q(survey, 0): "yes"})
    assert response.status_code == 400 and responses(db) == []


# --- the domain the staff pages will use ---------------------------------------------------------

def test_results_count_and_share_each_answer_with_the_remembered_phones(db, survey):
    first, second = (qq["id"] for qq in survey["questions"])
    given = [("2026-11-14", "yes", "5", "a"), ("2026-11-15", "yes", None, None),
             ("2026-11-20", "no", "3", "b"), ("2026-11-23", "partly", "5", None)]
    for day, one, two, key in given:
        chosen = {first: one, **({second: two} if two else {})}
        surveys.record_response(db, survey, dt.date.fromisoformat(day), chosen,
                                key and k(key))
    [whole] = surveys.results(db, survey["id"])
    assert (whole["responses"], whole["from_remembered_phones"]) == (4, 2)
    one, two = whole["questions"]
    assert [(o["value"], o["count"], o["share"]) for o in one["options"]] == [
        ("yes", 2, 0.5), ("partly", 1, 0.25), ("no", 1, 0.25)]
    assert two["answered"] == 3
    assert [(o["value"], o["count"]) for o in two["options"]] == [
        ("1", 0), ("2", 0), ("3", 1), ("4", 0), ("5", 2)]
    assert two["options"][4]["share"] == 0.667
    weeks = surveys.results(db, survey["id"], "week")
    assert [(w["period"], w["responses"], w["from_remembered_phones"]) for w in weeks] == [
        ("2026-W46", 2, 1), ("2026-W47", 1, 1), ("2026-W48", 1, 0)]


def k(name):
    return name * 32


def test_the_same_phone_is_refused_by_the_domain_too(db, survey):
    first = survey["questions"][0]["id"]
    surveys.record_response(db, survey, TODAY, {first: "yes"}, k("a"))
    with pytest.raises(surveys.AlreadyAnswered):
        surveys.record_response(db, survey, TODAY, {first: "no"}, k("a"))
    surveys.record_response(db, survey, TODAY, {first: "no"}, k("b"))
    assert len(responses(db)) == 2


@pytest.mark.parametrize("change", [
    {"title_sv": ""}, {"questions": []}, {"closes": TODAY - dt.timedelta(days=30)},
    {"questions": [{"text_sv": "", "kind": "choice"}]},
    {"questions": [{"text_sv": "Fråga", "kind": "free text"}]},
    {"questions": [{"text_sv": "Fråga", "options": [{"value": "a", "sv": "A"},
                                                      {"value": "a", "sv": "B"}]}]},
])
def test_a_survey_that_does_not_fit_is_not_created(db, mallis, change):
    data = {"venue_id": mallis["id"], "title_sv": "T", "opens": TODAY, "closes": TODAY,
            "questions": QUESTIONS, **change}
    with pytest.raises(surveys.SurveyError):
        surveys.create_survey(db, **data, user=None)
    assert db.execute("SELECT count(*) FROM survey").fetchone()[0] == 0


def test_the_cli_loads_a_survey_from_toml_and_json_and_prints_results(app, db, mallis,
                                                                      tmp_path, client):
    toml = tmp_path / "enkat.toml"
    toml.write_text('title_sv = "Vårens enkät"\ntitle_en = "Spring survey"\n'
                    'opens = 2026-11-01\ncloses = 2026-11-30\n'
                    '[[questions]]\ntext_sv = "Trivs du?"\nkind = "scale"\n', encoding="utf-8")
    result = run(app, "survey", "load", str(toml))
    assert result.exit_code == 0, result.output
    assert "'Vårens enkät': 1 question(s), open 2026-11-01 to 2026-11-30" in result.output
    assert "Vårens enkät" in text(client.get("/mallis/survey"))
    js = tmp_path / "bad.json"
    js.write_text(json.dumps({"title_sv": "X", "opens": "2026-13-01", "closes": "2026-12-01",
                              "questions": QUESTIONS}))
    bad = run(app, "survey", "load", str(js))
    assert bad.exit_code != 0 and "dates like" in bad.output
    assert db.execute("SELECT count(*) FROM survey").fetchone()[0] == 1
    assert "0 response(s), 0 from remembered phones" in run(app, "survey", "results", "1").output


def test_the_demo_survey_has_about_a_third_and_a_fifth_yes_and_is_idempotent(app, db):
    run(app, "seed-demo")
    run(app, "seed-demo")
    assert db.execute("SELECT count(*) FROM survey").fetchone()[0] == 1
    [whole] = surveys.results(db, 1)
    yes = [qq["options"][0]["share"] for qq in whole["questions"]]
    assert yes == [0.333, 0.217] and whole["from_remembered_phones"] == 30
    assert "Behöver du mer stöd med ensamhet?" in whole["questions"][1]["text_sv"]
    assert db.execute("SELECT count(*) FROM idea").fetchone()[0] == 6
    assert db.execute("SELECT count(*) FROM idea WHERE published = 1").fetchone()[0] == 5


def test_the_survey_hash_cannot_be_joined_to_visits_or_other_surveys(app, client, db, survey,
                                                                      mallis):
    """The privacy page and features.md: a survey's code is made for that survey only, so it
    matches neither the phone's visits nor its answers to another survey."""
    from checkin.visits.phones import person_hash

    client.set_cookie(PHONE_COOKIE, phone_code(app, PHONE))
    assert send(client, survey, **{q(survey, 0): "partly"}).status_code == 302
    stored = responses(db)[0]["respondent_hash"]
    year = int(survey["opens"][:4])
    assert stored == surveys.respondent_hash(db, survey, PHONE)
    assert stored != person_hash(db, mallis["id"], PHONE, year)
    assert stored not in {surveys.respondent_hash(db, {**survey, "id": survey["id"] + n}, PHONE)
                          for n in range(1, 20)}
