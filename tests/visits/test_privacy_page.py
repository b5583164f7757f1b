"""The privacy page says exactly what is kept, what the scrambled codes are and when each thing
goes, in Swedish and English (issue 13, item 5)."""

from checkin.feedback import retention
from tests.helpers import SOMEONE, text


def test_the_privacy_page_says_what_the_survey_and_idea_codes_are_and_when_things_go(
        app, client, db, mallis):
    app.config.update(CLOSE_AFTER_MONTHS=3)
    retention.set_months(db, 6, user=SOMEONE)
    page = " ".join(text(client.get("/privacy")).split())
    # The survey and idea-box codes: what they are for, and that they link nothing.
    assert ("När en ihågkommen telefon svarar på en enkät eller röstar på en idé sparar vi en "
            "förvrängd kod till, gjord bara för den enkäten eller den idén.") in page
    assert "Utan din telefon kan ingen koppla den till dina besök eller dina andra svar." in page
    # When each thing goes: texts and hidden ideas after retention, shown ideas stay.
    assert "Texter som besökare skriver raderas efter 6 månader." in page
    assert "Idéer som personalen inte har visat i idélådan raderas efter 6 månader." in page
    assert "Idéer som visas i idélådan ligger kvar där." in page
    # Survey answers and votes keep their purpose code until the close
    # (tests/visits/test_yearclose.py::test_survey_answers_and_idea_votes_keep_their_counts).
    assert "Ansikten sparas som siffror. De säger inget om vem som svarade." in page
    assert ("Enkätsvar och röster från en telefon med en kod behåller den förvrängda kod som "
            "gjordes för just den enkäten eller idén tills året stängs; sedan är också de bara "
            "siffror.") in page
    # The reference a browser keeps between two steps: ends at the venue's midnight
    # (tests/visits/test_door_guards.py::test_a_step_reference_dies_at_the_venues_midnight_exactly).
    assert ("När du har checkat in eller tryckt på ett ansikte sparar webbläsaren en "
            "slumpkod en stund") in page
    assert ("Den slutar gälla senast vid midnatt, och vi raderar den inom ett dygn efter "
            "det.") in page
    # Forgetting forgets today's check-in too
    # (tests/visits/test_visitor.py::test_forgetting_the_code_also_forgets_todays_visit).
    assert ("Då glömmer telefonen den, och dagens incheckning också: du räknas som ny nästa "
            "gång, även senare i dag.") in page
    # Addresses in memory only, keyed, forgotten within the hour (tests/visits/test_door_guards.py::
    # test_a_senders_budget_forgets_after_its_window_and_keeps_no_address).
    assert ("servern en förvrängd form av internetadressen som ett tryck kommer från i sitt "
            "arbetsminne, aldrig på disk, och glömmer den inom en timme") in page
    assert "idéer och röster sparas med dagen, aldrig med din incheckning" in page
    # A closed year is anonymous.
    assert ("De förvrängda koderna från ett år raderas 3 månader efter att året har slutat, "
            "tillsammans med nyckeln vi gjorde dem med. Sedan är det året anonymt") in page

    client.get("/lang/en")
    page = " ".join(text(client.get("/privacy")).split())
    assert "we save one more scrambled code, made for that survey or that idea only" in page
    assert "Without your phone, nobody can match it with your visits" in page
    assert "Ideas that staff have not shown in the idea box are deleted after 6 months." in page
    assert "Ideas shown in the idea box stay there." in page
    assert ("Survey answers and votes from a phone with a code keep the scrambled code made for "
            "that survey or that idea until the year is closed") in page
    assert "the browser keeps a random reference for a while" in page
    assert ("It stops working at midnight at the latest, and we delete it within a day after "
            "that.") in page
    assert "and today's check-in too: you count as a new person next time, even later today" in page
    assert ("the server keeps a scrambled form of the internet address a tap comes from in its "
            "working memory, never on disk, and forgets it within an hour") in page
    assert ("The scrambled codes of a year are deleted 3 months after the year has ended, "
            "together with the key we made them with. Then that year is anonymous") in page
