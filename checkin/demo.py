"""The demo: Mallis's real week, a second venue, and a year of synthetic visits."""

import datetime as dt
import random
import secrets

from checkin import venues
from checkin.accounts import auth
from checkin.db import migrate, writing
from checkin.feedback import ideas, surveys
from checkin.publishing.cell_key import stored_record_key
from checkin.row_ids import new_row_ids
from checkin.visits.phones import person_hash
from checkin.week.schedule import check_in_choices

# (name_sv, name_en, description_sv, description_en, pictogram, address, counted, slots)
# slots: (weekday 0=Monday, start, end)
MALLIS = [
    ("Sygrupp", "Sewing group", "Sy, laga och lär av varandra.",
     "Sew, mend and learn from each other.", "sewing", "", 1, [(0, "10:00", "12:00")]),
    ("Peer support", "Peer support", "Samtal med någon som har varit där du är.",
     "Talk to someone who has been where you are.", "talk", "", 1,
     [(0, "13:00", "15:00"), (3, "13:00", "15:00")]),
    ("Matlagningskurs", "Cooking class", "Vi lagar lunch tillsammans och äter.",
     "We cook lunch together and eat.", "cooking", "", 1, [(1, "11:00", "14:00")]),
    ("Ekonomiska frågor", "Money matters", "Hjälp med räkningar, budget och brev.",
     "Help with bills, budget and letters.", "money", "", 1, [(1, "14:30", "16:00")]),
    ("Digital verkstad", "Digital workshop", "Hjälp med mobil, dator och BankID.",
     "Help with phone, computer and BankID.", "computer", "", 1, [(2, "10:00", "12:00")]),
    ("Skrivargrupp", "Writing group", "Skriv om det du vill. Ingen erfarenhet behövs.",
     "Write about what you like. No experience needed.", "writing", "", 1,
     [(2, "13:00", "15:00")]),
    ("Kortfilmsgrupp", "Short film group", "Gör film med mobilen.",
     "Make films with a phone.", "film", "", 1, [(3, "10:00", "12:00")]),
    ("Kvinnogrupp", "Women's group", "En stund bara för kvinnor.",
     "Time for women only.", "women", "", 1, [(3, "15:00", "17:00")]),
    ("Yoga", "Yoga", "Lugn yoga för alla kroppar. Mattor finns.",
     "Gentle yoga for every body. Mats are here.", "yoga", "", 1, [(4, "10:00", "11:00")]),
    ("Bostad Först Social Club", "Housing First Social Club", "Fika, spel och prat.",
     "Coffee, games and talk.", "social", "", 1, [(4, "13:00", "16:00")]),
    ("Stadsodling", "Urban gardening", "Odla tillsammans i Koleraparken.",
     "Grow things together in Koleraparken.", "plant", "Koleraparken, Stockholm", 0,
     [(1, "16:00", "18:00")]),
    ("Stadsvandring", "City walk", "Vi går och tittar på staden tillsammans.",
     "We walk and look at the city together.", "walk", "Samling vid Sergels torg", 0,
     [(2, "15:30", "17:00")]),
    ("Skogsvandring", "Forest walk", "En lugn promenad i skogen.",
     "A calm walk in the forest.", "tree", "Judarskogen, Bromma", 0, [(0, "15:30", "17:30")]),
    ("Radio Gatan", "Street radio", "Var med och gör radio.",
     "Help make radio.", "radio", "Radio Gatan, Södermalm", 0, [(3, "17:00", "18:00")]),
    ("Fredagsjam", "Friday jam", "Spela eller lyssna. Alla är välkomna.",
     "Play or listen. Everyone is welcome.", "music",
     "Münchenbryggeriet, Torkel Knutssonsgatan 2", 0, [(4, "18:00", "21:00")]),
    ("Framtidsverkstad", "Future workshop", "Du bestämmer vad vi ska göra här.",
     "You decide what we do here.", "star", "", 1, []),
    ("Julfest", "Christmas party", "Julmat och gemenskap.",
     "Christmas food and company.", "party", "", 1, []),
]

VICTOR = [
    ("Husmöte", "House meeting", "Säg vad du tycker och vad du önskar.",
     "Say what you think and what you wish for.", "meeting", "", 1, [(0, "18:00", "19:00")]),
    ("Gym", "Gym", "Träna tillsammans.", "Work out together.", "sport", "", 1,
     [(1, "17:00", "18:00")]),
    ("Våffelkväll", "Waffle evening", "Vi gräddar våfflor.", "We make waffles.", "food", "", 1,
     [(2, "18:00", "20:00")]),
    ("Klädutdelning", "Clothes give-away", "Hämta kläder du behöver.",
     "Pick up clothes you need.", "people", "", 1, [(3, "14:00", "16:00")]),
    ("Bio", "Cinema", "Vi ser en film ihop.", "We watch a film together.", "film", "", 1,
     [(4, "19:00", "21:00")]),
]

# Outdoor activities in their season only (first month, last month): nobody gardens in
# Koleraparken or walks in Judarskogen on a December evening, when it is dark by three.
SEASONS = {"Stadsodling": (5, 9), "Skogsvandring": (4, 10), "Stadsvandring": (3, 10)}
# Only women come to the women's group: a visit there is a woman's, or unanswered.
WOMEN_ONLY = {"Kvinnogrupp"}
# Fewer visits in high summer and at Christmas, as at a real drop-in.
MONTH_FACTOR = {7: 0.7, 12: 0.85}

DEMO_ADMIN = "admin"

VENUES = [
    # slug, name, organisation, address, activities, visits a month (first, last)
    ("mallis", "Mallis", "Street Minds och Stockholms stad", "Malmskillnadsgatan, Stockholm",
     MALLIS, (40, 140)),
    ("victor", "Victor", "Skyddsvärnet", "Härbärget Victor, Göteborg", VICTOR, (15, 30)),
]


def _seasonal_slots(weekday, start, end, season, today):
    """(weekday, start, end, valid_from, valid_until) for each season from last year to next."""
    first_month, last_month = season
    out = []
    for year in (today.year - 1, today.year, today.year + 1):
        after = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
        until = after - dt.timedelta(days=1)
        out.append((weekday, start, end, dt.date(year, first_month, 1).isoformat(),
                    until.isoformat()))
    return out


def create_venue(db, slug, name, organisation, address, activities, today, seasons=False):
    """A venue with its activities and weekly times (as in MALLIS, VICTOR), in one write; with
    Framtidsverkstad, also its one-off events. With `seasons`, outdoor activities only in their
    months (the demo); without, all year (the tests' fixed week). Returns the venue id."""
    with writing(db):
        venue_id = db.execute(
            "INSERT INTO venue (slug, name, organisation, address, door_key) VALUES (?,?,?,?,?)",
            [slug, name, organisation, address, venues.new_door_key()],
        ).lastrowid
        ids = {}
        for name_sv, name_en, desc_sv, desc_en, pict, where, counted, slots in activities:
            ids[name_sv] = db.execute(
                "INSERT INTO activity (venue_id, name_sv, name_en, description_sv, "
                "description_en, pictogram, address, counted) VALUES (?,?,?,?,?,?,?,?)",
                [venue_id, name_sv, name_en, desc_sv, desc_en, pict, where, counted],
            ).lastrowid
            for weekday, start, end in slots:
                if seasons and name_sv in SEASONS:
                    times = _seasonal_slots(weekday, start, end, SEASONS[name_sv], today)
                else:
                    times = [(weekday, start, end, "2000-01-01", None)]
                for values in times:
                    db.execute(
                        "INSERT INTO slot (venue_id, activity_id, weekday, start, \"end\", "
                        "valid_from, valid_until) VALUES (?,?,?,?,?,?,?)",
                        [venue_id, ids[name_sv], *values],
                    )
        if "Framtidsverkstad" in ids:
            thursday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=10)
            db.execute(
                "INSERT INTO event (venue_id, activity_id, date, start, \"end\", note_sv, note_en)"
                " VALUES (?,?,?,?,?,?,?)",
                [venue_id, ids["Framtidsverkstad"], thursday.isoformat(), "13:00", "16:00",
                 "Vi bjuder på lunch.", "Lunch is on us."],
            )
            party = dt.date(today.year, 12, 18)
            if party < today:
                party = dt.date(today.year + 1, 12, 18)
            db.execute(
                "INSERT INTO event (venue_id, activity_id, date, start, \"end\") "
                "VALUES (?,?,?,?,?)",
                [venue_id, ids["Julfest"], party.isoformat(), "17:00", "20:00"],
            )
    return venue_id


def _synthetic_visits(db, venue_id, today, per_month, rng):
    """A year up to yesterday, growing from per_month[0] to per_month[1] visits a month."""
    first, last = per_month
    people = [(f"demo-{venue_id}-{i}", rng.choices(
        ["woman", "man", "other", "unstated"], [26, 70, 2, 2])[0]) for i in range(80)]
    women = [p for p in people if p[1] == "woman"]
    rows, start = [], today - dt.timedelta(days=365)
    for month in range(12):
        month_start = start + dt.timedelta(days=month * 365 // 12)
        month_end = start + dt.timedelta(days=(month + 1) * 365 // 12)
        target = round((first + (last - first) * month / 11)
                       * MONTH_FACTOR.get(month_start.month, 1))
        days = []
        day = month_start
        while day < month_end:
            choices = check_in_choices(db, venue_id, day)
            if choices:
                days.append((day, choices))
            day += dt.timedelta(days=1)
        if not days:
            continue
        pool = people[: 30 + month * 4]
        for _ in range(target):
            day, choices = rng.choice(days)
            item = rng.choice(choices)
            women_only = item["activity"]["name_sv"] in WOMEN_ONLY
            activity = None if rng.random() < 0.1 and not women_only else item["activity"]["id"]
            hour = int(item["start"][:2])
            kind = rng.random()
            if kind < 0.6:
                key, gender = rng.choice([p for p in pool if p[1] == "woman"] or women
                                         if women_only else pool)
                answer = None if rng.random() < 0.1 else gender
                rows.append((venue_id, activity, day, hour, answer, "qr",
                             person_hash(db, venue_id, key, day.year)))
            else:
                gender = rng.choices(["woman", "man", "other", "unstated", None],
                                     [90, 0, 1, 4, 5] if women_only else [24, 62, 2, 4, 8])[0]
                source = "kiosk" if kind < 0.8 else "qr" if kind < 0.95 else "tally"
                rows.append((venue_id, activity, day, None if source == "tally" else hour,
                             gender, source, None))
    with writing(db):
        # A phone counts once a day: the unique index drops a second visit that day.
        db.conn.executemany(
            "INSERT OR IGNORE INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
            "person_hash, record_key) VALUES (?,?,?,?,?,?,?,?,?)",
            [(i, v, a, d.isoformat(), h, g, s, p, stored_record_key()) for i, (v, a, d, h, g, s, p)
             in zip(new_row_ids(db, "visit", len(rows)), rows, strict=True)],
        )
    return db.execute("SELECT count(*) FROM visit WHERE venue_id = ?", [venue_id]).fetchone()[0]


YEARLY_SURVEY = {
    "title_sv": "Årets brukarenkät", "title_en": "This year's user survey",
    "questions": [
        {"text_sv": "Behöver du mer stöd med något att göra på dagarna?",
         "text_en": "Do you need more support with something to do during the day?",
         "kind": "choice"},
        {"text_sv": "Behöver du mer stöd med ensamhet?",
         "text_en": "Do you need more support with loneliness?", "kind": "choice"},
    ],
}
# (text, status, answer_sv, answer_en, votes)
DEMO_IDEAS = [
    ("Bingo på fredagar", "planned", "Vi börjar med bingo i januari.",
     "We start bingo in January.", 7),
    ("Mer matlagning, gärna vegetariskt", "considering", "Vi frågar kursledaren.",
     "We are asking the course leader.", 5),
    ("Studiebesök på Fotografiska", "done", "Vi var där i oktober. Tack för idén!",
     "We went there in October. Thank you for the idea!", 4),
    ("Ta med hundar hit", "not_possible",
     "Det går inte, eftersom flera här är allergiska. Vi kan gå till en hundrastgård ihop.",
     "It is not possible, because several people here are allergic. We can visit a dog park "
     "together.", 2),
    ("Filmkväll en gång i månaden", "new", "", "", 1),
]


def _answers(count, yes_share, rng):
    """Exactly round(count * yes_share) yes, the rest split between partly and no, shuffled."""
    yes = round(count * yes_share)
    partly = (count - yes) // 3
    values = ["yes"] * yes + ["partly"] * partly + ["no"] * (count - yes - partly)
    rng.shuffle(values)
    return values


def _yearly_survey(db, venue_id, today, rng):
    """The yearly user survey, open now: about 33 % and 22 % "yes" to its two questions, as
    in the real survey."""
    exists = db.execute("SELECT 1 FROM survey WHERE venue_id = ? AND title_sv = ?",
                        [venue_id, YEARLY_SURVEY["title_sv"]]).fetchone()
    if exists:
        return None
    opens, closes = today - dt.timedelta(days=45), today + dt.timedelta(days=30)
    survey_id = surveys.create_survey(db, venue_id=venue_id, opens=opens, closes=closes, user=None,
                                      **YEARLY_SURVEY)
    survey = surveys.get_survey(db, survey_id)
    count = 60
    first, second = (_answers(count, share, rng) for share in (0.33, 0.22))
    for i in range(count):
        day = opens + dt.timedelta(days=rng.randrange((today - opens).days))
        key = f"demo-survey-{venue_id}-{i}" if i % 2 == 0 else None  # half remembered phones
        answers = {survey["questions"][0]["id"]: first[i], survey["questions"][1]["id"]: second[i]}
        surveys.record_response(db, survey, day, answers, key)
    return count


# What changed in the programme because of an idea: (change_sv, change_en, linked activity).
DEMO_CHANGES = {
    "Bingo på fredagar": ("Bingo på Social Club varje fredag från januari.",
                          "Bingo at the Social Club every Friday from January.",
                          "Bostad Först Social Club"),
    "Studiebesök på Fotografiska": ("Ett studiebesök i oktober. I vår gör vi fler.",
                                    "A study visit in October. We make more in the spring.",
                                    None),
}


def _demo_ideas(db, venue_id, today):
    if db.execute("SELECT 1 FROM idea WHERE venue_id = ? LIMIT 1", [venue_id]).fetchone():
        return None
    activity_ids = {name: i for i, name in db.execute(
        "SELECT id, name_sv FROM activity WHERE venue_id = ?", [venue_id])}
    for n, (text, status, answer_sv, answer_en, votes) in enumerate(DEMO_IDEAS):
        created = today - dt.timedelta(days=40 - n * 7)
        idea_id = ideas.suggest(db, venue_id=venue_id, day=created, text=text)
        change_sv, change_en, activity = DEMO_CHANGES.get(text, ("", "", None))
        ideas.moderate(db, idea_id, status=status, answer_sv=answer_sv, answer_en=answer_en,
                       publish=True, change_sv=change_sv, change_en=change_en,
                       activity_id=activity_ids.get(activity),
                       day=min(today, created + dt.timedelta(days=14)), user=None)
        for voter in range(votes):
            ideas.vote(db, idea_id, f"demo-voter-{venue_id}-{voter}")
    ideas.suggest(db, venue_id=venue_id, day=today - dt.timedelta(days=2),
                  text="Kan vi ha längre öppet på fredagar?")
    return len(DEMO_IDEAS) + 1


DEMO_TEXTS = [
    "Jättegod lunch i dag, tack!",
    "Skönt att få prata med någon.",
    "Kan vi ha yoga två gånger i veckan?",
    "Det var lite trångt men trevligt.",
    "Bra hjälp med BankID.",
]


def _demo_ratings(db, venue_id, rng):
    """About one smiley for every four visits, most of them happy, and a few short texts."""
    if db.execute("SELECT 1 FROM feedback WHERE venue_id = ? LIMIT 1", [venue_id]).fetchone():
        return None
    # Ordered by what is used, never by id (random): the same demo every time.
    visits = db.execute("SELECT date, activity_id FROM visit WHERE venue_id = ? "
                        "ORDER BY date, activity_id", [venue_id]).fetchall()
    rows = [(venue_id, activity, day, rng.choices([1, 2, 3, 4, 5], [5, 8, 20, 37, 30])[0],
             stored_record_key()) for day, activity in visits if rng.random() < 0.25]
    with writing(db):
        db.conn.executemany("INSERT INTO feedback (id, venue_id, activity_id, date, rating, "
                            "record_key) VALUES (?, ?, ?, ?, ?, ?)",
                            [(i, *row) for i, row
                             in zip(new_row_ids(db, "feedback", len(rows)), rows, strict=True)])
        recent = db.execute("SELECT id FROM feedback WHERE venue_id = ? "
                            "ORDER BY date DESC, activity_id, rating LIMIT ?",
                            [venue_id, len(DEMO_TEXTS)]).fetchall()
        for (feedback_id,), text in zip(recent, DEMO_TEXTS, strict=False):
            db.execute("UPDATE feedback SET text = ? WHERE id = ?", [text, feedback_id])
    return len(rows)


DEMO_MARK = "demo_data"


class RealData(Exception):
    """The database holds more than the demo made: seeding would mix made-up data into it."""


def not_demo(db):
    """Why this database is not the demo's (a sentence), or None where seeding is safe: an
    empty database, or one the demo made. A database from before the demo marked itself
    counts as the demo's when its venues and accounts are only the demo's."""
    if db.execute("SELECT 1 FROM setting WHERE key = ?", [DEMO_MARK]).fetchone():
        return None
    slugs = {r[0] for r in db.execute("SELECT slug FROM venue")}
    users = {r[0] for r in db.execute("SELECT username FROM staff_user")}
    other_venues = slugs - {v[0] for v in VENUES}
    other_users = users - {DEMO_ADMIN}
    if not slugs and not users:
        return None
    if other_venues or other_users:
        return (f"it holds {len(slugs)} venue(s) and {len(users)} staff account(s) the demo "
                "did not make")
    return None


def seed(db, frozen_now=None, *, force=False):
    """Create what is missing; running it again changes nothing. Yields lines to print.

    Refuses (RealData) a database with data the demo did not make, unless `force`."""
    migrate(db)
    reason = not_demo(db)
    if reason and not force:
        raise RealData(reason)
    with writing(db):
        db.execute("INSERT OR IGNORE INTO setting (key, value) VALUES (?, '1')", [DEMO_MARK])
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not security
    for slug, name, organisation, address, activities, per_month in VENUES:
        venue = venues.by_slug(db, slug)
        today = venues.local_now(venue or {"timezone": "Europe/Stockholm"}, frozen_now).date()
        if venue is None:
            create_venue(db, slug, name, organisation, address, activities, today, seasons=True)
            venue = venues.by_slug(db, slug)
            yield f"Created venue {name} ({slug}) with {len(activities)} activities"
        else:
            yield f"Venue {name} ({slug}) already there"
        has_visits = db.execute(
            "SELECT 1 FROM visit WHERE venue_id = ? LIMIT 1", [venue["id"]]
        ).fetchone()
        if not has_visits:
            count = _synthetic_visits(db, venue["id"], today, per_month, rng)
            yield f"  added {count} synthetic visits over the last 12 months"
        if slug == "mallis":
            count = _yearly_survey(db, venue["id"], today, rng)
            if count:
                yield f"  added the yearly user survey with {count} synthetic responses"
            count = _demo_ideas(db, venue["id"], today)
            if count:
                yield f"  added {count} ideas to the idea box (one waiting for staff)"
            count = _demo_ratings(db, venue["id"], rng)
            if count:
                yield f"  added {count} smiley ratings, a few with a short text"
    if auth.user_by_name(db, DEMO_ADMIN) is None:
        password = secrets.token_urlsafe(12)
        auth.create_user(db, DEMO_ADMIN, password, "admin")
        # Shown once: only its hash is kept.
        yield f"Staff login: {DEMO_ADMIN} / {password}"
    else:
        yield f"Staff account {DEMO_ADMIN} already there (its password was printed when created)"
