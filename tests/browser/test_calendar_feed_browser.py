"""The week's calendar feed from a phone in Chromium: the link on the week page, and what the
address behind it gives a calendar app (read with the `icalendar` parser)."""

import datetime as dt

import icalendar
import pytest

from checkin import venues
from checkin.db import connect
from checkin.week import calendar_feed, schedule
from tests.browser.pages import GALLERY, new_context


@pytest.mark.parametrize(("lang", "words", "query"), [
    ("sv", "Lägg till i kalendern", ""), ("en", "Add to calendar", "?lang=en")])
def test_the_week_page_links_to_the_feed_a_calendar_can_read(live_server, browser, lang, words,
                                                             query):
    context = new_context(browser, live_server, lang)
    page = context.new_page()
    page.goto(live_server.url + "/mallis/")
    link = page.get_by_role("link", name=words)
    assert link.is_visible()
    host = live_server.url.split("://")[1]
    assert link.get_attribute("href") == f"webcal://{host}/mallis/week.ics{query}"
    assert page.locator(".feed-url").inner_text() == f"{live_server.url}/mallis/week.ics{query}"
    # What a calendar subscribing to the link fetches: webcal:// is http:// to the server.
    response = context.request.get(f"{live_server.url}/mallis/week.ics{query}")
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.body())
    events = list(calendar.walk("VEVENT"))
    # Every occurrence of the feed's weeks, cancelled ones included (they stay, marked).
    db = connect(live_server.database)
    mallis = venues.by_slug(db, "mallis")
    first, last = calendar_feed.feed_range(dt.date(2026, 11, 23))
    held = schedule.occurrences(db, mallis["id"], first, last)
    db.conn.close()
    assert len(events) == len(held) > 100
    first_name = {"sv": "Sygrupp", "en": "Sewing group"}[lang]
    assert first_name in {str(e["SUMMARY"]) for e in events}
    # The gallery: the block at the bottom of the week page, on a phone.
    GALLERY.mkdir(parents=True, exist_ok=True)
    block = page.locator(".calendar-feed")
    block.scroll_into_view_if_needed()
    box = block.bounding_box()
    top = max(0, box["y"] - 200)
    page.screenshot(path=str(GALLERY / f"calendar-link-{lang}.png"), clip={
        "x": 0, "y": top, "width": 360, "height": box["y"] + box["height"] + 16 - top})
    context.close()
