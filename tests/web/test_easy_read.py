"""Easy-read Swedish (lättläst): the third language a visitor can choose. It is kept like the
other two (the `lang` cookie, nothing on the server), is Swedish to the browser, and the shared
week page never hands one language's page to a visitor who chose the other."""

import pytest

from tests.helpers import answer, check_in, door, text

# The plain Swedish and the easy-read words of the same strings, as the pages show them.
EASY = {
    "week": ["Schemat i kalendern i din telefon", "klockan 10–12",  # no abbreviation: "kl."
             "Du kan också klistra in den här adressen i kalendern i din telefon:"],
    "done": ["Vi har 1 fråga, om du vill svara. Vilket kön har du?",
             "Trycker du på ”Hoppa över”? Då sparar vi ingenting."],
    "privacy": ["Det här sparar vi när du checkar in", "Vem har ansvar?",
                "Vi sparar bara en förvrängd kod. Ingen kan göra om den till telefonens kod igen."
                " Den förvrängda koden blir ny varje år."],
    "ideas": ["Du kan föreslå en aktivitet. Du kan rösta på andras idéer.",
              "Vi visar inga idéer än. Du kan skriva den första!"],
    "door": ["Telefonen har en sparad kod. Det räcker att trycka 1 gång.", "klockan 13–15"],
}
PLAIN = {
    "week": ["Schemat i mobilens kalender", "kl. 10–12"],
    "done": ["En fråga, om du vill: vilket kön har du?"],
    "privacy": ["När du checkar in sparar vi", "Vem ansvarar?"],
    "ideas": ["Föreslå en aktivitet och rösta på andras idéer."],
    "door": ["Telefonen har en sparad kod: ett tryck räcker.", "kl. 13–15"],
}


def easy(client, where="/"):
    return client.get("/lang/easy", query_string={"next": where})


def pages(client, venue):
    """Each page a visitor reads, by name: the done page after the tap, and the door once the
    phone keeps its code."""
    done = text(client.get(check_in(client, venue, "none").location))
    answer(client, venue, "gender", "woman")
    answer(client, venue, "remember", "yes")
    return {"done": done, "door": text(client.get(door(venue))),
            "week": text(client.get("/mallis/")), "privacy": text(client.get("/privacy")),
            "ideas": text(client.get("/mallis/ideas"))}


def language_links(page):
    header = page.split('<header class="top">')[1].split("</header>")[0]
    return {name for name in ("Svenska", "Lättläst", "English") if f">{name}</a>" in header}


def test_the_easy_read_choice_shows_easy_words_on_every_visitor_page(client, mallis):
    response = easy(client, "/mallis/")
    # Through the check that the cookie came back (issue 25), then to the page asked for.
    assert response.status_code == 302 and response.location.startswith("/lang/easy/set")
    assert client.get(response.location).location == "/mallis/"
    for name, page in pages(client, mallis).items():
        assert '<html lang="sv">' in page, name
        for words in EASY[name]:
            assert words in page, (name, words)
        for words in PLAIN[name]:
            assert words not in page, (name, words)
        assert language_links(page) == {"Svenska", "English"}, name


def test_plain_swedish_is_what_a_visitor_reads_without_the_choice(app, mallis):
    plain = app.test_client()
    for name, page in pages(plain, mallis).items():
        assert '<html lang="sv">' in page, name
        for words in PLAIN[name]:
            assert words in page, (name, words)
        for words in EASY[name]:
            assert words not in page, (name, words)
        assert language_links(page) == {"Lättläst", "English"}, name


def test_the_switch_back_from_easy_read_leads_to_plain_swedish_and_english(client, mallis):
    easy(client)
    client.get("/lang/sv")
    assert "Vem ansvarar?" in text(client.get("/privacy"))
    client.get("/lang/en")
    page = text(client.get("/privacy"))
    assert '<html lang="en">' in page and "Who is responsible?" in page
    assert language_links(page) == {"Svenska", "Lättläst"}


def test_the_choice_is_kept_in_the_lang_cookie_like_the_other_languages(client, mallis):
    response = easy(client, "/mallis/")
    [cookie] = response.headers.getlist("Set-Cookie")
    [english] = client.get("/lang/en").headers.getlist("Set-Cookie")
    # The very same cookie as English and Swedish: how long (Max-Age), who may read it.
    def attributes(header):  # Expires is the clock's second: the one part that may differ
        return [part for part in header.split("; ")[1:] if not part.startswith("Expires=")]

    assert attributes(cookie) == attributes(english) and "Max-Age=34560000" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    easy(client)
    assert client.get_cookie("lang").value == "easy"
    assert client.get_cookie("session") is None  # not in the session, nothing on the server
    assert "Vem har ansvar?" in text(client.get("/privacy"))


def test_a_browser_that_keeps_no_cookies_reads_plain_swedish(app, client, mallis):
    """The choice lives only in the browser: one that throws the cookie away (a QR app's
    browser) is switched and then reads the default, plain Swedish, as with English."""
    response = easy(client, "/mallis/")
    without = app.test_client()  # the redirect's cookie never comes back
    assert response.status_code == 302
    told = without.get(response.location)  # the check finds no cookie and says so
    assert told.status_code == 200 and "Språket ändrades inte" in text(told)
    page = text(without.get("/mallis/"))
    assert "Schemat i mobilens kalender" in page and "Schemat i kalendern" not in page
    assert language_links(page) == {"Lättläst", "English"}


@pytest.mark.parametrize("cookie", ["Easy", "easy ", "lättläst", "sv-easy"])
def test_an_odd_lang_cookie_reads_plain_swedish(client, mallis, cookie):
    client.set_cookie("lang", cookie)
    assert "Vem ansvarar?" in text(client.get("/privacy"))


@pytest.mark.parametrize("first", ["sv", "easy"])
def test_the_shared_week_page_is_never_the_other_swedish(app, mallis, first):
    """The week page is made once and shared: plain Swedish and easy-read are both Swedish
    (the same locale), so the page is kept by the visitor's choice, not by the locale."""
    swedish, easy_reader = app.test_client(), app.test_client()
    easy(easy_reader)
    order = [swedish, easy_reader] if first == "sv" else [easy_reader, swedish]
    for visitor in order + order:  # each made once, then each served from the cache
        page = text(visitor.get("/mallis/"))
        if visitor is easy_reader:
            assert "Schemat i kalendern i din telefon" in page
            assert "Schemat i mobilens kalender" not in page
        else:
            assert "Schemat i mobilens kalender" in page
            assert "Schemat i kalendern i din telefon" not in page


def test_the_week_cache_keyed_by_the_locale_would_mix_them(app, mallis, monkeypatch):
    """The fix off: a key by the locale alone ('sv' for both) serves the first page made."""
    from flask_babel import get_locale

    from checkin.week import routes

    monkeypatch.setattr(routes, "language_choice", lambda: str(get_locale()))
    swedish, easy_reader = app.test_client(), app.test_client()
    easy(easy_reader)
    assert "Schemat i mobilens kalender" in text(swedish.get("/mallis/"))
    assert "Schemat i mobilens kalender" in text(easy_reader.get("/mallis/"))  # the wrong one
