"""The sheet "Era idéer – våra svar" for the wall: which ideas a month's sheet shows, in which
order and words, what changed because of them, and how staff write that down."""

import datetime as dt

import pytest

from checkin.feedback import idea_sheet, ideas
from tests.helpers import SOMEONE, activity_id, audit_lines, csrf_token, log_in, make_user, text

TODAY = dt.date(2026, 11, 23)
NOVEMBER = dt.date(2026, 11, 1)


def idea(db, venue, text, *, created=TODAY, status="new", answer_sv="", answer_en="",
         published=True, answered=None, **more):
    idea_id = ideas.suggest(db, venue_id=venue["id"], day=created, text=text)
    ideas.moderate(db, idea_id, status=status, answer_sv=answer_sv, answer_en=answer_en,
                   publish=published or None, day=answered, **more, user=SOMEONE)
    return idea_id


def texts(sheet):
    return [i["text"] for i in sheet["ideas"]]


# --- which ideas, in which order --------------------------------------------------------------

@pytest.mark.parametrize(("label", "first"), [
    ("2026-11", NOVEMBER), ("2026-01", dt.date(2026, 1, 1)), ("2026-13", None),
    ("2026-00", None), ("2026-1", None), ("26-11", None), ("", None), ("1999-12", None),
    ("2026-11-01", None), ("２０２６-11", None), (None, None)])
def test_a_month_is_written_like_2026_11(label, first):
    assert idea_sheet.parse_month(label) == first


def test_the_sheet_has_open_ideas_and_those_answered_this_month_in_its_order(db, mallis):
    idea(db, mallis, "Ny idé", status="new")
    idea(db, mallis, "Blir inte", status="not_possible", answer_sv="Det går inte, för att…",
         created=dt.date(2026, 10, 2), answered=dt.date(2026, 11, 3))
    idea(db, mallis, "Tittar", status="considering", created=dt.date(2026, 9, 1))
    idea(db, mallis, "Blir av", status="planned", created=dt.date(2026, 8, 1))
    idea(db, mallis, "Klar nu", status="done", created=dt.date(2026, 10, 1),
         answered=dt.date(2026, 11, 20))
    idea(db, mallis, "Klar förut", status="done", created=dt.date(2026, 9, 1),
         answered=dt.date(2026, 10, 20))
    idea(db, mallis, "Inte godkänd", published=False)
    rejected = idea(db, mallis, "Avslagen")
    ideas.moderate(db, rejected, reject=True, user=SOMEONE)
    idea(db, mallis, "Från december", created=dt.date(2026, 12, 1))
    sheet = idea_sheet.sheet(db, mallis["id"], NOVEMBER, TODAY)
    assert texts(sheet) == ["Klar nu", "Blir av", "Tittar", "Blir inte", "Ny idé"]
    assert sheet["more"] == 0
    october = idea_sheet.sheet(db, mallis["id"], dt.date(2026, 10, 1), TODAY)
    assert texts(october) == ["Klar förut", "Klar nu", "Blir av", "Tittar", "Blir inte"]


def test_more_votes_come_first_within_a_status(db, mallis):
    few = idea(db, mallis, "Få röster", status="planned")
    many = idea(db, mallis, "Många röster", status="planned")
    for n in range(3):
        ideas.vote(db, many, f"phone-{n}")
    ideas.vote(db, few, "phone-9")
    assert texts(idea_sheet.sheet(db, mallis["id"], NOVEMBER, TODAY)) == [
        "Många röster", "Få röster"]


def test_another_venues_ideas_are_not_on_the_sheet(db, mallis, victor):
    idea(db, victor, "Våfflor varje dag")
    assert texts(idea_sheet.sheet(db, mallis["id"], NOVEMBER, TODAY)) == []


def test_long_answers_are_cut_to_two_lines_and_what_does_not_fit_is_counted(db, mallis):
    for n in range(12):
        idea(db, mallis, f"Idé {n} " + "lång text " * 19, status="planned",
             answer_sv="Svar " + "med många ord " * 21, answer_en="Answer " + "word " * 58,
             change_sv="Ändrat " + "x" * 110, change_en="Changed " + "y" * 110)
    sheet = idea_sheet.sheet(db, mallis["id"], NOVEMBER, TODAY)
    assert 1 <= len(sheet["ideas"]) < 12 and sheet["more"] == 12 - len(sheet["ideas"])
    for shown in sheet["ideas"]:
        assert len(shown["answer_sv"]) <= idea_sheet.ANSWER_CHARS
        assert shown["answer_sv"].endswith("…") and shown["answer_en"].endswith("…")
        assert len(shown["text"]) <= idea_sheet.TEXT_CHARS


def test_a_linked_activity_says_when_it_is_next_on(db, mallis):
    club = activity_id(db, "Bostad Först Social Club")
    idea(db, mallis, "Bingo", status="planned", activity_id=club,
         change_sv="Bingo på Social Club.", change_en="Bingo at the Social Club.")
    [shown] = idea_sheet.sheet(db, mallis["id"], NOVEMBER, TODAY)["ideas"]
    assert shown["next"]["date"] == dt.date(2026, 11, 27)
    assert (shown["activity_name_sv"], shown["next"]["start"]) == (
        "Bostad Först Social Club", "13:00")


def test_an_activity_of_another_venue_cannot_be_linked(db, mallis, victor):
    idea_id = idea(db, mallis, "Gym")
    with pytest.raises(ideas.IdeaError):
        ideas.moderate(db, idea_id, activity_id=activity_id(db, "Gym", "victor"), user=SOMEONE)
    assert ideas.get_idea(db, idea_id)["activity_id"] is None


def test_an_answer_is_dated_the_day_it_changes_and_only_then(db, mallis):
    idea_id = idea(db, mallis, "Pingis")
    assert ideas.get_idea(db, idea_id)["answered_on"] is None
    ideas.moderate(db, idea_id, status="considering", day=dt.date(2026, 11, 20), user=SOMEONE)
    ideas.moderate(db, idea_id, status="considering", day=dt.date(2026, 11, 22), user=SOMEONE)
    assert ideas.get_idea(db, idea_id)["answered_on"] == "2026-11-20"
    ideas.moderate(db, idea_id, change_sv="Pingisbord köpt.", day=dt.date(2026, 11, 23),
                   user=SOMEONE)
    assert ideas.get_idea(db, idea_id)["answered_on"] == "2026-11-23"


# --- the staff pages ---------------------------------------------------------------------------

def save_idea(client, idea_id, **data):
    page = client.get("/staff/mallis/ideas")
    form = {"csrf_token": csrf_token(text(page)), "status": "planned", "answer_sv": "",
            "answer_en": "", "change_sv": "", "change_en": "", "activity": "",
            "action": "save", **data}
    return client.post(f"/staff/mallis/ideas/{idea_id}", data=form)


def test_staff_write_what_changed_and_link_the_activity(staff, db, mallis):
    idea_id = idea(db, mallis, "Bingo på fredagar")
    club = activity_id(db, "Bostad Först Social Club")
    response = save_idea(staff, idea_id, answer_sv="Vi börjar i januari.",
                         change_sv="Bingo varje fredag.", change_en="Bingo every Friday.",
                         activity=str(club))
    assert response.status_code == 302
    stored = ideas.get_idea(db, idea_id)
    assert (stored["change_sv"], stored["change_en"], stored["activity_id"],
            stored["answered_on"]) == ("Bingo varje fredag.", "Bingo every Friday.", club,
                                       "2026-11-23")
    assert audit_lines(db)[-1]["action"] == "idea answered"
    visitor = text(staff.get("/mallis/ideas"))
    assert "Det här ändrades:" in visitor and "Bingo varje fredag." in visitor


@pytest.mark.parametrize("data", [
    {"activity": "999"}, {"activity": "abc"}, {"change_sv": "x" * 121},
    {"change_en": "y" * 121}])
def test_bad_change_input_is_refused_and_nothing_stored(staff, db, mallis, victor, data):
    idea_id = idea(db, mallis, "Bingo")
    before = ideas.get_idea(db, idea_id)
    response = save_idea(staff, idea_id, **data)
    assert response.status_code == 400
    assert ideas.get_idea(db, idea_id) == before


def test_an_activity_of_another_venue_is_refused_on_the_page(staff, db, mallis, victor):
    idea_id = idea(db, mallis, "Gym")
    response = save_idea(staff, idea_id, activity=str(activity_id(db, "Gym", "victor")))
    assert response.status_code == 400
    assert ideas.get_idea(db, idea_id)["activity_id"] is None


def sheet_page(client, query=""):
    return client.get("/staff/mallis/ideas/sheet" + query)


def test_the_sheet_in_swedish_has_the_statuses_answers_and_changes(staff, db, mallis):
    club = activity_id(db, "Bostad Först Social Club")
    idea(db, mallis, "Bingo på fredagar", status="planned", answer_sv="Vi börjar i januari.",
         activity_id=club, change_sv="Bingo varje fredag.")
    idea(db, mallis, "Mer matlagning", status="considering")
    idea(db, mallis, "Hundar", status="not_possible", answer_sv="Flera är allergiska.",
         answered=TODAY)
    idea(db, mallis, "Fotografiska", status="done", answered=TODAY)
    idea(db, mallis, "Filmkväll")
    idea(db, mallis, "Hemlig idé med ett namn", published=False)
    response = sheet_page(staff)
    assert response.status_code == 200
    page = text(response)
    assert "Era idéer – våra svar" in page and "Mallis · november 2026" in page
    for word in ("Ny", "Vi tittar på den", "Blir av", "Blir inte av – och varför", "Klar"):
        assert f">{word}</span>" in page
    assert "Vårt svar:</strong> Vi börjar i januari." in page
    assert "Bingo varje fredag. · Nästa gång: Bostad Först Social Club, fredag 27 november" \
        " kl. 13–16" in page
    assert "Hemlig idé" not in page
    assert "Har du en idé?" in page and "127.0.0.1:5000/mallis/ideas" in page
    assert page.index("Fotografiska") < page.index("Bingo") < page.index("Mer matlagning") \
        < page.index("Hundar") < page.index("Filmkväll")


def test_the_sheet_in_english_keeps_the_staff_pages_language(staff, db, mallis):
    idea(db, mallis, "Bingo på fredagar", status="planned", answer_sv="Vi börjar i januari.",
         answer_en="We start in January.")
    page = text(sheet_page(staff, "?month=2026-11&lang=en"))
    assert "Your ideas – our answers" in page and "Mallis · November 2026" in page
    assert ">It will happen</span>" in page and "We start in January." in page
    assert 'lang="en"' in page and "Logga ut" in page  # the staff frame stays Swedish
    assert "Arket på svenska" in page


@pytest.mark.parametrize("query", ["?month=2026-13", "?month=nov", "?lang=de",
                                   "?month=2026-11&lang=", "?month=99999-01"])
def test_a_bad_month_or_language_says_how_to_write_it(staff, mallis, query):
    response = sheet_page(staff, query)
    assert response.status_code == 400
    assert "Välj en månad skriven som 2026-11" in text(response)
    assert "Era idéer – våra svar</h2>" not in text(response)


def test_an_empty_month_says_so_kindly(staff, mallis):
    page = text(sheet_page(staff, "?month=2025-01"))
    assert "Inga idéer den här månaden än." in page and "januari 2025" in page


def test_only_staff_of_the_venue_print_the_sheet(app, db, client, mallis, victor):
    make_user(db, "vera", "viewer")
    log_in(client, "vera")
    assert sheet_page(client).status_code == 403
    make_user(db, "gustav", "staff", venue_ids=[victor["id"]])
    other = app.test_client()
    log_in(other, "gustav")
    assert sheet_page(other).status_code == 403
    assert app.test_client().get("/staff/mallis/ideas/sheet").status_code == 302


def test_the_ideas_page_links_to_the_sheet(staff, mallis):
    page = text(staff.get("/staff/mallis/ideas"))
    assert "Skriv ut ”Era idéer – våra svar” för väggen" in page
    assert "/staff/mallis/ideas/sheet" in page
