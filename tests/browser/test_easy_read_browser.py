"""Easy-read Swedish (lättläst) in real Chromium: the door, the done page, the week and the
privacy page fit a 360 px phone with the text at 100 % and 200 %, nothing sticks out or is cut
off, and axe-core finds nothing; screenshots of the door and the week for the gallery."""

import pytest

from tests.browser.helpers import layout_problems, text_size_context
from tests.browser.pages import GALLERY_VIEWPORT, axe_violations, door, save_gallery

# A few of each page's easy-read words (plain Swedish says them otherwise).
WORDS = {
    "door": ["Vi sparar inte vem du är.", "Så fungerar det", "klockan 10–12"],
    "done": ["Vi har 1 fråga, om du vill svara. Vilket kön har du?"],
    "week": ["Schemat i kalendern i din telefon"],
    "privacy": ["Det här sparar vi när du checkar in", "Vem har ansvar?"],
}


def clipped(page):
    """Text cut off: an element that hides what does not fit in it (overflow hidden or clip,
    text-overflow) while its content is wider or taller than the element."""
    return page.evaluate("""() => {
        const found = [];
        for (const e of document.querySelectorAll('main *, header *')) {
            if (e.offsetParent === null) continue;
            const s = getComputedStyle(e);
            const hides = ['hidden', 'clip'].includes(s.overflowX) ||
                          ['hidden', 'clip'].includes(s.overflowY);
            const over = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
            if (hides && over) {
                found.push(e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30));
            }
        }
        return found;
    }""")


def walk(page, context, live_server):
    """The easy-read visitor's door, the page after the tap, the week and the privacy page."""
    context.clear_cookies()
    context.add_cookies([{"name": "lang", "value": "easy", "url": live_server.url}])
    page.goto(door(live_server))
    yield "door"
    page.locator("form.check-in button[type=submit]").click()
    page.wait_for_url("**/done")
    yield "done"
    page.goto(live_server.url + "/mallis/")
    yield "week"
    page.goto(live_server.url + "/mallis/privacy?next=/mallis/")
    yield "privacy"


@pytest.mark.parametrize("percent", [100, 200])
def test_easy_read_pages_fit_a_phone_at_large_text_with_no_axe_violations(
        live_server, browser, tmp_path_factory, percent):
    context = text_size_context(browser, tmp_path_factory, percent, viewport=GALLERY_VIEWPORT)
    page = context.pages[0] if context.pages else context.new_page()
    width = GALLERY_VIEWPORT["width"]
    seen, problems = [], {}
    for step in walk(page, context, live_server):
        seen.append(step)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "sv", step
        main = page.locator("main").inner_text()
        for words in WORDS[step]:
            assert words in main, (step, words)
        header = page.locator("header.top").inner_text()
        assert "Svenska" in header and "English" in header and "Lättläst" not in header
        text_px = float(page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"))
        assert text_px >= 16 * percent / 100, (step, text_px)
        found = layout_problems(page, width) + clipped(page) + axe_violations(page)
        if found:
            problems[step] = found
        if step in ("door", "week"):
            name = "check-in" if step == "door" else step
            save_gallery(page, name, "easy" if percent == 100 else "easy-200")
    context.close()
    assert seen == ["door", "done", "week", "privacy"]
    assert problems == {}


def test_the_layout_checks_find_cut_off_and_too_wide_text(browser):
    page = browser.new_page(viewport=GALLERY_VIEWPORT)
    page.set_content('<html lang="sv"><body><main><p style="width:100px; overflow:hidden;'
                     ' white-space:nowrap">Vi sparar aldrig ditt namn eller ditt telefonnummer'
                     '</p></main></body></html>')
    assert clipped(page) == ["P Vi sparar aldrig ditt namn ell"]
    page.set_content('<html lang="sv"><body><main><p style="width:500px">Vi sparar aldrig'
                     '</p></main></body></html>')
    assert "sticks out: P Vi sparar aldrig" in layout_problems(page, GALLERY_VIEWPORT["width"])
    page.close()
