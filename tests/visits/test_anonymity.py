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
