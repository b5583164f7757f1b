from checkin.visits.phones import is_device_key, new_device_key, person_hash, year_secret


def test_same_phone_same_year_gives_the_same_hash(db, mallis):
    key = new_device_key()
    assert person_hash(db, mallis["id"], key, 2026) == person_hash(db, mallis["id"], key, 2026)


def test_a_phone_cannot_be_followed_across_years(db, mallis):
    key = new_device_key()
    assert person_hash(db, mallis["id"], key, 2026) != person_hash(db, mallis["id"], key, 2027)


def test_a_phone_cannot_be_followed_across_venues(db, mallis, victor):
    key = new_device_key()
    assert person_hash(db, mallis["id"], key, 2026) != person_hash(db, victor["id"], key, 2026)


def test_the_stored_hash_does_not_contain_the_key(db, mallis):
    key = new_device_key()
    hashed = person_hash(db, mallis["id"], key, 2026)
    assert key not in hashed and len(hashed) == 32


def test_one_secret_per_year_made_once(db):
    first = year_secret(db, 2026)
    assert year_secret(db, 2026) == first
    assert year_secret(db, 2027) != first
    assert db.execute("SELECT count(*) FROM year_key").fetchone()[0] == 2


def test_only_keys_we_could_have_made_are_accepted():
    assert is_device_key(new_device_key())
    for bad in (None, "", "short", "x" * 31 + "!", "<script>alert(1)</script>xxxxxx", "a" * 33):
        assert not is_device_key(bad)


def test_no_table_of_faces_answers_ideas_or_votes_can_be_joined_to_a_visit(db):
    """The privacy page: a face, a text, survey answers, ideas and votes are saved with the
    day, never with your check-in. None of their tables has a column for a visit, its hour
    or its hash, or a reference to the visit table (the survey and vote hashes are of their
    own purpose: tests/feedback/test_surveys.py, tests/feedback/test_ideas.py)."""
    dated = {"feedback": "date", "survey_response": "date", "idea": "created_date",
             "idea_vote": "day", "survey_answer": None}
    for table, day in dated.items():
        columns = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        assert columns, table
        assert day is None or day in columns, table
        assert not columns & {"visit_id", "visit", "hour", "person_hash", "time", "created_at",
                              "minute"}, (table, columns)
        assert all(fk[2] != "visit" for fk in db.execute(f"PRAGMA foreign_key_list({table})")
                   ), table
