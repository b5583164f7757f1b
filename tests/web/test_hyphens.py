"""Swedish that breaks like Swedish (issue 25, item 4): soft hyphens from pyphen's sv_SE
dictionary in activity names and long words on visitor pages, none in what a form sends, no
`overflow-wrap: anywhere` on the visitor's body, and 200 % text not scaled back."""

import re
from pathlib import Path

from markupsafe import Markup

from checkin.web.formatting import SOFT_HYPHEN, hyphenate
from tests.helpers import door, raw

CSS = (Path(__file__).resolve().parents[2] / "static" / "style.css").read_text()
SHY = SOFT_HYPHEN


def test_the_week_and_the_door_carry_soft_hyphens(client, mallis):
    week = raw(client.get("/mallis/?week=2026-W48"))
    assert f"Mat{SHY}lag{SHY}nings{SHY}kurs" in week
    assert f"Eko{SHY}no{SHY}miska frågor" in week
    assert "Matlagningskurs" not in week.replace("&#34;", "")  # every visible one hyphenated
    page = raw(client.get(door(mallis)))
    assert f"Sy{SHY}grupp" not in page  # short words stay whole
    # A form sends the activity's id, never its hyphenated name.
    assert SHY not in "".join(re.findall(r'value="([^"]*)"', page))


def test_english_pages_get_an_english_dictionary(client, mallis):
    client.get("/lang/en")
    week = raw(client.get("/mallis/?week=2026-W48"))
    assert "Cooking class" in week
    assert SHY not in "Sewing group"


def test_the_filter_leaves_tags_acronyms_and_short_words(app):
    with app.test_request_context():
        assert hyphenate("Matlagningskurs") == f"Mat{SHY}lag{SHY}nings{SHY}kurs"
        assert hyphenate("BankID och Yoga") == "BankID och Yoga"
        marked = hyphenate(Markup('<a href="/matlagningskurs">Matlagningskurs</a>'))
        assert marked == Markup(f'<a href="/matlagningskurs">Mat{SHY}lag{SHY}nings{SHY}kurs</a>')
        assert hyphenate("") == "" and hyphenate(None) is None
        assert hyphenate("<b>Malmskillnadsgatan</b>") == (
            f"<b>Malm{SHY}skill{SHY}nads{SHY}ga{SHY}tan</b>")  # a str is escaped later


def _rule(selector):
    return re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)[1]


def test_the_body_no_longer_breaks_words_anywhere():
    assert "anywhere" not in _rule("body")
    assert "hyphens: auto" in _rule("body")


def test_large_text_is_not_scaled_back():
    block = CSS.split("@media screen and (max-width: 16em) {")[1].split("\n}")[0]
    assert "font-size" not in block


def test_a_swedish_street_breaks_the_swedish_way_on_english_pages(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert hyphenate("Malmskillnadsgatan", "sv") == (
            f"Malm{SHY}skill{SHY}nads{SHY}ga{SHY}tan")
