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
# The gallery shows each page as staff see it on a phone and on a laptop.
GALLERY_WIDTHS = {390: 844, 1280: 800}


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


def _export_mostly_hidden(page, live_server):
    page.goto(live_server.url + VENUE + "/export?first=2026-01-01&last=2026-11-22&group=month"
              "&by_activity=y&venue=mallis&min_cell=3&fmt=xlsx&download=1")


def _tally_typed(page, live_server):
    page.goto(live_server.url + VENUE + "/tally")
    page.locator("input[name=man]").fill("6")
    page.locator("input[name=woman]").fill("3")
    page.locator("input[name=woman]").press("Enter")
    page.wait_for_url("**#saved")


def _kiosk_off(page, live_server):
    """The question before a kiosk is turned off: a kiosk row is made first if none is on."""
    import sqlite3

    with sqlite3.connect(live_server.database) as conn:
        if not conn.execute("SELECT 1 FROM kiosk WHERE revoked_at IS NULL").fetchone():
            conn.execute("INSERT INTO kiosk (venue_id, token_hash, label, created_at) VALUES "
                         "(1, 'gallery', 'Surfplattan vid dörren', '2026-11-20T09:00:00+00:00')")
    _link(VENUE + "/kiosks", r"/kiosks/\d+/revoke")(page, live_server)


def _make_kiosk(page, live_server):
    page.goto(live_server.url + VENUE + "/kiosks")
    page.locator("main form:has(input[name=label]) button[type=submit]").click()
    page.wait_for_url(live_server.url + "/kiosk/")


def _kiosk_thanks(page, live_server):
    page.goto(live_server.url + "/kiosk/")
    page.locator("button[name=gender]").first.click()
    page.wait_for_url("**/kiosk/thanks**")


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
    ("tally-saved", _tally_typed),
    ("figures", VENUE + "/figures"),
    ("export", VENUE + "/export"),
    ("export-preview", _export_preview),
    ("export-mostly-hidden", _export_mostly_hidden),
    ("report", VENUE + "/report"),
    ("report-no-year", VENUE + "/report/2019"),
    ("import", VENUE + "/import"),
    ("set-aside", VENUE + "/set-aside"),
    ("set-aside-confirm", VENUE + "/set-aside/new?date=2026-11-23&hour=10"),
    ("ratings", VENUE + "/feedback/"),
    ("free-texts", VENUE + "/feedback/texts"),
    ("text-delete", _link(VENUE + "/feedback/texts", r"/texts/\d+/delete")),
    ("copy-week", VENUE + "/copy-week"),
    ("ideas", VENUE + "/ideas"),
    ("idea-sheet", VENUE + "/ideas/sheet"),
    ("surveys", VENUE + "/surveys"),
    ("survey", _link(VENUE + "/surveys", r"/surveys/\d+$")),
    ("survey-results", _link(VENUE + "/surveys", r"/surveys/\d+/results$")),
    ("retention", "/staff/retention"),
    ("kiosk-off", _kiosk_off),
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
    """The page at 390 px (a phone) and 1280 px (a laptop), each up to GALLERY_MAX_HEIGHT px,
    as 64-colour PNGs of a few dozen KB: <name>-390-<lang>.png and <name>-1280-<lang>.png.
    The viewport is put back as it was."""
    from PIL import Image

    before = page.viewport_size
    STAFF_GALLERY.mkdir(parents=True, exist_ok=True)
    for width, height in GALLERY_WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        tall = min(GALLERY_MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
        shot = page.screenshot(full_page=True,
                               clip={"x": 0, "y": 0, "width": width, "height": tall})
        image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(colors=64)
        image.save(STAFF_GALLERY / f"{name}-{width}-{lang}.png", optimize=True)
    page.set_viewport_size(before)
