"""Every staff page and the kiosk in real Chromium, logged in as an admin, in Swedish and
English: no axe-core violations, nothing from another host, no sideways scrolling on a 360 px
phone; and a gallery of phone screenshots in docs/gallery/staff/."""

import pytest

from tests.browser.pages import GALLERY_VIEWPORT, axe_violations, new_context, open_page
from tests.browser.staff_pages import (
    ACCEPTED,
    ENGLISH_SHOTS,
    STAFF_PAGES,
    create_admin,
    save_staff_gallery,
)

# The innermost elements that reach past the right edge, to say what makes a page too wide.
STICKING_OUT = """[...document.querySelectorAll('body *')].filter(e =>
    e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
    && ![...e.children].some(c => c.getBoundingClientRect().right >
                                  document.documentElement.clientWidth + 0.5)
  ).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                         + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


@pytest.fixture(scope="module")
def admin(live_server):
    create_admin(live_server)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_staff_page_is_accessible_local_and_fits_a_phone(live_server, browser, admin,
                                                               lang):
    own_host = live_server.url.split("/")[2]
    context = new_context(browser, live_server, lang)
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    found, elsewhere, too_wide = {}, {}, {}
    for name, target in STAFF_PAGES:
        hosts.clear()
        open_page(page, live_server, target)
        assert page.locator("html").get_attribute("lang") == lang, name
        assert page.locator("h1").count() == 1, name  # one page, one main heading
        accepted = ACCEPTED.get(name, set())
        violations = [v for v in axe_violations(page) if v.split(":")[0] not in accepted]
        if violations:
            found[name] = violations
        if hosts - {own_host}:
            elsewhere[name] = hosts - {own_host}
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > GALLERY_VIEWPORT["width"]:
            too_wide[name] = (width, page.evaluate(STICKING_OUT))
        if lang == "sv" or name in ENGLISH_SHOTS:
            save_staff_gallery(page, name, lang)
    context.close()
    print(f"{len(STAFF_PAGES)} staff pages checked in {lang}")
    problems = [f"{name}: {line}" for name, lines in found.items() for line in lines]
    problems += [f"{name}: asked another host {sorted(h)}" for name, h in elsewhere.items()]
    problems += [f"{name}: {w} px wide, sticking out: {what}" for name, (w, what) in
                 too_wide.items()]
    assert not problems, "\n".join(problems)
