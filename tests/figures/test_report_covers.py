"""A report says up to which day it counts: nothing planned after that day is 'held', the
month not yet over is marked in tables and charts, and its times are the venue's."""

import datetime as dt

import pytest

from checkin.figures import yearly_report
from tests.helpers import activity_id, csrf_token, insert, log_in, make_user, text

FIRST_DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def december(app, db, mallis):
    """The report is made on 1 December 2026 at 20:04 in Stockholm; a party on 5 December."""
    app.config["FROZEN_NOW"] = "2026-12-01T20:04"
    with db.conn:
        db.conn.execute("INSERT INTO event (venue_id, activity_id, date, start, \"end\") "
                        "VALUES (?, ?, '2026-12-05', '13:00', '16:00')",
                        [mallis["id"], activity_id(db, "Framtidsverkstad")])
    insert(db, mallis, [("2026-12-01", 10, "Digital verkstad", "man", "qr", "x"),
                        ("2025-12-03", 10, "Digital verkstad", "man", "qr", "y")])
    return mallis


def test_activities_held_stop_at_the_day_the_report_is_made(db, december):
    held = {a["activity"]: a["times"] for a in yearly_report.yearly_report(
        db, december["id"], 2026, today=FIRST_DECEMBER)["activities_held"]}
    # Before: every Wednesday of December (2 to 30) and the 5 December workshop counted.
    assert held["Digital verkstad"] == 47  # the Wednesdays up to 25 November
    assert held["Sygrupp"] == 48           # the Mondays up to 30 November
    assert "Framtidsverkstad" not in held and "Julfest" not in held  # 3, 5 and 18 December
    whole = {a["activity"]: a["times"] for a in yearly_report.yearly_report(
        db, december["id"], 2026, today=dt.date(2027, 1, 10))["activities_held"]}
    assert whole["Digital verkstad"] == 52 and whole["Sygrupp"] == 52


def test_the_report_says_what_it_covers_in_both_languages(db, december):
    sv = yearly_report.yearly_report(db, december["id"], 2026, today=FIRST_DECEMBER)
    en = yearly_report.yearly_report(db, december["id"], 2026, today=FIRST_DECEMBER,
                                     locale="en")
    assert sv["covers"] == "Uppgifterna gäller till och med 1 december 2026."
    assert en["covers"] == "Figures up to and including 1 December 2026."
    assert sv["incomplete_month"] == "2026-12"
    last_year = yearly_report.yearly_report(db, december["id"], 2025, today=FIRST_DECEMBER)
    assert last_year["covers"] == "Uppgifterna gäller till och med 31 december 2025."
    assert last_year["incomplete_month"] is None
    next_year = yearly_report.yearly_report(db, december["id"], 2027, today=FIRST_DECEMBER,
                                            locale="en")
    assert next_year["covers"] == "The year 2027 has not begun: there are no figures yet."
    assert next_year["activities_held"] == []


def test_a_month_that_ends_on_the_report_day_is_whole(db, mallis):
    report = yearly_report.yearly_report(db, mallis["id"], 2026, today=dt.date(2026, 11, 30))
    assert report["incomplete_month"] is None and report["until_month"] == "2026-11"


def test_the_report_page_marks_december_as_begun_and_prints_local_times(app, db, client,
                                                                        december):
    make_user(db, "anna", "staff")
    log_in(client, "anna")
    page = client.get("/staff/mallis/report/2026")
    html = text(page)
    assert "Uppgifterna gäller till och med 1 december 2026." in html
    assert '<th scope="row">december*</th>' in html
    assert "*: december är inte slut: det här är siffrorna till och med 1 december." in html
    assert "dec.*</text>" in html and 'class="bar series-0 incomplete"' in html
    assert html.count('class="bar series-0 incomplete"') == 1
    client.post("/staff/mallis/report/2026/narrative", data={
        "csrf_token": csrf_token(html), "text": "Ett bra år."})
    # The venue's clock (Stockholm, 20:04), whatever the server's own time zone is.
    # The venue's clock (Stockholm, 20:04), to the hour as every staff time, whatever the
    # server's own time zone is.
    assert "Skriven av anna, 1 december 2026 kl. 20." in text(
        client.get("/staff/mallis/report/2026"))
    client.set_cookie("lang", "en")
    html = text(client.get("/staff/mallis/report/2026"))
    assert "Figures up to and including 1 December 2026." in html
    assert "*: December is not over: these are its figures up to and including 1 December." in html
    assert "Written by anna, 1 December 2026, 8 pm." in html


def test_the_dashboard_marks_this_month_as_not_over(app, db, client, december):
    make_user(db, "anna", "staff")
    log_in(client, "anna")
    html = text(client.get("/staff/mallis/figures"))
    assert '<th scope="row">december 2026*</th>' in html
    assert "*: den här månaden är inte slut, siffrorna gäller till och med 1 december." in html
    assert html.count('class="bar series-0 incomplete"') == 1


def test_a_viewers_dashboard_ends_with_the_last_whole_month(app, db, client, december):
    make_user(db, "vera", "viewer")
    log_in(client, "vera")
    html = text(client.get("/staff/mallis/figures"))
    # (The extraction day, 1 December 2026, is in the published mark: no row for December.)
    assert '<th scope="row">november 2026</th>' in html
    assert '<th scope="row">december 2026' not in html
    assert "inte slut" not in html and 'incomplete' not in html
