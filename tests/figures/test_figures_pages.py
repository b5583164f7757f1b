"""The staff figures pages: dashboard, export download, yearly report, import of counts."""

import csv
import datetime as dt
import io
import re
import sys

import pytest
from openpyxl import load_workbook

from checkin.figures import yearly_report
from checkin.publishing.columns import COLUMNS
from checkin.web import heavy_work
from tests.helpers import (
    SOMEONE,
    WORKED,
    audit_lines,
    csrf_token,
    insert,
    log_in,
    make_user,
    post_form,
    text,
    visits,
)

TODAY = ("2026-11-23", 10, "Sygrupp", "woman", "qr", "x26")  # the frozen clock's Monday
EXPORT = "/staff/mallis/export"
GOOD = {"first": "2025-12-01", "last": "2026-02-28", "group": "year", "venue": "mallis",
        "min_cell": "3", "fmt": "csv", "download": "1", "anyway": "1"}


@pytest.fixture
def worked(db, mallis):
    insert(db, mallis, [*WORKED, TODAY])
    return mallis


@pytest.fixture
def viewer(app, db, client, mallis):
    make_user(db, "vera", "viewer")
    assert log_in(client, "vera").status_code == 302
    return client


def english(client):
    client.set_cookie("lang", "en")
    return client


def row(html, label, table=None):
    """The numbers of the table row headed `label` (in the table with id `table`)."""
    if table:
        html = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>((?:<td[^>]*>[^<]*</td>)+)', html)
    assert match, f"no row {label!r}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", match[1])


# --- dashboard ------------------------------------------------------------------------------

def test_dashboard_shows_today_week_month_months_and_busiest(staff, worked):
    response = staff.get("/staff/mallis/figures")
    html = text(response)
    assert response.status_code == 200
    assert "Siffror för Mallis" in html
    assert row(html, "Kvinnor")[:3] == ["1", "1", "1"]   # today, this week, this month
    assert row(html, "Totalt")[:3] == ["1", "1", "1"]
    assert row(html, "december 2025") == ["4", "1", "0"]        # visits, women, a year before
    assert row(html, "januari 2026") == ["6", "2", "0"]
    assert row(html, "februari 2026") == ["1", "0", "0"]
    busiest = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td></tr>',
                         html.split('id="busiest"')[1].split("</table>")[0])
    assert busiest == [("Sygrupp", "5"), ("Matlagningskurs", "4"), ("Yoga", "3")]
    assert "8 av 12 besök (67 %) kom från ihågkomna telefoner, 4 gjorde det inte" in html
    assert "<svg" in html and "<script" not in html and "style=" not in html


def test_dashboard_in_english(staff, worked):
    html = text(english(staff).get("/staff/mallis/figures"))
    assert "Figures for Mallis" in html and "Busiest activities" in html
    assert row(html, "December 2025") == ["4", "1", "0"]
    assert "8 of 12 visits (67 %) came from remembered phones" in html


# --- export ---------------------------------------------------------------------------------

def test_export_page_download_is_the_same_file_as_the_command(app, staff, worked):
    response = staff.get(EXPORT, query_string=GOOD)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="checkin-mallis-2025-12-01-2026-02-28-year.csv"' in (
        response.headers["Content-Disposition"])
    cli = app.test_cli_runner().invoke(args=[
        "export", "--from", "2025-12-01", "--to", "2026-02-28", "--group", "year",
        "--venue", "mallis", "--min-cell", "3"])
    assert cli.exit_code == 0
    assert response.data == cli.stdout_bytes
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("2025,mallis,,<3,<3,0,<3,4,<3,<3,0,0,<3,")


def test_export_by_activity_and_every_venue_match_the_command(app, staff, worked, victor):
    for extra, args in [({"by_activity": "y", "group": "month", "min_cell": "none"},
                         ["--group", "month", "--by-activity"]),
                        ({"venue": "all", "group": "week"},
                         ["--group", "week", "--min-cell", "3"])]:
        response = staff.get(EXPORT, query_string={**GOOD, **extra})
        command = ["export", "--from", "2025-12-01", "--to", "2026-02-28", *args]
        if extra.get("venue") != "all":
            command += ["--venue", "mallis"]
        assert response.status_code == 200
        assert response.data == app.test_cli_runner().invoke(args=command).stdout_bytes


def test_export_xlsx_is_in_swedish_with_a_sheet_that_explains(staff, worked):
    response = staff.get(EXPORT, query_string={**GOOD, "fmt": "xlsx", "group": "month"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-month.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Siffror", "Om siffrorna"]
    sheet = book["Siffror"]
    assert [c.value for c in sheet[1]][:8] == [
        "Period", "Verksamhet", "Aktivitet", "Besök kvinnor", "Besök män", "Besök annat",
        "Besök inget svar", "Besök totalt"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["2025-12", "2026-01",
                                                                     "2026-02"]
    assert sheet.cell(row=2, column=8).value == 4          # Besök totalt, a number
    assert sheet.cell(row=2, column=4).value == "<3"        # hidden: text
    about = [row[0] for row in book["Om siffrorna"].iter_rows(values_only=True)]
    assert about[0] == ("Internt: exakta siffror, bara för bruk inom organisationen. Får inte "
                        "publiceras. Uttagna 23 november 2026.")
    assert about[1] == "Besök och personer som nåtts, 2025-12-01 till 2026-02-28"
    assert "En rad per månad." in about and "Verksamhet: Mallis" in about
    assert any(line.startswith("Små tal är dolda") and "skrivs <3" in line for line in about)


def test_export_xlsx_in_english_for_an_english_page(staff, worked):
    response = english(staff).get(EXPORT, query_string={**GOOD, "fmt": "xlsx"})
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Figures", "About the figures"]
    assert [c.value for c in book["Figures"][1]][3:5] == ["Visits (women)", "Visits (men)"]


def test_the_csv_for_excel_opens_in_columns_with_swedish_headings(staff, worked):
    """Excel with Swedish settings splits a CSV at semicolons: every line gives every column."""
    response = staff.get(EXPORT, query_string={**GOOD, "fmt": "excel-csv", "group": "month"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel recognises
    body = response.data.decode("utf-8-sig")
    lines = body.splitlines()
    # The last column says what the file is, on every line (issue 23).
    assert all(len(line.split(";")) == len(COLUMNS) + 1 for line in lines)
    assert lines[1].split(";")[-1] == ("Internt: exakta siffror – bara för bruk inom "
                                       "organisationen. Får inte publiceras. Uttagna 23 "
                                       "november 2026.")
    assert all("," not in line for line in lines)  # nothing Excel in English would split
    assert lines[0].split(";")[:8] == [
        "Period", "Verksamhet", "Aktivitet", "Besök kvinnor", "Besök män", "Besök annat",
        "Besök inget svar", "Besök totalt"]
    assert lines[0].split(";")[-4:] == ["Anmärkning", "Första dagen", "Sista dagen",
                                        "Om siffrorna"]
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["2025-12", "2026-01", "2026-02"]
    assert rows[1][7] == "4" and rows[1][3] == "<3"


def test_a_table_mostly_hidden_is_not_downloaded_without_a_word(staff, worked):
    asked = {**GOOD, "group": "month", "by_activity": "y", "fmt": "xlsx"}
    del asked["anyway"]
    response = staff.get(EXPORT, query_string=asked)
    html = text(response).replace("&amp;", "&").replace("\u00a0", " ")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Ingenting har laddats ner än." in html
    assert re.search(r"\d+ % av talen i den här tabellen skulle döljas", html)
    assert "Ladda ner den här tabellen ändå" in html and "anyway=1" in html
    response = staff.get(EXPORT, query_string={**asked, "anyway": "1"})
    assert response.mimetype != "text/html" and "attachment" in (
        response.headers["Content-Disposition"])


def test_a_coarser_table_is_suggested_when_one_hides_less(staff, db, mallis):
    # Each day 1 to 2 women at Sygrupp: every day hidden, the month shown.
    rows = [(f"2026-03-{d:02d}", 10, "Sygrupp", "woman", "kiosk", None)
            for d in range(2, 28) for _ in range(1 + d % 2)]
    insert(db, mallis, rows)
    response = staff.get(EXPORT, query_string={
        "first": "2026-03-01", "last": "2026-03-31", "group": "day", "venue": "mallis",
        "min_cell": "3", "fmt": "xlsx", "show": "1"})
    html = text(response).replace("&amp;", "&").replace("\u00a0", " ")
    assert "Färre döljs med:" in html
    assert re.search(r'group=week[^"]*show=1[^>]*>en rad per vecka, alla aktiviteter', html)
    assert "(0 % dolda)" in html


def test_export_preview_shows_the_first_rows(staff, worked):
    response = staff.get(EXPORT, query_string={**GOOD, "download": "", "show": "1",
                                                "group": "month", "min_cell": "none"})
    html = text(response)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "De första raderna" in html and "Rader totalt: 3." in html
    assert "<td>2026-01</td><td>mallis</td><td></td><td>2</td><td>2</td><td>1</td>" in html


def test_export_page_opens_with_this_year_and_min_cell_three(staff, mallis):
    html = text(staff.get(EXPORT))
    assert 'value="2026-01-01"' in html and 'value="2026-11-23"' in html
    assert re.search(r'<option selected value="3">|<option value="3" selected>', html)
    assert "Ladda ner filen" in html


@pytest.mark.parametrize(("change", "message"), [
    ({"first": "2026-03-01", "last": "2026-01-01"}, "Sista dagen kommer före första dagen"),
    ({"first": "1 mars"}, "Skriv datumet som ÅÅÅÅ-MM-DD"),
    ({"last": "2026-02-30"}, "Skriv datumet som ÅÅÅÅ-MM-DD"),
    ({"group": "quarter"}, "Välj dag, vecka, månad eller år."),
    ({"min_cell": "1"}, "Välj ingen döljning, eller ett tal från 2 till 10."),
    ({"min_cell": "abc"}, "Välj ingen döljning, eller ett tal från 2 till 10."),
    ({"fmt": "pdf"}, "Välj Excel eller en av CSV-filerna."),
    ({"version": "secret"}, "Välj exakta eller publicerade siffror."),
    ({"venue": "nowhere"}, "Det finns ingen verksamhet som heter nowhere."),
])
def test_export_bad_input_shows_the_form_again_and_downloads_nothing(staff, worked, change,
                                                                     message):
    response = staff.get(EXPORT, query_string={**GOOD, **change})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    html = text(response)
    assert "Inget laddades ner." in html
    assert message in html.replace("&#34;", '"')


def test_export_of_a_venue_the_account_may_not_see_is_refused(app, db, client, worked, victor):
    make_user(db, "mona", "viewer", venue_ids=[worked["id"]])
    log_in(client, "mona")
    response = client.get(EXPORT, query_string={**GOOD, "venue": "victor"})
    assert response.status_code == 400
    assert "Ditt konto kan inte se siffrorna för Victor." in text(response)
    assert "Content-Disposition" not in response.headers
    assert client.get("/staff/victor/export").status_code == 403
    assert client.get("/staff/victor/figures").status_code == 403
    # "all venues" for her is Mallis alone
    response = client.get(EXPORT, query_string={**GOOD, "venue": "all", "first": "2025-01-01",
                                                "last": "2025-12-31"})
    assert response.status_code == 200
    assert {line.split(",")[1] for line in response.data.decode("utf-8-sig").splitlines()[1:]} == {
        "mallis"}


# --- the yearly report ----------------------------------------------------------------------

def test_report_shows_the_years_figures_in_swedish(staff, worked):
    response = staff.get("/staff/mallis/report/2026")
    html = text(response)
    assert response.status_code == 200
    assert "Årsrapport 2026" in html and "Så gick året" in html
    assert row(html, "Besök") == ["8", "4"]               # 2026, 2025
    assert row(html, "Personer som nåtts (minst)") == ["4", "&lt;3"]
    assert row(html, "januari", "visits-by-month")[:5] == ["&lt;3", "&lt;3", "&lt;3", "&lt;3", "6"]
    # The frozen clock's 23 November: November has not ended, December has not begun.
    assert row(html, "november*", "visits-by-month")[:5] == ["&lt;3", "0", "0", "0", "&lt;3"]
    assert row(html, "december", "visits-by-month") == ["–"] * 5
    assert "Uppgifterna gäller till och med 23 november 2026." in html
    assert "*: november är inte slut: det här är siffrorna till och med 23 november." in html
    assert "inte en uppskattning" in html
    assert "<svg" in html and "<script" not in html and "style=" not in html
    assert "Internt: exakta siffror, bara för bruk inom organisationen." in html
    assert 'id="published-mark"' not in html


def test_a_viewer_gets_the_published_report_of_an_ended_year_only(viewer, worked):
    """Issue 14: the city's report is perturbed, whole and finished; no count is 1 or 2."""
    html = text(viewer.get("/staff/mallis/report/2026"))
    assert "kan läsas när året är slut, från 1 januari 2027" in html
    assert 'id="compare"' not in html and "Internt" not in html
    assert viewer.get("/staff/mallis/report").location.endswith("/staff/mallis/report/2025")
    html = text(viewer.get("/staff/mallis/report/2025?version=exact"))
    assert 'id="published-mark"' in html and "Internt" not in html
    # Issue 23, item 3: the method and its parameters, the day extracted, how to cite.
    assert ("Publicerade siffror, ändrade lite med cell-key-metoden (D=2, V=1,5, inga 1 eller "
            "2). Uttagna 23 november 2026. Citera som: Mallis, siffror från checkin, publicerad "
            "version (cell-key-tabell 2026.1), uttagna 2026-11-23.") in html
    assert "varje summa är summan av sina publicerade delar" in html
    assert "Summor kan skilja sig" not in html
    assert "Små tal har ändrats lite slumpmässigt, på samma sätt varje gång, så att ingen " \
           "enskild besökare kan räknas fram. Samma metod använder SCB." in html
    assert "&lt;3" not in html and 'id="report-versions"' not in html
    # Published persons only for the whole year: no table of persons by month.
    assert 'id="persons-by-month"' not in html and 'id="persons-note"' in html
    for table in ("visits-by-month",):
        cells = re.findall(r'<td class="num">([^<]*)</td>',
                           html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0])
        assert cells and all(int(c) == 0 or int(c) >= 3 for c in cells), table
    assert 'id="narrative-form"' not in html               # a viewer reads, does not write


def test_staff_print_the_report_either_way(staff, worked):
    exact = text(staff.get("/staff/mallis/report/2025"))
    assert 'id="internal-mark"' in exact and "&lt;3" in exact
    published = text(staff.get("/staff/mallis/report/2025?version=published"))
    assert 'id="internal-mark"' not in published and 'id="published-mark"' in published
    assert "&lt;3" not in published and "Samma metod använder SCB." in published
    assert text(staff.get("/staff/mallis/report/2026?version=published")).count(
        "kan läsas när året är slut") == 1


def test_report_in_english(staff, worked):
    html = text(english(staff).get("/staff/mallis/report/2026"))
    assert "Yearly report 2026" in html and "How the year went" in html
    assert "persons reached is a floor, not an estimate" in html
    assert row(html, "Visits") == ["8", "4"]
    assert "Internal: exact figures, for use inside the organisation only." in html
    assert "Extracted 23 November 2026." in html


def test_the_published_report_in_english(viewer, worked):
    html = text(english(viewer).get("/staff/mallis/report/2025"))
    assert "Small numbers have been changed a little at random, the same way every time, so " \
           "that no single visitor can be worked out. Statistics Sweden (SCB) uses the same " \
           "method." in html
    assert ("Published figures, changed a little by the cell-key method (D=2, V=1.5, no 1 or "
            "2). Extracted 23 November 2026. Cite as: Mallis, figures from checkin, published "
            "version (cell-key table 2026.1), extracted 2026-11-23.") in html
    assert "every total is the sum of its published parts" in html
    html = text(viewer.get("/staff/mallis/report/2026"))
    assert "The published report for 2026 can be read when the year has ended" in html


@pytest.mark.parametrize("year", [0, 1, 2, 2024, 2027, 9999])
def test_a_report_year_outside_the_data_is_404_with_links_to_the_years(viewer, worked, year):
    response = viewer.get(f"/staff/mallis/report/{year}")
    html = text(response)
    assert response.status_code == 404
    assert f"Ingen rapport för {year}" in html
    assert re.findall(r'href="/staff/mallis/report/(\d+)"', html) == ["2026", "2025"]


def test_the_report_links_only_to_years_that_have_one(viewer, worked):
    html = text(viewer.get("/staff/mallis/report/2025"))
    assert 'href="/staff/mallis/report/2026"' in html
    assert 'href="/staff/mallis/report/2024"' not in html
    html = text(viewer.get("/staff/mallis/report/2026"))
    assert 'href="/staff/mallis/report/2027"' not in html


def test_staff_saves_the_narrative_with_an_audit_line(db, staff, worked):
    page = staff.get("/staff/mallis/report/2026")
    response = staff.post("/staff/mallis/report/2026/narrative", data={
        "csrf_token": csrf_token(text(page)), "text": "Ett bra år.\n\nVi lagade mat."})
    assert response.status_code == 302
    saved = yearly_report.get_narrative(db, worked["id"], 2026)
    assert (saved["text"], saved["updated_by"]) == ("Ett bra år.\n\nVi lagade mat.", "anna")
    assert audit_lines(db)[-1]["action"] == "report text saved"
    html = text(staff.get("/staff/mallis/report/2026"))
    assert "<p>Ett bra år.</p><p>Vi lagade mat.</p>" in html and "Texten är sparad." in html
    local = dt.datetime.fromisoformat(saved["updated_at"])  # kept in the venue's time
    clock = f"{local.hour}.{local.minute:02d}" if local.minute else f"{local.hour}"
    assert re.search(rf"Skriven av anna, {local.day} \w+ {local.year} kl\. {clock}\.</p>",
                     html)


def test_a_narrative_whose_audit_line_fails_is_not_saved(db, staff, worked, monkeypatch):
    # The line was written after the text was saved: with the log failing, the text the
    # yearly report prints changed with no line saying who.
    from checkin.accounts import audit

    page = text(staff.get("/staff/mallis/report/2026"))
    lines = len(audit_lines(db))

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    with pytest.raises(RuntimeError):
        staff.post("/staff/mallis/report/2026/narrative",
                   data={"csrf_token": csrf_token(page), "text": "Ett bra år."})
    assert yearly_report.get_narrative(db, worked["id"], 2026)["text"] == ""
    assert len(audit_lines(db)) == lines
    monkeypatch.undo()
    assert staff.post("/staff/mallis/report/2026/narrative", data={
        "csrf_token": csrf_token(page), "text": "Ett bra år."}).status_code == 302
    assert yearly_report.get_narrative(db, worked["id"], 2026)["text"] == "Ett bra år."
    assert [(a["action"], a["detail"], a["venue_id"]) for a in audit_lines(db)[lines:]] == [
        ("report text saved", "2026: 11 characters", worked["id"])]


def test_a_too_long_narrative_is_refused_and_nothing_saved(db, staff, worked):
    page = staff.get("/staff/mallis/report/2026")
    response = staff.post("/staff/mallis/report/2026/narrative", data={
        "csrf_token": csrf_token(text(page)), "text": "x" * 10001})
    assert response.status_code == 400
    assert "Texten får vara högst 10000 tecken." in text(response)
    assert yearly_report.get_narrative(db, worked["id"], 2026)["text"] == ""
    assert not [a for a in audit_lines(db) if a["action"] == "report text saved"]


def test_a_narrative_without_csrf_token_is_refused(db, staff, worked):
    response = staff.post("/staff/mallis/report/2026/narrative", data={"text": "Hej"})
    assert response.status_code == 400
    assert yearly_report.get_narrative(db, worked["id"], 2026)["text"] == ""


def test_a_viewer_cannot_save_the_narrative(db, viewer, worked):
    page = viewer.get(EXPORT)
    token = csrf_token(text(viewer.get("/staff/password"))) if page else None
    response = viewer.post("/staff/mallis/report/2026/narrative",
                           data={"csrf_token": token, "text": "Hej"})
    assert response.status_code == 403
    assert yearly_report.get_narrative(db, worked["id"], 2026)["text"] == ""


def test_report_shows_ratings_and_survey_results(db, staff, worked):
    import datetime as dt

    from checkin.feedback import smileys as feedback
    from checkin.feedback import surveys

    for day, rating in [("2026-03-02", 5), ("2026-03-03", 4), ("2026-03-04", 3),
                        ("2026-04-01", 1)]:
        feedback.record_rating(db, venue_id=worked["id"], day=dt.date.fromisoformat(day),
                               rating=rating)
    survey_id = surveys.create_survey(
        db, venue_id=worked["id"], title_sv="Enkäten", title_en="The survey",
        opens=dt.date(2026, 10, 1), closes=dt.date(2026, 10, 31),
        questions=[{"text_sv": "Behöver du mer stöd?", "text_en": "More support?",
                    "kind": "choice"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    question = survey["questions"][0]["id"]
    for value in ["yes"] * 4 + ["no"] * 5 + ["partly"]:
        surveys.record_response(db, survey, dt.date(2026, 10, 5), {question: value})
    html = text(staff.get("/staff/mallis/report/2026"))
    assert row(html, "mars", "ratings") == ["3", "4,0"]  # a Swedish decimal comma
    assert row(html, "april", "ratings") == ["&lt;3", "–"]             # one rating: no mean
    assert row(html, "Hela året", "ratings")[-2:] == ["4", "3,2"]
    assert "Enkät: Enkäten" in html and "Behöver du mer stöd?" in html
    assert "10 svarade" in html
    assert row(html, "Nej") == ["5", "50 %"]
    assert row(html, "Delvis") == ["&lt;3", ""]           # small: hidden
    assert row(html, "Ja") == ["..", ""]                  # hidden so 10 − 5 − 4 gives nothing


# --- import of counts kept before -----------------------------------------------------------

CSV = "date,activity,women,men,other,unstated\n2025-03-03,Sygrupp,2,3,0,1\n2025-03-04,,1,0,0,0\n"


def upload(client, data, again=False, name="2025.csv", finished=True):
    """`finished`: the box ticked that says yes to changing finished periods (2025 is)."""
    page = client.get("/staff/mallis/import")
    form = {"csrf_token": csrf_token(text(page)), "file": (io.BytesIO(data), name)}
    if again:
        form["again"] = "y"
    if finished:
        form["finished"] = "y"
    return client.post("/staff/mallis/import", data=form, content_type="multipart/form-data")


def test_an_import_and_its_audit_line_are_one_write(db, staff, mallis, monkeypatch):
    """The audit line is written in the import's own transaction (one write lock, not two):
    if it cannot be written, no visit is added either."""
    from tests.helpers import break_the_audit_log

    lines = len(audit_lines(db))
    break_the_audit_log(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        upload(staff, CSV.encode())
    assert visits(db) == [] and len(audit_lines(db)) == lines
    assert db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 0
    monkeypatch.undo()
    assert upload(staff, CSV.encode()).status_code == 302
    [line] = audit_lines(db)[lines:]
    assert (line["action"], line["detail"]) == ("counts imported", "2025.csv: 2 lines, 7 visits")


def test_import_adds_the_counts_once_with_an_audit_line(db, staff, mallis):
    response = upload(staff, CSV.encode())
    assert response.status_code == 302
    assert len(visits(db)) == 7 and {v["source"] for v in visits(db)} == {"tally"}
    assert audit_lines(db)[-1]["action"] == "counts imported"
    html = text(staff.get("/staff/mallis/import"))
    assert "Importerade 2 rader som 7 räknade besök (2025-03-03 till 2025-03-04)." in html
    again = upload(staff, CSV.encode())
    assert again.status_code == 409
    assert "Den här filen importerades redan" in text(again)
    assert len(visits(db)) == 7
    assert upload(staff, CSV.encode(), again=True).status_code == 302
    assert len(visits(db)) == 14


SWEDISH = "datum;aktivitet;kvinnor;män;annat;inget svar\r\n2025-03-03;Sygrupp;2;3;;1\r\n"


def test_a_swedish_header_with_semicolons_is_read(db, staff, mallis):
    assert upload(staff, ("\ufeff" + SWEDISH).encode(), name="mars.csv").status_code == 302
    assert sorted(v["gender"] for v in visits(db)) == ["man"] * 3 + ["unstated"] + ["woman"] * 2


@pytest.mark.parametrize(("header", "column"), [
    ("datum;aktivitet;kvinnor;män;annat;inget svar", "kvinnor"),
    ("date,activity,women,men,other,unstated", "kvinnor (women)"),
])
def test_import_errors_speak_the_pages_language_with_line_numbers(db, staff, mallis, header,
                                                                  column):
    sep = ";" if ";" in header else ","
    data = header + "\n" + sep.join(["2025-03-03", "Sygrupp", "-1", "0", "0", "0"]) + "\n"
    html = text(upload(staff, data.encode())).replace("&#34;", '"')
    assert f"Rad 2: {column} kan inte vara negativt (-1)" in html
    html = text(upload(english(staff), data.encode()))
    assert "Line 2: women" in html and "cannot be negative" in html
    assert visits(db) == []


def test_a_month_of_paper_counts_through_the_template(db, staff, mallis):
    """Download the month's template, type the numbers in, import: the counts are in."""
    response = staff.get("/staff/mallis/import/template.xlsx?month=2026-10")
    assert response.status_code == 200
    assert 'filename="checkin-mallis-rakningar-2026-10.xlsx"' in (
        response.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Räkningar", "Så fyller du i"]
    sheet = book["Räkningar"]
    assert [c.value for c in sheet[1]] == ["datum", "aktivitet", "kvinnor", "män", "annat",
                                           "inget svar"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == (dt.datetime(2026, 10, 1), "Kortfilmsgrupp")  # a Thursday, 10–12
    assert all(r[2:] == (None,) * 4 for r in rows)
    assert ("Stadsodling" not in {r[1] for r in rows})  # open to everyone: not counted
    assert "Sygrupp" in [r[0] for r in book["Så fyller du i"].iter_rows(values_only=True)]
    sheet.cell(row=2, column=3, value=2)
    sheet.cell(row=2, column=4, value=5)
    sheet.cell(row=3, column=6, value=1)
    out = io.BytesIO()
    book.save(out)
    assert upload(staff, out.getvalue(), name="oktober.xlsx").status_code == 302
    assert len(visits(db)) == 8


def test_the_csv_template_is_for_excel_in_swedish(staff, mallis):
    response = staff.get("/staff/mallis/import/template.csv")
    assert response.data == "\ufeffdatum;aktivitet;kvinnor;män;annat;inget svar\r\n".encode()
    english(staff)
    response = staff.get("/staff/mallis/import/template.csv")
    assert response.data == "\ufeffdate,activity,women,men,other,unstated\r\n".encode()
    for bad in ["?month=2026-13", "?month=soon", "?month=1999-01", "?month=2027-01"]:
        assert staff.get("/staff/mallis/import/template.xlsx" + bad).status_code == 400, bad
    assert staff.get("/staff/mallis/import/template.pdf").status_code == 404


def test_an_import_is_listed_and_undone_exactly(db, staff, mallis):
    from checkin.visits.recording import change_tally

    upload(staff, CSV.encode(), name="mars.csv")
    upload(staff, SWEDISH.encode(), name="annan.csv")
    change_tally(db, venue_id=mallis["id"], day=dt.date(2025, 3, 3),
                 activity_id=visits(db)[0]["activity_id"], changes={"woman": 1}, user=SOMEONE)
    assert len(visits(db)) == 7 + 6 + 1
    first = db.execute("SELECT id FROM tally_import WHERE filename = 'mars.csv'").fetchone()[0]
    html = text(staff.get("/staff/mallis/import"))
    assert "mars.csv" in html and "2 rader · 7 besök · 2025-03-03 – 2025-03-04" in html
    undo = f"/staff/mallis/import/{first}/undo"
    assert f'href="{undo}"' in html
    asked = text(staff.get(undo))
    assert "Ångra importen av mars.csv?" in asked and "Dess 7 räknade besök" in asked
    assert len(visits(db)) == 14  # asking changes nothing
    response = post_form(staff, undo, {})
    assert response.status_code == 302
    assert len(visits(db)) == 7  # the other file's 6 and the tallied 1 stay
    assert {v["import_id"] for v in visits(db)} == {None, first + 1}
    assert audit_lines(db)[-1]["action"] == "import undone"
    html = text(staff.get("/staff/mallis/import"))
    assert "ångrad" in html and f'href="{undo}"' not in html
    assert post_form(staff, undo, {}, page_url="/staff/mallis/import").status_code == 404
    # Undone, the same file may come in again without "import again".
    assert upload(staff, CSV.encode(), name="mars.csv").status_code == 302
    assert len(visits(db)) == 14


def test_an_import_undo_whose_audit_line_fails_changes_nothing(db, staff, mallis,
                                                              monkeypatch):
    # The line was written after the undo: with the log failing, 7 counted visits left
    # every figure with no line saying who took them.
    from checkin.accounts import audit

    upload(staff, CSV.encode(), name="mars.csv")
    first = db.execute("SELECT id FROM tally_import").fetchone()[0]
    undo = f"/staff/mallis/import/{first}/undo"
    page = text(staff.get(undo))
    lines = len(audit_lines(db))

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    with pytest.raises(RuntimeError):
        staff.post(undo, data={"csrf_token": csrf_token(page)})
    assert len(visits(db)) == 7 and len(audit_lines(db)) == lines
    assert db.execute("SELECT undone FROM tally_import").fetchone()[0] == 0
    monkeypatch.undo()
    assert post_form(staff, undo, {}).status_code == 302
    new = audit_lines(db)[lines:]
    assert [(a["action"], a["detail"], a["venue_id"]) for a in new] == [
        ("import undone", "mars.csv: 7 visits", mallis["id"])]
    assert new[0]["at"].endswith(":00+00:00")


def test_a_minus_on_the_tally_never_takes_an_imported_visit(db, staff, mallis):
    from checkin.visits.recording import change_tally

    upload(staff, b"date,activity,women,men,other,unstated\n2026-11-23,Sygrupp,3,0,0,0\n")
    made = change_tally(db, venue_id=mallis["id"], day=dt.date(2026, 11, 23),
                        activity_id=visits(db)[0]["activity_id"], changes={"woman": -2},
                        user=SOMEONE)
    assert made == {} and len(visits(db)) == 3


def test_import_lists_each_bad_line_and_adds_nothing(db, staff, mallis):
    bad = CSV + "2025-13-01,Sygrupp,1,0,0,0\n2025-03-05,Bowling,1,0,0,0\n2025-03-06,,-1,0,0,0\n"
    response = upload(staff, bad.encode())
    html = text(response)
    assert response.status_code == 400
    assert "Inget importerades." in html
    assert re.findall(r"<li>Rad (\d+):", html) == ["4", "5", "6"]
    assert visits(db) == [] and db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 0


def test_import_without_a_file_is_refused(db, staff, mallis):
    page = staff.get("/staff/mallis/import")
    response = staff.post("/staff/mallis/import", data={"csrf_token": csrf_token(text(page))},
                          content_type="multipart/form-data")
    assert response.status_code == 400 and "Välj en fil först." in text(response)
    assert visits(db) == []


def test_a_too_big_file_gets_a_clear_message(app, db, staff, mallis):
    big = CSV.encode() + b"2025-03-07,,1,0,0,0\n" * 20000
    response = upload(staff, big)
    assert response.status_code == 413
    assert "Filen är för stor: högst 256 kB. Inget importerades." in text(response)
    assert visits(db) == []


def test_a_viewer_cannot_import(db, viewer, mallis):
    token = csrf_token(text(viewer.get("/staff/password")))
    assert viewer.get("/staff/mallis/import").status_code == 403
    response = viewer.post("/staff/mallis/import", data={
        "csrf_token": token, "file": (io.BytesIO(CSV.encode()), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 403 and visits(db) == []


def test_staff_limited_to_another_venue_gets_403(db, client, mallis, victor):
    make_user(db, "gbg", "staff", venue_ids=[victor["id"]])
    log_in(client, "gbg")
    for url in ["/staff/mallis/figures", "/staff/mallis/export", "/staff/mallis/report/2026",
                "/staff/mallis/import"]:
        assert client.get(url).status_code == 403, url
    assert client.get("/staff/victor/figures").status_code == 200


def test_start_page_and_menu_link_to_the_figures(viewer, mallis):
    html = text(viewer.get("/staff/"))
    assert "/staff/mallis/figures" in html and "/staff/mallis/export" in html
    assert "/staff/mallis/import" not in html
    menu = text(viewer.get("/staff/mallis/figures"))
    assert "/staff/mallis/week" not in menu.split("<main")[0]


def test_every_text_cell_of_the_xlsx_template_stays_text_when_edited():
    """An activity named like a formula stays text in the template, also after someone edits
    the cell in Excel: every text cell carries quotePrefix (before: none did)."""
    from checkin.figures import tally_import

    name = '=HYPERLINK("http://x","klicka")'
    data = tally_import.template("xlsx", "sv", rows=[(dt.date(2026, 10, 1), name)],
                            activity_names=[name, "Sygrupp"])
    book = load_workbook(io.BytesIO(data))
    counts, how = book.worksheets
    text_cells = [*counts[1], counts.cell(row=2, column=2), *how["A"]]
    named = counts.cell(row=2, column=2)
    assert named.value == name and named.data_type == "s"
    assert all(cell.quotePrefix for cell in text_cells)


def test_the_export_page_has_last_month_and_last_year_one_click_away(staff, db, worked):
    """Issue 25 item 8: 'förra månaden' and 'förra året' were typed by hand."""
    import html
    import re

    page = text(staff.get("/staff/mallis/export"))
    links = {html.unescape(m[1]): html.unescape(m[0]) for m in re.findall(
        r'<a class="button secondary" href="([^"]+)">([^<]+)</a>', page)}
    assert "first=2026-10-01&last=2026-10-31&group=month" in links["Förra månaden"]
    assert "first=2025-01-01&last=2025-12-31&group=month" in links["Förra året, 2025"]
    assert "first=2026-01-01&last=2026-11-23" in links["2026 hittills"]
    response = staff.get(links["Förra månaden"])
    assert response.status_code == 200 and "2026-10" in text(response)

@pytest.mark.slow
def test_the_xlsx_is_written_in_the_worker_process_not_in_the_server(staff, worked,
                                                                      monkeypatch):
    """Under `checkin serve` openpyxl runs in the worker (heavy_work): with the server's own
    openpyxl made unusable the download still works; without the worker it fails."""
    asked = {**GOOD, "fmt": "xlsx", "group": "month"}
    with monkeypatch.context() as server_side:
        server_side.setitem(sys.modules, "openpyxl", None)  # `import openpyxl` raises here
        with pytest.raises(ImportError):  # the switch off: the file written in this process
            staff.get(EXPORT, query_string=asked)
        heavy_work.start()
        try:
            response = staff.get(EXPORT, query_string=asked)
        finally:
            heavy_work.stop()
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('-month.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Siffror", "Om siffrorna"]
    assert "Verksamhet: Mallis" in [r[0] for r in book["Om siffrorna"].iter_rows(values_only=True)]
