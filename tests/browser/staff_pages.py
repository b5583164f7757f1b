"""Every staff page and the kiosk, how to reach it, for the axe, fit and gallery tests.

To add a page, add one line to STAFF_PAGES: a name and either a path or a function that takes
(page, live_server) and leaves the browser on that page. The list is walked in order in one
browser context per language: "start" logs in (as an admin, so every page is reachable), and
"kiosk" turns the context into a kiosk, which logs staff out — keep the kiosk lines last.
"""

import io
import re
import subprocess
import sys

from tests.browser.pages import GALLERY

STAFF_GALLERY = GALLERY / "staff"
ADMIN = "a11yadmin"
PASSWORD = "a long accessibility test password"
VENUE = "/staff/mallis"
GALLERY_MAX_HEIGHT = 2400  # the longest pages (the week, the report) are cut there
ENGLISH_SHOTS = {"start", "week", "figures", "export-preview", "survey-results", "kiosk"}


def create_admin(live_server):
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", ADMIN, "--role", "admin"],
                   input=PASSWORD + "\n", env=live_server.env, check=True, capture_output=True,
                   text=True, timeout=60)


def _log_in(page, live_server):
    page.goto(live_server.url + "/staff/login")
    page.locator("input[name=username]").fill(ADMIN)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(live_server.url + "/staff/")


def _link(start, pattern, then=""):
    """Open `start`, then follow its first link whose address matches the regex `pattern`
    (with `then` added to that address)."""
    def follow(page, live_server):
        page.goto(live_server.url + start)
        hrefs = page.eval_on_selector_all("main a[href]",
                                          "as => as.map(a => a.getAttribute('href'))")
        page.goto(live_server.url + next(h for h in hrefs if re.search(pattern, h)) + then)
    return follow


def _export_preview(page, live_server):
    page.goto(live_server.url + VENUE + "/export")
    page.locator("button[name=show]").click()
    page.wait_for_url("**show=1**")


def _make_kiosk(page, live_server):
    page.goto(live_server.url + VENUE + "/kiosks")
    page.locator("main form:has(input[name=label]) button[type=submit]").click()
    page.wait_for_url(live_server.url + "/kiosk/")


def _kiosk_thanks(page, live_server):
    page.goto(live_server.url + "/kiosk/")
    page.locator("button[name=gender]").first.click()
    page.wait_for_url("**/kiosk/thanks")


STAFF_PAGES = [
    ("login", "/staff/login"),
    ("start", _log_in),
    ("week", VENUE + "/"),
    ("week-change", _link(VENUE + "/", r"/change/\d+/")),
    ("event-new", VENUE + "/events/new"),
    ("week-preview", VENUE + "/preview"),
    ("activities", VENUE + "/activities"),
    ("activity-edit", _link(VENUE + "/activities", r"/activities/\d+$")),
    ("activity-new", VENUE + "/activities/new"),
    ("slot-edit", _link(VENUE + "/activities", r"/slots/\d+$")),
    ("slot-new", VENUE + "/slots/new"),
    ("slot-delete", _link(VENUE + "/activities", r"/slots/\d+$", then="/delete")),
    ("venues", "/staff/venues"),
    ("venue-new", "/staff/venues/new"),
    ("venue-edit", VENUE + "/settings"),
    ("users", "/staff/users"),
    ("user-new", "/staff/users/new"),
    ("user-edit", _link("/staff/users", r"/staff/users/\d+$")),
    ("password", "/staff/password"),
    ("sessions", "/staff/sessions"),
    ("audit", "/staff/audit"),
    ("poster", VENUE + "/poster"),
    ("door-key", VENUE + "/door-key"),
    ("kiosks", VENUE + "/kiosks"),
    ("screens", VENUE + "/screens"),
    ("tally", VENUE + "/tally"),
    ("figures", VENUE + "/figures"),
    ("export", VENUE + "/export"),
    ("export-preview", _export_preview),
    ("report", VENUE + "/report"),
    ("import", VENUE + "/import"),
    ("set-aside", VENUE + "/set-aside"),
    ("set-aside-confirm", VENUE + "/set-aside/new?date=2026-11-23&hour=10"),
    ("ratings", VENUE + "/feedback/"),
    ("free-texts", VENUE + "/feedback/texts"),
    ("ideas", VENUE + "/ideas"),
    ("idea-sheet", VENUE + "/ideas/sheet"),
    ("surveys", VENUE + "/surveys"),
    ("survey", _link(VENUE + "/surveys", r"/surveys/\d+$")),
    ("survey-results", _link(VENUE + "/surveys", r"/surveys/\d+/results$")),
    ("retention", "/staff/retention"),
    ("kiosk", _make_kiosk),  # logs staff out: keep these last
    ("kiosk-thanks", _kiosk_thanks),
]

# Rules a page breaks on purpose, each with the reason; everything else must pass.
ACCEPTED = {
    # An unattended tablet must come back to its start screen by itself, and without script
    # only <meta http-equiv="refresh"> can do that: the thank-you screen after 5 s (it also has
    # a button back), the check-in screen every 10 minutes so the running activity is chosen.
    "kiosk": {"meta-refresh"},
    "kiosk-thanks": {"meta-refresh"},
}


def save_staff_gallery(page, name, lang):
    """The whole page (up to GALLERY_MAX_HEIGHT px) as a 64-colour PNG: a few dozen KB."""
    from PIL import Image

    height = min(GALLERY_MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
    shot = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": 360, "height": height})
    STAFF_GALLERY.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=64)
    image.save(STAFF_GALLERY / f"{name}-{lang}.png", optimize=True)
