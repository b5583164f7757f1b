"""Every visitor page in real Chromium: no axe-core violations in Swedish and English, under
30 KB, nothing from another host, usable without JavaScript; and a gallery of screenshots."""

import pytest

from tests.browser.pages import (
    AFTER_TAP,
    NOT_WEIGHED,
    PAGES,
    WEIGHT_LIMIT,
    axe_violations,
    new_context,
    open_page,
    save_gallery,
)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_axe_violations_on_any_visitor_page(live_server, browser, lang):
    context = new_context(browser, live_server, lang)
    page = context.new_page()
    found = {}
    for name, target in PAGES:
        open_page(page, live_server, target)
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        save_gallery(page, name, lang)
    context.close()
    assert found == {}


def test_every_visitor_page_is_light_local_and_works_without_javascript(live_server, browser):
    own_host = live_server.url.split("/")[2]
    report = []
    for name, target in [p for p in PAGES if p[0] not in NOT_WEIGHED]:
        # A new context for each page: an empty cache, so every byte it needs is counted.
        context = new_context(browser, live_server, "sv", java_script_enabled=False)
        page = context.new_page()
        sizes, hosts = [], set()
        page.on("requestfinished", lambda r, sizes=sizes: sizes.append(
            r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
        page.on("request", lambda r, hosts=hosts: hosts.add(r.url.split("/")[2]))
        open_page(page, live_server, target)
        page.wait_for_load_state("networkidle")
        if name in AFTER_TAP:  # what the taps cost is counted on the check-in page
            sizes.clear()
            page.reload()
            page.wait_for_load_state("networkidle")
        report.append((name, len(sizes), sum(sizes)))
        assert page.locator("h1").first.is_visible(), name
        context.close()
        assert hosts <= {own_host}, (name, hosts)
        assert sum(sizes) < WEIGHT_LIMIT, (name, sum(sizes))
    for name, requests, weight in report:
        print(f"{name}: {requests} requests, {weight} bytes")


def test_axe_really_finds_problems(browser):
    page = browser.new_page()
    page.set_content('<html><body><img src="data:,"><a href="/x"></a></body></html>')
    rules = {line.split(":")[0] for line in axe_violations(page)}
    page.close()
    assert {"image-alt", "html-has-lang", "link-name"} <= rules
