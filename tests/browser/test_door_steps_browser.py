"""The visitor's first visit as the people at the door meet it, in real Chromium: the remember
step, the second check-in's message, large text at 200 % on 360 and 320 px screens, and a
gallery of every step (sv and en, 360 x 740 and 320 x 640, text at 100 % and 200 %).

The gallery goes to docs/gallery/door/ with CHECKIN_GALLERY=1, else to tests/screenshots/.
"""

import io
import os
import sqlite3
from pathlib import Path

import pytest

from tests.browser.helpers import layout_problems, text_size_context
from tests.browser.pages import door

_ROOT = Path(__file__).resolve().parent.parent.parent
GALLERY = (_ROOT / "docs" / "gallery" / "door" if os.environ.get("CHECKIN_GALLERY")
           else _ROOT / "tests" / "screenshots" / "gallery" / "door")
SCREENS = {"360": {"width": 360, "height": 740}, "320": {"width": 320, "height": 640}}
WORDS = {
    "sv": {"check_in": "Checka in", "yes": "Ja, kom ihåg telefonen", "skip": "Hoppa över",
           "remembered": "Klart. Nästa gång räcker ett tryck.",
           "again": "Du var redan incheckad i dag.",
           "now": "Nu är du incheckad på Peer support.",
           "back": "Ändra tillbaka till Sygrupp",
           "back_done": "Nu är du incheckad på Sygrupp igen.",
           "code": "Telefonen har en sparad kod",
           "forget": "Ta bort koden", "keep": "Nej, behåll den",
           "remember_q": "Kom ihåg telefonen?"},
    "en": {"check_in": "Check in", "yes": "Yes, remember this phone", "skip": "Skip",
           "remembered": "Done. Next time one tap is enough.",
           "again": "You were already checked in today.",
           "now": "Now you are checked in to Peer support.",
           "back": "Change back to Sewing group",
           "back_done": "Now you are checked in to Sewing group again.",
           "code": "This phone has a saved code", "forget": "Delete the code",
           "keep": "No, keep it", "remember_q": "Remember this phone?"},
}


def query(live_server, sql, args=()):
    with sqlite3.connect(live_server.database) as conn:
        return conn.execute(sql, args).fetchall()


def kiosk_token(live_server):
    """A kiosk made for Mallis in the live database, as a staff member makes one."""
    from checkin.db import connect
    from checkin.visits.kiosk_tokens import create_kiosk

    db = connect(str(live_server.database))
    venue_id = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    _kiosk_id, token = create_kiosk(db, venue_id, "gallery", None)
    db.conn.close()
    return token


def fresh_visitor(context, live_server, lang):
    context.clear_cookies()
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])


def main_text(page):
    return page.locator("main").inner_text()


def walk(page, context, live_server, lang):
    """Every step a first-time visitor meets, yielding each step's name on its page."""
    words = WORDS[lang]
    fresh_visitor(context, live_server, lang)
    url = door(live_server)
    page.goto(url)
    yield "door"
    page.locator("form.check-in button[type=submit]").click()
    page.wait_for_url("**/done")
    yield "question-gender"
    page.locator("button.answer-button").first.click()
    page.wait_for_load_state("load")
    yield "question-remember"
    page.get_by_role("button", name=words["yes"]).click()
    page.wait_for_load_state("load")
    yield "thanks"
    page.goto(url)
    yield "door-remembered"
    page.locator("input[name=activity]").nth(1).check()  # Peer support, later today
    page.locator("form.check-in button[type=submit]").click()
    page.wait_for_url("**/done")
    yield "again"
    page.goto(url)
    page.get_by_role("link", name=words["forget"]).click()
    page.wait_for_load_state("load")
    yield "forget"
    page.get_by_role("link", name=words["keep"]).click()
    page.locator("a.tall-link").first.click()  # "Så fungerar det", above the button
    page.wait_for_load_state("load")
    yield "privacy"
    page.goto(live_server.url + "/mallis/")
    yield "week"
    # A QR app's browser that keeps no cookies.
    page.goto(url)
    fresh_visitor(context, live_server, lang)
    page.locator("form.check-in button[type=submit]").click()
    page.wait_for_load_state("load")
    yield "no-cookies"
    # A page left open too long (its CSRF token no longer matches).
    page.goto(url)
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'old'")
    page.locator("form.check-in button[type=submit]").click()
    page.wait_for_load_state("load")
    yield "expired"
    context.add_cookies([{"name": "checkin_kiosk", "value": kiosk_token(live_server),
                          "url": live_server.url + "/kiosk/"}])
    page.goto(live_server.url + "/kiosk/")
    yield "kiosk"
    page.locator("button[name=gender]").first.click()
    page.wait_for_url("**/kiosk/thanks**")
    yield "kiosk-thanks"


def save_step(page, name, lang, screen, percent):
    """The whole page as a 64-colour PNG (the top 2600 px of a very long one)."""
    from PIL import Image

    width = SCREENS[screen]["width"]
    height = min(2600, page.evaluate("document.documentElement.scrollHeight"))
    shot = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width,
                                                 "height": height})
    GALLERY.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=64)
    image.save(GALLERY / f"{name}-{lang}-{screen}-{percent}.png", optimize=True)


@pytest.fixture(scope="module", params=[100, 200], ids=["text100", "text200"])
def sized(request, browser, tmp_path_factory):
    context = text_size_context(browser, tmp_path_factory, request.param,
                                viewport=SCREENS["360"])
    yield request.param, context
    context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("screen", ["360", "320"])
def test_every_step_fits_the_phone_and_follows_its_text_size(live_server, sized, lang, screen):
    percent, context = sized
    page = context.pages[0] if context.pages else context.new_page()
    page.set_viewport_size(SCREENS[screen])
    width = SCREENS[screen]["width"]
    seen, problems = [], {}
    for step in walk(page, context, live_server, lang):
        seen.append(step)
        text_px = float(page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"))
        assert text_px >= 16 * percent / 100, (step, text_px)  # never smaller than asked for
        if step == "door" and percent == 100:  # the promise before the fold, even at 320 x 640
            box = page.locator(".promise").bounding_box()
            assert box["y"] + box["height"] <= SCREENS[screen]["height"], box
        found = layout_problems(page, width)
        if found:
            problems[step] = found
        save_step(page, step, lang, screen, percent)
    assert len(seen) == 13
    assert problems == {}


def test_the_remember_step_and_the_second_check_in_say_what_happened(live_server, browser):
    context = browser.new_context(viewport=SCREENS["360"])
    page = context.new_page()
    words = WORDS["sv"]
    url = door(live_server)
    visits_before = query(live_server, "SELECT count(*) FROM visit")[0][0]
    ids_before = {r[0] for r in query(live_server, "SELECT id FROM visit")}

    def my_visit():  # ids are random: the one visit made here is the one that is new
        (made,) = {r[0] for r in query(live_server, "SELECT id FROM visit")} - ids_before
        return made

    page.goto(url)
    page.get_by_role("button", name=words["check_in"]).click()
    page.wait_for_url("**/done")
    assert "Tack! Du är incheckad." in main_text(page)
    assert "Kvar i dag" in main_text(page) and "kl. 13–15" in main_text(page)
    assert page.locator("input[type=checkbox]").count() == 0  # never a box another form ignores
    page.get_by_role("button", name=words["skip"]).click()  # the gender question, skipped

    assert page.locator("h1").inner_text() == words["remember_q"]
    assert "en förvrängd form av koden" in main_text(page)
    assert page.get_by_role("button", name=words["skip"]).is_visible()
    page.get_by_role("button", name=words["yes"]).click()
    assert words["remembered"] in main_text(page)
    code = next(c["value"] for c in context.cookies() if c["name"] == "checkin_phone")
    assert code.count(".") == 2 and len(code.split(".")[0]) == 32
    [(person_hash, gender)] = query(
        live_server, "SELECT person_hash, gender FROM visit WHERE id = ?", [my_visit()])
    assert person_hash and gender is None

    page.goto(url)
    assert words["code"] in main_text(page)
    assert "Pågår nu" in page.locator("label.choice").first.inner_text()
    page.locator("input[name=activity]").nth(1).check()
    page.get_by_role("button", name=words["check_in"]).click()
    page.wait_for_url("**/done")
    assert words["again"] in main_text(page) and words["now"] in main_text(page)
    assert query(live_server, "SELECT count(*) FROM visit")[0][0] == visits_before + 1
    page.get_by_role("button", name=words["back"]).click()
    assert words["back_done"] in main_text(page)
    [(activity,)] = query(live_server, "SELECT activity.name_sv FROM visit JOIN activity ON "
                          "activity.id = visit.activity_id WHERE visit.id = ?", [my_visit()])
    assert activity == "Sygrupp"

    # Forgetting asks once, and then the phone remembers nothing.
    page.goto(url)
    page.get_by_role("link", name=words["forget"]).click()
    assert "Vill du att telefonen glömmer koden?" in main_text(page)
    page.get_by_role("button", name="Ja, glöm koden").click()
    assert "Koden är borttagen. Telefonen minns ingenting." in main_text(page)
    assert not [c for c in context.cookies() if c["name"] == "checkin_phone"]
    context.close()


def test_a_second_page_load_fetches_only_the_html(live_server, browser):
    context = browser.new_context(viewport=SCREENS["360"])
    page = context.new_page()
    page.goto(live_server.url + "/mallis/")
    over_the_line = []  # bytes that came over the network; a cache hit brings none
    page.on("requestfinished", lambda r: over_the_line.append(
        (r.url.split("/", 3)[3], r.sizes()["responseHeadersSize"] + r.sizes()["responseBodySize"])))
    page.goto(door(live_server))
    page.wait_for_load_state("networkidle")
    context.close()
    fetched = [url for url, size in over_the_line if size > 0]
    assert len(fetched) == 1 and "/in/" in fetched[0], over_the_line
