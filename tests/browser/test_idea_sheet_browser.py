"""The sheet "Era idéer – våra svar" printed from Chromium to PDF: one A4 page in Swedish and
English, for the demo's ideas and for a month with more and longer ideas than fit."""

import io
import sqlite3
import subprocess
import sys

import pytest

from tests.browser.pages import GALLERY
from tests.server import Server, checkin

STAFF, PASSWORD = "arkskrivare", "a long sheet printing password"
# A4 less the sheet's 12 mm margins, in CSS pixels (96 a inch): what the printer fills.
PRINTED = {"width": 703, "height": 1032}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo; at Victor a month of 14 ideas as long as the forms allow; at Kortis 30 short."""
    instance = tmp_path_factory.mktemp("sheet")
    server = Server(instance)
    checkin(server.env, "init-db")
    checkin(server.env, "seed-demo")
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", STAFF, "--role", "staff"],
                   input=PASSWORD + "\n", env=server.env, check=True, capture_output=True,
                   text=True, timeout=60)
    with sqlite3.connect(instance / "checkin.db") as conn:
        venue, gym = conn.execute(
            "SELECT venue.id, activity.id FROM venue JOIN activity ON venue_id = venue.id "
            "WHERE slug = 'victor' AND name_sv = 'Gym'").fetchone()
        statuses = ["done", "planned", "considering", "not_possible", "new"]
        for n in range(14):
            conn.execute(
                "INSERT INTO idea (venue_id, text, created_date, status, answer_sv, answer_en, "
                "published, change_sv, change_en, activity_id, answered_on) "
                "VALUES (?,?,?,?,?,?,1,?,?,?,?)",
                [venue, f"Idé nummer {n}: " + "en lång mening om en aktivitet " * 6,
                 "2026-11-02", statuses[n % 5], "Vi svarar utförligt: " + "mycket ord här " * 19,
                 "We answer at length: " + "many words here " * 18,
                 "Det här ändrades: " + "ändring " * 12, "What changed: " + "change " * 13,
                 gym, "2026-11-20"])
        # And a venue with many short ideas: as many as the page holds.
        short = conn.execute("INSERT INTO venue (slug, name, door_key) VALUES "
                             "('kort', 'Kortis', 'kortkort')").lastrowid
        for n in range(30):
            conn.execute(
                "INSERT INTO idea (venue_id, text, created_date, status, answer_sv, answer_en, "
                "published) VALUES (?,?,?,?,?,?,1)",
                [short, f"Pingis nummer {n}", "2026-11-05", statuses[n % 5],
                 "Vi köper ett bord." if n % 2 else "", "We buy a table." if n % 2 else ""])
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_page(server, browser):
    context = browser.new_context(viewport=PRINTED, device_scale_factor=1)
    page = context.new_page()
    page.goto(server.url + "/staff/login")
    page.locator("input[name=username]").fill(STAFF)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(server.url + "/staff/")
    yield page
    context.close()


def printed_pages(page):
    from pypdf import PdfReader

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("venue", "lang", "words"), [
    ("mallis", "sv", ["Era idéer – våra svar", "Blir av", "Vi tittar på den",
                      "Blir inte av – och varför", "Klar", "Ny", "Nästa gång: Bostad Först"]),
    ("mallis", "en", ["Your ideas – our answers", "It will happen", "We are looking at it",
                      "Not happening – here is why", "Done", "New", "Next time: Housing First"]),
    ("victor", "sv", ["Era idéer – våra svar", "idéer till i idélådan"]),
    ("victor", "en", ["Your ideas – our answers", "more ideas in the idea box"]),
    ("kort", "sv", ["Era idéer – våra svar", "idéer till i idélådan"]),
])
def test_the_sheet_prints_on_one_a4_page(server, staff_page, venue, lang, words):
    page = staff_page
    page.goto(f"{server.url}/staff/{venue}/ideas/sheet?month=2026-11&lang={lang}")
    sheet = page.locator("article.idea-sheet")
    seen = " ".join(sheet.inner_text().split())
    for word in words:
        assert word in seen, word
    shown = sheet.locator("li.sheet-idea").count()
    assert shown >= {"mallis": 5, "victor": 3, "kort": 10}[venue]
    page.emulate_media(media="print")
    GALLERY.mkdir(parents=True, exist_ok=True)
    name = {"mallis": "idea-sheet", "victor": "idea-sheet-long", "kort": "idea-sheet-many"}[venue]
    page.screenshot(path=str(GALLERY / f"{name}-{lang}.png"), full_page=True)
    fill = page.evaluate("""() => document.querySelector('article.idea-sheet')
        .getBoundingClientRect().height""")
    page.emulate_media(media="null")  # page.pdf() prints with print media again
    assert printed_pages(page) == 1, f"{fill / PRINTED['height']:.0%} full"
    print(f"{venue} {lang}: {shown} ideas on one page, {fill / PRINTED['height']:.0%} full")
