"""Every visitor page, how to reach it, and the checks each one gets in Chromium.

To add a page to the axe, weight and gallery tests, add one line to PAGES: a name and either a
path or a function that takes (page, live_server) and leaves the browser on that page.
"""

import os
from pathlib import Path

from tests.browser.helpers import checkin_command

# The committed gallery is rewritten only when asked (CHECKIN_GALLERY=1 ./run.sh test), so an
# ordinary test run leaves the working tree clean; otherwise the shots go to tests/screenshots.
_ROOT = Path(__file__).resolve().parent.parent.parent
GALLERY = (_ROOT / "docs" / "gallery" if os.environ.get("CHECKIN_GALLERY")
           else _ROOT / "tests" / "screenshots" / "gallery")
GALLERY_VIEWPORT = {"width": 360, "height": 740}
GALLERY_MAX_HEIGHT = 1100  # keep the PNGs small: the top of a long page says enough
WEIGHT_LIMIT = 30_000  # bytes transferred: HTML, CSS and images, headers included


def door(live_server):
    return checkin_command(live_server.env, "door-url", "mallis").strip()


def _check_in(page, live_server):
    page.goto(door(live_server))


def _checked_in(page, live_server):
    page.goto(door(live_server))
    page.locator("button.big").click()
    page.wait_for_url("**/done")


def _new_visitor(page):
    """Forget every cookie but the language: the next steps are a first visit again."""
    lang = [c for c in page.context.cookies() if c["name"] == "lang"]
    page.context.clear_cookies()
    page.context.add_cookies(lang)


def _remember_question(page, live_server):
    _new_visitor(page)
    _checked_in(page, live_server)
    page.locator("button.answer-button").first.click()
    page.wait_for_load_state("load")


def _thanks(page, live_server):
    _remember_question(page, live_server)
    page.locator("form.question button.skip").click()
    page.wait_for_load_state("load")


def _again(page, live_server):
    _thanks(page, live_server)
    page.goto(door(live_server))
    page.locator("input[name=activity]").last.check()
    page.locator("button.big").click()
    page.wait_for_url("**/done")


def _no_cookies(page, live_server):
    page.goto(door(live_server))
    _new_visitor(page)
    page.locator("button.big").click()
    page.wait_for_load_state("load")


PAGES = [
    ("home", "/"),
    ("week", "/mallis/"),
    ("check-in", _check_in),
    ("done", _checked_in),
    ("remember", _remember_question),
    ("thanks", _thanks),
    ("again", _again),
    ("no-cookies", _no_cookies),
    ("forget", "/mallis/forget?next=/mallis/"),
    ("old-key", "/mallis/in/oldkey22"),
    ("privacy", "/privacy"),
    ("privacy-venue", "/mallis/privacy?next=/mallis/"),
    ("accessibility", "/accessibility"),
    ("not-found", "/nowhere/"),
    ("not-a-screen", "/mallis/screen"),
]


# Pages reached by tapping through the door: what the taps cost is counted on the check-in page,
# so the weight test reloads them and counts only what the page itself costs then.
AFTER_TAP = {"done", "remember", "thanks", "again"}
# The answer to a POST, which a reload would send again; its HTML is smaller than the door's.
NOT_WEIGHED = {"no-cookies"}


def open_page(page, live_server, target):
    if callable(target):
        target(page, live_server)
    else:
        page.goto(live_server.url + target)
    page.wait_for_load_state("load")


def new_context(browser, live_server, lang, **options):
    context = browser.new_context(viewport=GALLERY_VIEWPORT, device_scale_factor=1, **options)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    return context


def axe_violations(page):
    """axe-core's violations on the current page, as 'rule: target' lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


def save_gallery(page, name, lang):
    GALLERY.mkdir(parents=True, exist_ok=True)
    height = min(GALLERY_MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
    page.screenshot(path=str(GALLERY / f"{name}-{lang}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": GALLERY_VIEWPORT["width"], "height": height})
