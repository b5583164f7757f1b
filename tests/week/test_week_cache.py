"""The week page is made once per schedule version, day and language, and never shows a stale
programme or another browser's message."""

from checkin.db import writing
from tests.helpers import text


def test_an_edit_to_the_programme_shows_at_once(client, db, mallis):
    assert "Sygrupp" in text(client.get("/mallis/"))
    with writing(db):
        db.execute("UPDATE activity SET name_sv = 'Syjunta' WHERE name_sv = 'Sygrupp'")
    page = text(client.get("/mallis/"))
    assert "Syjunta" in page and "Sygrupp" not in page


def test_a_renamed_venue_shows_at_once(client, db, mallis):
    assert "Mallis" in text(client.get("/mallis/"))
    with writing(db):
        db.execute("UPDATE venue SET name = 'Malmskillnaden' WHERE slug = 'mallis'")
    assert "Malmskillnaden" in text(client.get("/mallis/"))


def test_each_language_and_week_gets_its_own_page(app, client, mallis):
    swedish = text(client.get("/mallis/"))
    english = app.test_client()
    english.get("/lang/en")
    assert "This week's programme" in text(english.get("/mallis/"))
    assert "Veckans schema" in swedish and "This week's programme" not in swedish
    assert "Vecka 49" in text(client.get("/mallis/?week=2026-W49"))
    assert "Vecka 48" in text(client.get("/mallis/"))


def test_a_message_for_one_browser_is_not_shown_to_the_next(app, client, mallis):
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Only for this browser")]
    assert "Only for this browser" in text(client.get("/mallis/"))
    assert "Only for this browser" not in text(app.test_client().get("/mallis/"))
    assert "Only for this browser" not in text(client.get("/mallis/"))


def test_the_language_links_lead_back_to_the_week_asked_for(client, mallis):
    client.get("/mallis/?week=2026-W50")
    page = text(client.get("/mallis/?week=2026-W49"))
    assert "next=/mallis/?week%3D2026-W49" in page or "next=%2Fmallis%2F%3Fweek%3D2026-W49" in page
