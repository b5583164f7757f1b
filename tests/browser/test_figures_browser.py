"""Figures in real Chromium: download the export, print the yearly report, look at both."""

import re

import pytest

from tests.browser.helpers import PHONE, create_staff_account, log_in, screenshot

PASSWORD = "a long figures test password"
NARRATIVE = "Året då Framtidsverkstaden bestämde programmet."


@pytest.fixture(scope="module")
def reporter(live_server):
    return create_staff_account(live_server, "reporter", "staff", PASSWORD)


def test_download_the_export_from_the_staff_page(live_server, browser, reporter, tmp_path):
    page = browser.new_context(accept_downloads=True).new_page()
    log_in(page, live_server, reporter, PASSWORD)
    page.get_by_role("link", name="Ladda ner siffror").first.click()
    page.get_by_label("Månad").check()
    page.get_by_label("En rad per aktivitet också").check()
    page.get_by_label("CSV för andra program").check()
    page.get_by_role("button", name="Ladda ner filen").click()
    # Month by activity hides most counts: the page says so first, with coarser tables.
    warning = page.locator("#mostly-hidden").inner_text()
    assert "skulle döljas som små" in warning and "en rad per år, per aktivitet" in warning
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner den här tabellen ändå").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    print(f"export download: {download.suggested_filename}, {len(data)} bytes")
    assert download.suggested_filename == (
        "checkin-mallis-2026-01-01-2026-11-23-month-by-activity.csv")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("period,venue,activity,visits_women,visits_men,visits_other")
    assert data.decode("utf-8-sig").splitlines()[1].startswith("2026-01,mallis,")
    page.context.close()


def test_the_yearly_report_saves_its_text_and_prints_on_a4(live_server, browser, reporter,
                                                           tmp_path):
    page = browser.new_page()
    log_in(page, live_server, reporter, PASSWORD)
    page.goto(live_server.url + "/staff/mallis/report/2026")
    page.get_by_label("Vad som hände i år, med dina egna ord").fill(NARRATIVE)
    page.get_by_role("button", name="Spara texten").click()
    assert "Texten är sparad." in page.locator("main").inner_text()
    assert NARRATIVE in page.locator(".narrative").inner_text()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    print(f"printed yearly report: {pages} A4 page(s), {pdf.stat().st_size} bytes")
    assert 1 <= pages <= 6
    # What the PDF holds is what print media shows: the text, the tables, no menus or forms.
    page.emulate_media(media="print")
    assert page.locator(".narrative").is_visible()
    assert NARRATIVE in page.locator(".narrative").inner_text()
    for hidden in (".staff-nav", "#narrative-form", ".fig-nav", "header.top"):
        assert not page.locator(hidden).is_visible(), hidden
    widths = page.evaluate("Array.from(document.querySelectorAll('table.figures'))"
                           ".map(t => t.getBoundingClientRect().right)")
    assert max(widths) <= page.evaluate("document.documentElement.clientWidth") + 1
    page.close()


def test_phone_sized_dashboard_and_report(live_server, phone, reporter):
    log_in(phone, live_server, reporter, PASSWORD)
    phone.goto(live_server.url + "/staff/mallis/figures")
    assert "Siffror för Mallis" in phone.locator("h1").inner_text()
    assert phone.locator("svg.chart rect.bar").count() == 24
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "staff-figures")
    phone.goto(live_server.url + "/staff/mallis/report/2026")
    assert "Årsrapport 2026" in phone.locator("h1").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "staff-report")
    phone.get_by_role("link", name="English").click()
    assert "Yearly report 2026" in phone.locator("h1").inner_text()
    screenshot(phone, "staff-report-en")


def _pdf_text(pdf):
    """The text of a PDF as Ghostscript reads it, or a skip where Ghostscript is missing."""
    import shutil
    import subprocess

    if not shutil.which("gs"):
        pytest.skip("Ghostscript (gs) reads the printed PDF's text; it is not installed")
    return subprocess.run(["gs", "-q", "-sDEVICE=txtwrite", "-o", "-", str(pdf)],
                          capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_exact_report_says_internal_on_every_printed_page(live_server, browser,
                                                              reporter, tmp_path):
    """Issue 14: staff may print the report exact, for internal use, marked so on every
    page; the published version (for the city) carries no such mark and no <3."""
    page = browser.new_page()
    log_in(page, live_server, reporter, PASSWORD)
    printed = {}
    for version in ("exact", "published"):
        page.goto(live_server.url + "/staff/mallis/report/2025"
                  + ("?version=published" if version == "published" else ""))
        pdf = tmp_path / f"{version}.pdf"
        page.pdf(path=str(pdf), format="A4")
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
        printed[version] = (pages, _pdf_text(pdf))
    pages, words = printed["exact"]
    print(f"exact report: {pages} A4 pages, the internal mark on "
          f"{words.count('Internt:')}")
    assert pages >= 2 and words.count("Internt:") == pages
    pages, words = printed["published"]
    assert "Internt" not in words and "<3" not in words
    assert "Samma metod använder SCB." in words
    page.close()


def test_a_year_for_excel_in_three_clicks_from_the_start_page(live_server, browser, reporter,
                                                             tmp_path):
    from openpyxl import load_workbook

    page = browser.new_context(accept_downloads=True).new_page()
    log_in(page, live_server, reporter, PASSWORD)
    page.get_by_role("link", name="Ladda ner siffror").first.click()  # 1
    page.get_by_role("link", name="2026 hittills").click()  # 2: the year, month by month
    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ner filen").click()  # 3: Excel is the default
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Siffror", "Om siffrorna"]
    assert [c.value for c in book["Siffror"][1]][:4] == ["Period", "Verksamhet", "Aktivitet",
                                                         "Besök kvinnor"]
    assert [r[0] for r in book["Siffror"].iter_rows(min_row=2, values_only=True)][:2] == [
        "2026-01", "2026-02"]
    page.context.close()
