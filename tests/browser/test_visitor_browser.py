"""A visitor at the door, in real Chromium at a phone's size."""

import re
import sqlite3
import subprocess

import pytest

from tests.browser.helpers import PHONE, checkin_command, has_zbar, screenshot


def count_visits(live_server):
    with sqlite3.connect(live_server.database) as conn:
        return conn.execute("SELECT count(*) FROM visit").fetchone()[0]


def visit_ids(live_server):
    with sqlite3.connect(live_server.database) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM visit")}


def new_visit(live_server, ids_before):
    """The one visit made since `ids_before` (ids are random: the newest is not the highest)."""
    (made,) = visit_ids(live_server) - ids_before
    with sqlite3.connect(live_server.database) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM visit WHERE id = ?", [made]).fetchone())


def test_scan_check_in_answer_and_be_remembered(live_server, phone):
    door = checkin_command(live_server.env, "door-url", "mallis").strip()
    before, ids_before = count_visits(live_server), visit_ids(live_server)

    phone.goto(door)
    assert phone.locator("h1").inner_text().strip() == "Checka in"
    screenshot(phone, "check-in-sv")
    phone.get_by_role("button", name="Checka in").click()
    assert "Tack! Du är incheckad." in phone.locator("main").inner_text()
    assert count_visits(live_server) == before + 1
    screenshot(phone, "checked-in-sv")

    phone.get_by_role("button", name="Kvinna").click()  # one question per screen
    phone.get_by_role("button", name="Ja, kom ihåg telefonen").click()
    assert "Klart. Nästa gång räcker ett tryck." in phone.locator("main").inner_text()
    visit = new_visit(live_server, ids_before)
    assert visit["gender"] == "woman" and visit["person_hash"] and visit["source"] == "qr"

    phone.goto(door)  # the next scan: the phone has its code, one tap is enough
    assert "Telefonen har en sparad kod" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="Checka in").click()
    assert "Du var redan incheckad i dag." in phone.locator("main").inner_text()
    assert count_visits(live_server) == before + 1

    phone.get_by_role("link", name="English").click()
    assert "You were already checked in today." in phone.locator("main").inner_text()
    phone.goto(door)
    assert phone.get_by_role("button", name="Check in").is_visible()
    screenshot(phone, "check-in-en")


def test_check_in_works_without_javascript_and_weighs_little(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    door = checkin_command(live_server.env, "door-url", "mallis").strip()
    sizes, hosts = [], set()
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]
                                                       + r.sizes()["responseHeadersSize"]))
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    before = count_visits(live_server)
    page.goto(door)
    page.wait_for_load_state("networkidle")
    weight = sum(sizes)
    print(f"check-in page: {len(sizes)} requests, {weight} bytes transferred")
    assert weight < 30_000
    assert hosts == {live_server.url.split("/")[2]}
    page.get_by_role("button", name="Checka in").click()
    assert "Tack! Du är incheckad." in page.locator("main").inner_text()
    assert count_visits(live_server) == before + 1
    context.close()


def test_the_week_fits_a_320px_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/mallis/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    small = page.evaluate("""() => [...document.querySelectorAll('a, button, input, summary')]
        .filter(e => e.offsetParent !== null && !e.classList.contains('skip-link'))
        .map(e => e.getBoundingClientRect())
        .filter(r => r.height < 44).length""")
    assert small == 0
    assert "I dag" in page.locator(".day").first.inner_text()
    screenshot(page, "week-320")
    context.close()


def test_the_week_prints_on_a4(live_server, browser, tmp_path):
    page = browser.new_page()
    page.goto(live_server.url + "/mallis/")
    pdf = tmp_path / "week.pdf"
    page.pdf(path=str(pdf), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    print(f"printed week: {pages} A4 page(s)")
    assert pages == 1
    page.close()


@pytest.mark.skipif(not has_zbar(), reason="zbarimg (Debian's zbar-tools) is not installed")
def test_the_door_qr_code_decodes_to_the_check_in_address(live_server, browser, tmp_path):
    svg = tmp_path / "door.svg"
    door = checkin_command(live_server.env, "door-url", "mallis", "--qr", str(svg)).strip()
    png = tmp_path / "door.png"
    page = browser.new_page(viewport={"width": 500, "height": 500})  # render it as a printer would
    page.goto(svg.as_uri())
    page.screenshot(path=str(png))
    page.close()
    decoded = subprocess.run(["zbarimg", "-q", "--raw", "--nodbus", str(png)],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == door
