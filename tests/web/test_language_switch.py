"""Without cookies the language switch says why it did not switch (issue 25, item 5)."""

import pytest

from tests.helpers import text


def test_the_switch_lands_on_the_page_in_the_new_language(client, mallis):
    response = client.get("/lang/en?next=/mallis/")
    assert response.status_code == 302 and response.location == "/lang/en/set?next=/mallis/"
    landed = client.get(response.location)
    assert landed.status_code == 302 and landed.location == "/mallis/"
    assert "This week" in text(client.get("/mallis/"))


@pytest.mark.parametrize("code, words, lang", [
    ("en", "The language did not change", 'lang="en"'),
    ("sv", "Språket ändrades inte", 'lang="sv"'),
])
def test_a_browser_without_cookies_is_told_why(app, mallis, code, words, lang):
    client = app.test_client(use_cookies=False)
    response = client.get(f"/lang/{code}?next=/mallis/")
    landed = client.get(response.location)
    page = text(landed)
    assert landed.status_code == 200 and words in page and lang in page
    assert 'href="/mallis/"' in page and landed.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("code", ["de", "xx"])
def test_an_unknown_language_is_not_found(client, code):
    assert client.get(f"/lang/{code}/set").status_code == 404


def test_the_way_back_is_our_own_path_only(app):
    client = app.test_client(use_cookies=False)
    page = text(client.get("/lang/en/set?next=//evil.example/"))
    assert 'href="//evil' not in page and 'class="button secondary" href="/"' in page
