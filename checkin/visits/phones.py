"""Anonymity in one place: the phone's random key, its yearly keyed hash, and hour rounding.

The phone keeps a random key (only after the visitor agrees). The server stores only
HMAC(secret of the year, venue + key): the secret changes every calendar year, so a
phone can be counted as one person within a year and never followed across years.

The phone keeps its key as a code the server signed: `key.g.mac`, where g is the gender
answer it carries (w, m, o, u, or - for none) and mac an HMAC over both with a secret kept
for this purpose only. A made-up code, or an edited answer, fails the MAC: such a phone is
an ordinary visitor, never a person, and never votes.
"""

import base64
import hashlib
import hmac
import secrets
from typing import NamedTuple

from checkin.db import writing

DEVICE_KEY_BYTES = 24
CODE_PURPOSE = "phone code"  # server_secret's purpose: the MAC on phone codes
GENDER_FLAGS = {"woman": "w", "man": "m", "other": "o", "unstated": "u", None: "-"}
FLAG_GENDERS = {flag: gender for gender, flag in GENDER_FLAGS.items()}
MAC_CHARS = 22


class Phone(NamedTuple):
    """A phone the server remembered: its key and the gender answer it carries (or None)."""

    key: str
    gender: str | None


def new_device_key():
    return secrets.token_urlsafe(DEVICE_KEY_BYTES)


def is_device_key(value):
    """A key we could have made: url-safe base64 of the right length, nothing else."""
    if not isinstance(value, str) or len(value) != 32:
        return False
    return all(c.isalnum() or c in "-_" for c in value)


def server_secret(db, purpose):
    """The secret kept for one purpose (m012 makes 'phone code'); made if it is missing."""
    row = db.execute("SELECT secret FROM server_secret WHERE purpose = ?", [purpose]).fetchone()
    if row:
        return bytes.fromhex(row[0])
    with writing(db):
        db.execute("INSERT OR IGNORE INTO server_secret (purpose, secret) VALUES (?, ?)",
                   [purpose, secrets.token_hex(32)])
    return server_secret(db, purpose)


def _code_mac(db, key, flag):
    digest = hmac.new(server_secret(db, CODE_PURPOSE), f"{key}.{flag}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def phone_code(db, key, gender=None):
    """The signed code a phone keeps: its key and the gender answer it carries."""
    if not is_device_key(key):
        raise ValueError("not a device key")
    flag = GENDER_FLAGS[gender]
    return f"{key}.{flag}.{_code_mac(db, key, flag)}"


def read_phone_code(db, value):
    """The Phone a signed code stands for, or None for anything we did not sign."""
    if not isinstance(value, str) or len(value) != 32 + 3 + MAC_CHARS or value.count(".") != 2:
        return None
    key, flag, mac = value.split(".")
    if not is_device_key(key) or flag not in FLAG_GENDERS:
        return None
    if not hmac.compare_digest(mac, _code_mac(db, key, flag)):
        return None
    return Phone(key, FLAG_GENDERS[flag])


class YearClosed(ValueError):
    """The year's secret was deleted at the yearly close; no hash of that year can be made."""


def year_secret(db, year):
    """The secret for a calendar year, created the first time that year needs one."""
    row = db.execute("SELECT secret FROM year_key WHERE year = ?", [year]).fetchone()
    if row:
        return row[0]
    with writing(db):
        # Never make a closed year's secret again: checked in the same write as the insert.
        db.execute(
            "INSERT OR IGNORE INTO year_key (year, secret) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM closed_year WHERE year = ?)",
            [year, secrets.token_hex(32), year],
        )
    row = db.execute("SELECT secret FROM year_key WHERE year = ?", [year]).fetchone()
    if row is None:
        raise YearClosed(f"the secret of {year} was deleted at the yearly close")
    return row[0]


def closed_years(db):
    """The years whose secret the yearly close deleted."""
    return {row[0] for row in db.execute("SELECT year FROM closed_year")}


def years_with_secrets(db):
    """The years with a secret or a hashed visit (closed ones too, until the close is done)."""
    years = {row[0] for row in db.execute("SELECT year FROM year_key")}
    return years | {int(row[0]) for row in db.execute(
        "SELECT DISTINCT substr(date, 1, 4) FROM visit WHERE person_hash IS NOT NULL")}


def first_open_year(db, year):
    """`year`, or the first later year that is not closed."""
    closed = closed_years(db)
    while year in closed:
        year += 1
    return year


def forget_year(db, year, today):
    """Delete the year's secret and mark the year closed; the caller holds the write."""
    db.execute("DELETE FROM year_key WHERE year = ?", [year])
    db.execute("INSERT INTO closed_year (year, closed_on) VALUES (?, ?)",
               [year, today.isoformat()])


def _hash_with(secret, venue_id, device_key):
    message = f"{venue_id}:{device_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def person_hash(db, venue_id, device_key, year):
    """The stored stand-in for a remembered phone: valid for one venue and one year."""
    return _hash_with(bytes.fromhex(year_secret(db, year)), venue_id, device_key)


def purpose_hash(db, purpose, device_key, year):
    """A remembered phone's stand-in for one purpose only ("survey:7", "idea:12").

    The purpose goes into the message, so these hashes can never be joined to visits'
    person hashes nor to each other. An idea or survey of a closed year takes the next
    open year's secret: the phone may then vote or answer once more (see the yearly close).
    """
    secret = bytes.fromhex(year_secret(db, first_open_year(db, year)))
    message = f"{purpose}:{device_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def year_secrets(db, year):
    """`year`'s secret and the person hash of each of its visits, as stored: what the yearly
    close removes (checkin/yearclose.py checks no file still holds one)."""
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    values = [row[0] for row in db.execute("SELECT secret FROM year_key WHERE year = ?", [year])]
    values += [row[0] for row in db.execute(
        "SELECT person_hash FROM visit WHERE date BETWEEN ? AND ? AND person_hash IS NOT NULL",
        [first, last])]
    return values


def kept_secrets(db):
    """Every year secret and visit person hash still kept."""
    return [row[0] for row in db.execute("SELECT secret FROM year_key UNION "
                                         "SELECT person_hash FROM visit") if row[0]]
