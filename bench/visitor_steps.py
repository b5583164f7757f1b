"""The visitor's steps at the door, measured in Chromium at a phone's size.

    .venv/bin/python -m bench.visitor_steps

Starts `checkin serve` on a fresh demo database, opens the door page at 360 x 740 (Swedish),
taps "Checka in" and then the first answer of every question that follows, and prints for
each screen: its height in CSS pixels, how many things can be tapped (links, buttons, fields,
in the whole page and in <main>), and how wide the page is with the text at 200 %
(wider than 360 means sideways scrolling). Set PYTHONPATH to another checkout to measure that.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import Server, checkin, checkin_env  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGETS = """(scope) => [...document.querySelectorAll(scope + ' a, ' + scope + ' button, '
    + scope + ' summary, ' + scope + ' input:not([type=hidden]), ' + scope + ' textarea')]
    .filter(e => e.offsetParent !== null && !e.classList.contains('skip-link')).length"""


def measure(page):
    return {
        "height": page.evaluate("document.documentElement.scrollHeight"),
        "targets": page.evaluate(TARGETS, "body"),
        "in_main": page.evaluate(TARGETS, "main"),
        "title": page.locator("h1").first.inner_text().strip().replace("\n", " ")[:44],
    }


def walk(browser, door, font_px):
    """[(step, figures)] from the door page to the last screen after the tap."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": font_px, "fixed": font_px}})
    steps = []
    page.goto(door)
    steps.append(("door", {**measure(page), "width": page.evaluate(
        "document.documentElement.scrollWidth")}))
    page.locator("form.check-in button[type=submit]").last.click()
    page.wait_for_load_state("load")
    for n in range(4):
        figures = measure(page)
        figures["width"] = page.evaluate("document.documentElement.scrollWidth")
        steps.append((f"after tap {n + 1}", figures))
        question = page.locator("form.question button[type=submit]")
        if question.count() == 0:
            break
        question.first.click()
        page.wait_for_load_state("load")
    context.close()
    return steps


def main():
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        env = checkin_env(folder)
        checkin(env, "init-db")
        checkin(env, "seed-demo")
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        with Server(folder) as server:
            door = checkin(server.env, "door-url", "mallis").strip()
            for label, font_px in (("100 %", 16), ("200 %", 32)):
                print(f"text {label}   {'height':>7} {'targets':>8} {'in main':>8} {'width':>6}"
                      "  heading")
                for step, f in walk(browser, door, font_px):
                    print(f"  {step:<14} {f['height']:>5}px {f['targets']:>8} {f['in_main']:>8}"
                          f" {f['width']:>4}px  {f['title']}")
        browser.close()


if __name__ == "__main__":
    main()
