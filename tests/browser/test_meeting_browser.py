"""A meeting in the room run in Chromium (issue 27): five questions at 1920 × 1080 and
1280 × 800, in Swedish and English — hands stepped and typed, undo, back — the room page
without scrolling on the big screen, and the minutes printed as one A4 page."""

import io
import os
import subprocess
import sys

import pytest

from tests.browser.pages import GALLERY
from tests.server import Server, checkin

STAFF, PASSWORD = "motesledare", "seven round meeting kettles 42"
WORDS = {
    "sv": {"start": "Starta mötet", "next": "Nästa fråga →", "back": "← Tillbaka",
           "undo": "Ångra den senaste räkningen", "typed": "Spara de skrivna siffrorna",
           "add": "Lägg till, som nästa fråga", "decide": "Spara beslutet",
           "close": "Avsluta mötet …", "yes": "Ja, avsluta och visa protokollet",
           "minutes": "Protokoll, Husmöte", "decided": "Blir av", "for": "För"},
    "en": {"start": "Start the meeting", "next": "Next question →", "back": "← Back",
           "undo": "Undo the last count", "typed": "Save the numbers typed",
           "add": "Add, to ask next", "decide": "Save the decision",
           "close": "Close the meeting…", "yes": "Yes, close it and show the minutes",
           "minutes": "Minutes, Husmöte", "decided": "It will happen", "for": "For"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("meeting")
    server = Server(instance)
    checkin(server.env, "init-db")
    checkin(server.env, "seed-demo")
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", STAFF, "--role", "staff"],
                   input=PASSWORD + "\n", env=server.env, check=True, capture_output=True,
                   text=True, timeout=60)
    server.start()
    yield server
    server.stop()


def count(page, label):
    return int(page.get_by_label(label, exact=True).input_value())


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("size", [{"width": 1920, "height": 1080}, {"width": 1280, "height": 800}],
                         ids=["1920x1080", "1280x800"])
def test_a_meeting_of_five_questions_and_its_minutes_on_one_a4(server, browser, lang, size):
    from pypdf import PdfReader

    w = WORDS[lang]
    context = browser.new_context(viewport=size, device_scale_factor=1)
    page = context.new_page()
    page.goto(server.url + "/staff/login")
    page.locator("input[name=username]").fill(STAFF)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(server.url + "/staff/")
    page.goto(f"{server.url}/lang/{lang}?next=/staff/mallis/meetings")
    page.get_by_role("button", name=w["start"]).click()
    page.wait_for_url("**/staff/mallis/meetings/*")
    # The idea box's open ideas first; proposals from the room until there are five.
    while page.locator(".room-list li").count() < 5:
        n = page.locator(".room-list li").count()
        page.get_by_label("In a few words" if lang == "en" else "Med några ord").fill(
            f"Förslag {n + 1} från rummet")
        page.get_by_role("button", name=w["add"]).click()
    assert page.locator(".room-list li").count() == 5
    if size["width"] == 1920:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= size["height"], f"the room page scrolls: {height} px"
    # Question 1: two steps up for "for", one down; then typed numbers; undo; next; back.
    plus = page.get_by_role("button", name=f"{w['for']} plus {'en' if lang == 'sv' else 'one'}")
    minus = page.get_by_role("button", name=f"{w['for']} minus {'en' if lang == 'sv' else 'one'}")
    plus.click()
    plus.click()
    minus.click()
    assert count(page, w["for"]) == 1
    page.get_by_label(w["for"], exact=True).fill("11")
    page.get_by_role("button", name=w["typed"]).click()
    assert count(page, w["for"]) == 11
    page.get_by_role("button", name=w["undo"]).click()
    assert count(page, w["for"]) == 1
    page.get_by_role("button", name=w["next"]).click()
    second = page.locator("#question-heading").inner_text()
    plus.click()
    page.get_by_role("button", name=w["back"]).click()
    assert count(page, w["for"]) == 1  # the first question kept its count
    page.get_by_role("button", name=w["next"]).click()
    assert page.locator("#question-heading").inner_text() == second
    assert count(page, w["for"]) == 1
    page.locator("select[name=status]").select_option("planned")
    page.locator("input[name=answer]").fill("Från februari.")
    page.get_by_role("button", name=w["decide"]).click()
    page.locator("input[name=attended]").fill("15")
    page.locator("form:has(input[name=attended]) button").click()
    # The pictures are for docs/gallery/ only (CHECKIN_GALLERY=1): a screenshot of a print
    # view sometimes fails under load, and the test is about the meeting, not the picture.
    shoot = size["width"] == 1920 and os.environ.get("CHECKIN_GALLERY")
    if shoot:
        GALLERY.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GALLERY / f"meeting-room-{lang}.png"))
    page.get_by_role("link", name=w["close"]).click()
    page.locator("textarea[name=next_steps]").fill("Personalen frågar om lokalen.")
    page.get_by_role("button", name=w["yes"]).click()
    page.wait_for_url("**/minutes")
    minutes = " ".join(page.locator("article.minutes").inner_text().split())
    assert w["minutes"] in minutes and "Från februari." in minutes
    if shoot:
        page.emulate_media(media="print")
        page.screenshot(path=str(GALLERY / f"meeting-minutes-{lang}.png"), full_page=True)
        page.emulate_media(media="null")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    printed = " ".join(pdf.pages[0].extract_text().split())
    assert w["decided"] in printed and "Från februari." in printed and second[:20] in printed
    context.close()
