"""Helpers for the Chromium tests: the browser's settings, commands, accounts, screenshots."""

import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 360, "height": 740}


def checkin_command(env, *args):
    return subprocess.run([sys.executable, "-m", "checkin.cli", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=120).stdout


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def has_zbar():
    return shutil.which("zbarimg") is not None


def create_staff_account(live_server, username, role, password):
    """A staff account in the live server's database, made the way an operator makes one."""
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", username, "--role", role],
                   input=password + "\n", env=live_server.env, check=True, capture_output=True,
                   text=True, timeout=60)
    return username


def log_in(page, live_server, username, password):
    """Log in through the Swedish login form and land on the staff start page."""
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    assert f"Hej, {username}" in page.locator("main").inner_text()


def text_size_context(browser, tmp_path_factory, percent, **options):
    """A Chromium whose text size setting is `percent` of the usual 16 px, as a visitor with
    poor eyesight sets it (the browser's own preference, so rem, em and media queries follow)."""
    import json

    folder = tmp_path_factory.mktemp(f"text{percent}")
    (folder / "Default").mkdir()
    (folder / "Default" / "Preferences").write_text(json.dumps(
        {"webkit": {"webprefs": {"default_font_size": 16 * percent // 100,
                                 "default_fixed_font_size": 13 * percent // 100}}}))
    return browser.browser_type.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options)


def layout_problems(page, width):
    """What sticks out sideways, and tap targets lower than 44 px, on the page as it is
    (the door steps' and the easy-read pages' check)."""
    return page.evaluate("""(width) => {
        const found = [];
        if (document.documentElement.scrollWidth > width) {
            found.push('page is ' + document.documentElement.scrollWidth + ' px wide');
        }
        for (const e of document.querySelectorAll('body *')) {
            if (e.offsetParent === null || e.classList.contains('skip-link')) continue;
            const r = e.getBoundingClientRect();
            if (r.right > width + 0.5) {
                found.push('sticks out: ' + e.tagName + ' '
                           + (e.textContent || '').trim().slice(0, 30));
            }
            if (e.matches('a, button') && r.height < 44) {
                found.push('small target: ' + (e.textContent || '').trim().slice(0, 30));
            }
        }
        return found;
    }""", width)
