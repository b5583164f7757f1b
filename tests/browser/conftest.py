"""Fixtures: a real server (`checkin serve`, waitress) on a free port, driven by Debian's Chromium.

Helpers are in tests/browser/helpers.py.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, PHONE, checkin_command


def pytest_collection_modifyitems(items):
    """Every test in tests/browser drives Chromium: all of them are slow."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", autouse=True)
def _text_as_read():
    """Locators' text as a reader reads it: without the soft hyphens (U+00AD) that visitor
    pages put in long words (web/formatting.py hyphenate), so "Du är incheckad" matches
    "Du är in\u00adcheckad". The hyphens themselves are read with page.evaluate
    (tests/browser/test_visitor_consent_browser.py)."""
    from playwright.sync_api import Locator

    def read(method):
        def plain(self, *args, **kwargs):
            found = method(self, *args, **kwargs)
            if isinstance(found, list):
                return [t.replace("\u00ad", "") if t else t for t in found]
            return found.replace("\u00ad", "") if found else found
        return plain

    originals = {name: getattr(Locator, name)
                 for name in ("inner_text", "all_inner_texts", "text_content",
                              "all_text_contents")}
    for name, method in originals.items():
        setattr(Locator, name, read(method))
    yield
    for name, method in originals.items():
        setattr(Locator, name, method)


def _serve(tmp_path_factory, frozen_now):
    """A seeded demo server whose clock stands at `frozen_now`; yields its SimpleNamespace."""
    instance = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {**os.environ, "CHECKIN_INSTANCE": str(instance),
           "CHECKIN_FROZEN_NOW": frozen_now, "CHECKIN_BASE_URL": f"http://127.0.0.1:{port}",
           # The daily job would close 2025 half-way through the browser tests: not today.
           "CHECKIN_DAILY_FIRST_RUN_SECONDS": "86400",
           # The gallery checks in dozens of times a minute, all from 127.0.0.1; the bounds
           # that follow the sender have their own tests (tests/web/test_posting_flood.py).
           "CHECKIN_CHECKINS_PER_MINUTE": "10000", "CHECKIN_SENDER_CHECKINS_PER_HOUR": "10000",
           "CHECKIN_SENDER_POSTS_PER_HOUR": "10000"}
    checkin_command(env, "init-db")
    checkin_command(env, "seed-demo")
    log = open(instance / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "checkin.cli", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)  # noqa: S310 - our own loopback
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        raise RuntimeError("the server did not start: " + (instance / "server.log").read_text())
    yield SimpleNamespace(url=url, env=env, instance=instance, database=instance / "checkin.db")
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    yield from _serve(tmp_path_factory, "2026-11-23T10:15")  # a Monday: Sygrupp runs 10-12


@pytest.fixture(scope="session")
def closed_day_server(tmp_path_factory):
    """Mallis on a Saturday (closed at weekends, checkin/demo.py): the door's closed day."""
    yield from _serve(tmp_path_factory, "2026-11-28T11:00")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CHECKIN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing although the test command said it is installed")
        pytest.skip(f"{CHROMIUM} is not installed (./run.sh test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
