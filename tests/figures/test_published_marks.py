"""Issue 23, items 3 and 6: a published file says what it is, and dates read forwards.

Every published xlsx, CSV, printed report and the viewer's dashboard says, in Swedish and
English, that its numbers are published ones changed a little by the cell-key method (D=2,
V=1.5, no 1 or 2), the day they were extracted and how to cite them; an exact file says
"Internt" with its day. The dashboard compares this month so far with the same days a year
before, and a sentence about a range that crosses New Year gives both years.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.helpers import WORKED, insert, log_in, make_user, text

EXPORT = "/staff/mallis/export"
PUBLISHED = {"first": "2025-01-01", "last": "2025-12-31", "group": "month", "venue": "mallis",
             "download": "1"}
MARK = {
    "sv": ("Publicerade siffror, ändrade lite med cell-key-metoden (D=2, V=1,5, inga 1 eller "
           "2). Uttagna 23 november 2026. Citera som: Mallis, siffror från checkin, publicerad "
           "version (cell-key-tabell 2026.1), uttagna 2026-11-23."),
    "en": ("Published figures, changed a little by the cell-key method (D=2, V=1.5, no 1 or "
           "2). Extracted 23 November 2026. Cite as: Mallis, figures from checkin, published "
           "version (cell-key table 2026.1), extracted 2026-11-23."),
}
INTERNAL = {
    "sv": "Internt: exakta siffror, bara för bruk inom organisationen. Får inte publiceras. "
          "Uttagna 23 november 2026.",
    "en": "Internal: exact figures, for use inside the organisation only. Not for "
          "publication. Extracted 23 November 2026.",
}


@pytest.fixture
def worked(db, mallis):
    insert(db, mallis, WORKED)
    return mallis


def _as(app, db, name, role, lang):
    make_user(db, name, role)
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    client.set_cookie("lang", lang)
    return client


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_published_xlsx_and_csv_say_what_they_are(app, db, worked, lang):
    viewer = _as(app, db, "vera", "viewer", lang)
    book = load_workbook(io.BytesIO(viewer.get(EXPORT, query_string={
        **PUBLISHED, "fmt": "xlsx"}).data))
    about = [r[0] for r in book.worksheets[1].iter_rows(values_only=True)]
    assert about[0] == MARK[lang]
    # The sheet no longer says the published file is for use inside the organisation.
    assert not any("inom organisationen" in line or "inside the organisation" in line
                   for line in about)
    # CSV for people: the last column on every row, commas turned to dashes for Excel.
    people = viewer.get(EXPORT, query_string={**PUBLISHED, "fmt": "excel-csv"})
    rows = list(csv.reader(io.StringIO(people.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == {"sv": "Om siffrorna", "en": "About the figures"}[lang]
    assert {r[-1] for r in rows[1:]} == {MARK[lang].replace(",", " –")}
    # CSV for programs: a column named `figures`, in the installation's language (sv).
    program = viewer.get(EXPORT, query_string={**PUBLISHED, "fmt": "csv"})
    rows = list(csv.DictReader(io.StringIO(program.data.decode("utf-8-sig"))))
    assert len(rows) == 12 and {r["figures"] for r in rows} == {MARK["sv"]}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_exact_files_say_internal_with_their_day(app, db, worked, lang):
    staff = _as(app, db, "anna", "staff", lang)
    ask = {**PUBLISHED, "version": "exact", "min_cell": "3", "anyway": "1"}
    book = load_workbook(io.BytesIO(staff.get(EXPORT, query_string={**ask, "fmt": "xlsx"})
                                    .data))
    assert [r[0] for r in book.worksheets[1].iter_rows(values_only=True)][0] == INTERNAL[lang]
    rows = list(csv.reader(io.StringIO(staff.get(EXPORT, query_string={
        **ask, "fmt": "excel-csv"}).data.decode("utf-8-sig")), delimiter=";"))
    assert {r[-1] for r in rows[1:]} == {INTERNAL[lang].replace(",", " –")}
    assert not any("cell-key" in r[-1] for r in rows)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_printed_report_and_the_viewers_dashboard_say_what_they_are(app, db, worked,
                                                                          lang):
    viewer = _as(app, db, "vera", "viewer", lang)
    report = text(viewer.get("/staff/mallis/report/2025"))
    assert MARK[lang] in report and "Internt" not in report
    board = text(viewer.get("/staff/mallis/figures"))
    assert 'id="published-note"' in board
    assert MARK[lang].replace("Mallis, ", "") in board
    staff = _as(app, db, "anna", "staff", lang)
    exact = text(staff.get("/staff/mallis/report/2025"))
    assert INTERNAL[lang] in exact and "cell-key" not in exact


def test_the_viewers_dashboard_gives_the_years_of_a_range_across_new_year(app, db, worked):
    """Issue 23: 'Från måndag 1 december till måndag 30 november' read backwards."""
    for lang, since in (("sv", "Från lördag 1 november 2025 till lördag 31 oktober 2026."),
                        ("en", "From Saturday 1 November 2025 to Saturday 31 October 2026.")):
        viewer = _as(app, db, f"vera{lang}", "viewer", lang)
        assert since in text(viewer.get("/staff/mallis/figures"))


def test_the_staff_dashboard_compares_this_month_so_far_with_the_same_days(app, db, worked):
    staff = _as(app, db, "anna", "staff", "sv")
    html = text(staff.get("/staff/mallis/figures"))
    assert ("ett år tidigare är samma dagar, lördag 1 november till söndag 23 november"
            in html)
    staff.set_cookie("lang", "en")
    html = text(staff.get("/staff/mallis/figures"))
    assert "a year before is the same days, Saturday 1 November to Sunday 23 November" in html


def test_published_ratings_add_up_and_a_mean_of_few_ratings_is_not_shown(app, db, mallis):
    """Issue 23: smiley means of 3 to 5 ratings were off by half a step, shown without a word;
    and a month's count was perturbed apart from its smileys (a part against its whole)."""
    import datetime as dt

    from checkin.feedback import smileys
    from checkin.figures.routes import MEAN_MIN_RATINGS

    for n in range(4):
        smileys.record_rating(db, venue_id=mallis["id"], day=dt.date(2025, 3, 3), rating=4)
    for n in range(40):
        smileys.record_rating(db, venue_id=mallis["id"], day=dt.date(2025, 5, 5),
                              rating=1 + n % 5)
    for lang, note in (("sv", "Ett publicerat medelvärde av färre än 10 betyg visas inte"),
                       ("en", "A published mean of fewer than 10 ratings is not shown")):
        viewer = _as(app, db, f"vera{lang}", "viewer", lang)
        html = text(viewer.get("/staff/mallis/report/2025"))
        assert note in html
        table = html.split('id="ratings"', 1)[1].split("</table>", 1)[0]
        rows = re.findall(r'<th scope="row">([^<]*)</th><td class="num">(\d+)</td>'
                          r'<td class="num">([^<]*)</td>', table)
        by_name = {name: (int(count), mean) for name, count, mean in rows}
        march = by_name[{"sv": "mars", "en": "March"}[lang]]
        may = by_name[{"sv": "maj", "en": "May"}[lang]]
        year = by_name[{"sv": "Hela året", "en": "The year"}[lang]]
        assert march[0] < MEAN_MIN_RATINGS and march[1] == "–"
        assert may[0] >= MEAN_MIN_RATINGS and may[1] != "–"
        assert year[0] == march[0] + may[0]  # the year is the sum of its months


def test_a_viewers_download_form_offers_months_and_years_only(app, db, worked):
    viewer = _as(app, db, "vera", "viewer", "sv")
    page = text(viewer.get(EXPORT))
    groups = re.findall(r'name="group"[^>]*value="([a-z]+)"|value="([a-z]+)"[^>]*name="group"',
                        page)
    assert {a or b for a, b in groups} == {"month", "year"}
    refused = viewer.get(EXPORT, query_string={**PUBLISHED, "group": "week", "fmt": "csv"})
    assert refused.status_code == 400 and "Publicerade siffror ges bara per månad eller per år" \
        in text(refused)
    staff = _as(app, db, "anna", "staff", "sv")
    groups = re.findall(r'name="group"[^>]*value="([a-z]+)"|value="([a-z]+)"[^>]*name="group"',
                        text(staff.get(EXPORT)))
    assert {a or b for a, b in groups} == {"day", "week", "month", "year"}


@pytest.mark.parametrize("lang, sentence", [
    ("sv", "Publicerade siffror: varje tal för en månad, aktivitet och kön är ändrat lite för "
           "sig, och alla andra tal är summor av sådana tal."),
    ("en", "Published figures: each count of one month, activity and gender changed a little "
           "on its own, and every other number the sum of such counts."),
])
def test_the_export_page_says_totals_are_sums_of_published_counts(app, db, worked, lang,
                                                                   sentence):
    # It said "every number changed a little on its own, totals included": no longer so.
    viewer = _as(app, db, "vera", "viewer", lang)
    page = text(viewer.get(EXPORT, query_string={
        k: v for k, v in PUBLISHED.items() if k != "download"}))
    assert sentence in page and "totals included" not in page
