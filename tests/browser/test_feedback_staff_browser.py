"""Staff answer an idea in real Chromium and the visitor sees it; phone shots of the pages."""


import pytest

from tests.browser.helpers import PHONE, create_staff_account, log_in, screenshot

PASSWORD = "a long idea moderator password"
IDEA = "Kan vi ha en filmkväll med popcorn?"


@pytest.fixture(scope="module")
def moderator(live_server):
    return create_staff_account(live_server, "moderator", "admin", PASSWORD)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_visitor_idea_is_approved_planned_and_answered(live_server, browser, phone, moderator):
    phone.goto(live_server.url + "/mallis/ideas")
    phone.get_by_label("Din idé").fill(IDEA)
    phone.get_by_role("button", name="Skicka idén").click()
    assert IDEA not in phone.locator(".ideas").inner_text()  # waits for staff first

    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    staff = context.new_page()
    log_in(staff, live_server, moderator, PASSWORD)
    staff.get_by_role("link", name="Idéer från besökare").first.click()
    card = staff.locator("li.idea-card", has_text=IDEA)
    card.get_by_text("Svara innan den visas").click()  # the answer form opens on demand
    card.get_by_label("Status").select_option(label="Blir av")
    card.get_by_label("Svar på svenska").fill("Vi visar film på fredag kl. 18.")
    card.get_by_label("Svar på engelska (om du vill)").fill("Film on Friday at 6 pm.")
    screenshot(staff, "fbstaff-ideas")
    card.locator("details").get_by_role("button", name="Godkänn och visa").click()
    assert "Idén visas i idélådan nu." in staff.locator("main").inner_text()
    assert fits(staff)

    phone.reload()
    shown = phone.locator("li.idea", has_text=IDEA).inner_text()
    assert "Blir av" in shown and "Vi visar film på fredag kl. 18." in shown
    context.close()


def test_the_staff_feedback_pages_fit_a_phone(live_server, browser, moderator):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    log_in(page, live_server, moderator, PASSWORD)
    for name, path in [("fbstaff-ratings", "/staff/mallis/feedback/"),
                       ("fbstaff-texts", "/staff/mallis/feedback/texts"),
                       ("fbstaff-surveys", "/staff/mallis/surveys"),
                       ("fbstaff-survey", "/staff/mallis/surveys/1"),
                       ("fbstaff-results", "/staff/mallis/surveys/1/results?group=month"),
                       ("fbstaff-retention", "/staff/retention")]:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        screenshot(page, name)
        assert fits(page), path
    context.close()
