"""Staff accounts: roles, passwords, server-side sessions and login throttling. No Flask.

Roles are ordered viewer < staff < admin. A staff account may be limited to some venues
(rows in user_venue); an account without rows may use every venue.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
import unicodedata
from functools import lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from checkin.accounts import audit
from checkin.db import writing
from checkin.hours import hour_stamp, this_hour, to_the_hour
from checkin.tokens import new_token, token_hash

ROLES = ("viewer", "staff", "admin")
PASSWORD_MIN = 12
PASSWORD_MAX = 128
USERNAME_MAX = 40
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
# zxcvbn's estimate of the guesses an attacker needs: at least 10^10 ("very unguessable",
# score 4), which an attacker with a stolen database and scrypt hashes cannot reach. It is
# asked twice: of the password with the installation's words as context, and of what is left
# when those words are taken out (zxcvbn misses "staff" in "checkin-staff-1" and scores it
# 10^10; what is left, "--1", is nothing).
GUESSES_MIN = 10**10
STRENGTH_LENGTH = 72  # zxcvbn looks at this many characters; more is slow and adds nothing
# Checked against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing", method="scrypt")


def role_at_least(role, minimum):
    return ROLES.index(role) >= ROLES.index(minimum)


def _utcnow():
    return dt.datetime.now(dt.UTC).replace(microsecond=0)




@lru_cache(maxsize=1)
def common_passwords():
    with open(COMMON_PASSWORDS, encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def password_problem(password, username="", context=()):
    """Why this password cannot be used (a key for a message), or None.

    `context` are words an attacker would try first here: venue and organisation names.
    """
    if len(password) < PASSWORD_MIN:
        return "too_short"
    if len(password) > PASSWORD_MAX:
        return "too_long"
    if username and password.lower() == username.lower():
        return "username"
    if password.lower() in common_passwords():
        return "common"
    words = context_words(username, *context)
    if (_guesses(password, words) < GUESSES_MIN
            or _guesses(_without(password, words), words) < GUESSES_MIN):
        return "weak"
    return None


def _guesses(password, words):
    return zxcvbn(password[:STRENGTH_LENGTH], user_inputs=words,
                  max_length=STRENGTH_LENGTH)["guesses"]


def _folded(text):
    """Lower case, å ä ö é … as a, a, o, e: 'Bostad först' and 'bostadforst' are one word."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _without(password, words):
    """The password with every installation word of 3 letters or more taken out (folded)."""
    left = _folded(password)
    for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
        left = left.replace(word, "")
    return left


# Words anyone would try against this service whatever the installation: what it is, whom it
# is for, the Swedish the staff write every day (the week's days, the seasons).
SERVICE_WORDS = (
    "checkin", "check in", "incheckning", "personal", "staff", "admin", "Housing First",
    "Bostad först", "Stockholm", "Stockholms stad", "socialtjänsten", "hemlöshet", "drop in",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    "vår", "sommar", "höst", "vinter", "jul", "påsk", "midsommar",
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december", "lösenord", "password",
)


def context_words(*names):
    """Each name, its words, and its words run together, as written and folded (å → a):
    'Street Minds' → street, minds, streetminds; also the service's own words and the years
    around this one. zxcvbn counts a password made of them as easy to guess."""
    words = set()
    year = dt.date.today().year
    for name in (*names, *SERVICE_WORDS, *(str(y) for y in range(year - 2, year + 3))):
        for form in {(name or "").lower(), _folded(name or "")}:
            parts = [w for w in "".join(c if c.isalnum() else " " for c in form).split() if w]
            words.update(parts)
            if parts:
                words.add("".join(parts))
    return sorted(words)


def password_context(db, *more):
    """The words of this installation an attacker would try: venue names, slugs and
    organisations, and `more` (the configured organisation, service and responsible)."""
    return [n for row in db.execute("SELECT name, slug, organisation FROM venue")
            for n in (row["name"], row["slug"], row["organisation"]) if n] + [
        n for n in more if n]


def username_problem(username):
    if not username or len(username) > USERNAME_MAX:
        return "length"
    if not all(c.isalnum() or c in "._-" for c in username):
        return "characters"
    return None


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


# --- accounts -------------------------------------------------------------------------------

class UsernameTaken(ValueError):
    """Another account has that name; nothing was stored."""


def create_user(db, username, password, role, *, venue_ids=(), by=None):
    """Create an account (limited to `venue_ids`, none: every venue) and return its id;
    raises UsernameTaken for a taken name, ValueError for a bad role. Made by an account
    `by`, its audit line is written in the same transaction (the command line's first admin
    has none)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    password_hash = hash_password(password)
    with writing(db):
        if db.execute("SELECT 1 FROM staff_user WHERE username = ?", [username]).fetchone():
            raise UsernameTaken(username)
        user_id = db.execute(
            "INSERT INTO staff_user (username, password_hash, role, created_at) VALUES (?,?,?,?)",
            [username, password_hash, role, this_hour()],
        ).lastrowid
        _put_venues(db, user_id, venue_ids)
        if by is not None:
            audit.write(db, by, "account created", f"{username} ({role})", None,
                        {"user": username, "role": role})
    return user_id


def get_user(db, user_id):
    row = db.execute("SELECT * FROM staff_user WHERE id = ?", [user_id]).fetchone()
    return dict(row) if row else None


def user_by_name(db, username):
    row = db.execute("SELECT * FROM staff_user WHERE username = ?", [username]).fetchone()
    return dict(row) if row else None


def all_users(db):
    return [dict(r) for r in db.execute("SELECT * FROM staff_user ORDER BY username")]


def check_login(db, username, password):
    """The active account with this name and password, else None (same work either way)."""
    user = user_by_name(db, username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user["password_hash"], password) or not user["active"]:
        return None
    return user


def check_password(user, password):
    return check_password_hash(user["password_hash"], password)


def _username(db, user_id):
    row = db.execute("SELECT username FROM staff_user WHERE id = ?", [user_id]).fetchone()
    if row is None:
        raise ValueError(f"no account {user_id}")
    return row[0]


def set_password(db, user_id, password, *, by, keep_session=None):
    """New password; every session of the account ends except `keep_session` (a token).
    The audit line ("password changed" for one's own, else "password reset" by `by`) is
    written in the same transaction."""
    password_hash = hash_password(password)
    with writing(db):
        username = _username(db, user_id)
        db.execute("UPDATE staff_user SET password_hash = ? WHERE id = ?",
                   [password_hash, user_id])
        keep = token_hash(keep_session) if keep_session else ""
        db.execute("DELETE FROM staff_session WHERE user_id = ? AND id != ?", [user_id, keep])
        audit.write(db, by, "password changed" if by["id"] == user_id else "password reset",
                    username, None, {"user": username})


def change_account(db, user_id, *, role, venue_ids, by):
    """A new role and venues (none: every venue), with the audit line in the same
    transaction."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    with writing(db):
        username = _username(db, user_id)
        db.execute("UPDATE staff_user SET role = ? WHERE id = ?", [role, user_id])
        _put_venues(db, user_id, venue_ids)
        names = [r[0] for r in db.execute(
            "SELECT venue.name FROM user_venue JOIN venue ON venue.id = user_venue.venue_id "
            "WHERE user_venue.user_id = ? ORDER BY venue.name", [user_id])]
        audit.write(db, by, "account changed",
                    f"{username}: role {role}, venues {', '.join(names) or 'all'}", None,
                    {"user": username, "role": role, "venues": names})


def set_active(db, user_id, active, *, by):
    """Disable or enable an account; disabling ends its sessions at once. The audit line is
    written in the same transaction."""
    with writing(db):
        username = _username(db, user_id)
        db.execute("UPDATE staff_user SET active = ? WHERE id = ?", [int(bool(active)), user_id])
        if not active:
            db.execute("DELETE FROM staff_session WHERE user_id = ?", [user_id])
        audit.write(db, by, "account turned on" if active else "account turned off", username,
                    None, {"user": username})


def user_venue_ids(db, user_id):
    """The venue ids the account is limited to; an empty set means every venue."""
    return {r[0] for r in db.execute("SELECT venue_id FROM user_venue WHERE user_id = ?",
                                     [user_id])}


def _put_venues(db, user_id, venue_ids):
    """Inside the caller's transaction: the account is limited to these venues."""
    db.execute("DELETE FROM user_venue WHERE user_id = ?", [user_id])
    for venue_id in sorted(set(venue_ids)):
        db.execute("INSERT INTO user_venue (user_id, venue_id) VALUES (?, ?)",
                   [user_id, venue_id])


def may_use_venue(db, user, venue_id):
    if user["role"] == "admin":
        return True
    limited = user_venue_ids(db, user["id"])
    return not limited or venue_id in limited


# --- sessions -------------------------------------------------------------------------------

def start_session(db, user_id, replaces=None):
    """A new session for the account (ending `replaces`, the old token); returns the token."""
    token = new_token()
    now = this_hour()
    with writing(db):
        if replaces:
            db.execute("DELETE FROM staff_session WHERE id = ?", [token_hash(replaces)])
        db.execute("INSERT INTO staff_session (id, user_id, created_at, last_seen) "
                   "VALUES (?,?,?,?)", [token_hash(token), user_id, now, now])
    return token


def session_user(db, token, idle_hours, now=None, lifetime_hours=12):
    """The active account behind a session token, or None if it ended, sat idle too long or
    is older than `lifetime_hours` (counted from the hour it began: at most that long)."""
    if not token or not isinstance(token, str):
        return None
    now = now or _utcnow()
    row = db.execute(
        "SELECT staff_session.created_at, staff_session.last_seen, staff_user.* "
        "FROM staff_session JOIN staff_user ON staff_user.id = staff_session.user_id "
        "WHERE staff_session.id = ?",
        [token_hash(token)],
    ).fetchone()
    if row is None or not row["active"]:
        return None
    last_seen = dt.datetime.fromisoformat(row["last_seen"])
    created = dt.datetime.fromisoformat(row["created_at"])
    # last_seen is the start of the hour of the last request: idle for `idle_hours` at least.
    if (now - last_seen > dt.timedelta(hours=idle_hours + 1)
            or now - created >= dt.timedelta(hours=lifetime_hours)):
        end_session(db, token)
        return None
    # Written once an hour at most: reading pages does not queue behind the write lock.
    if to_the_hour(now) > last_seen:
        with writing(db):
            db.execute("UPDATE staff_session SET last_seen = ? WHERE id = ?",
                       [hour_stamp(now), token_hash(token)])
    user = dict(row)
    user.pop("last_seen")
    user.pop("created_at")
    return user


def end_session(db, token):
    if token:
        with writing(db):
            db.execute("DELETE FROM staff_session WHERE id = ?", [token_hash(token)])


def sessions_of(db, user_id, token=None):
    """The account's sessions, newest first: when each began and was last used (to the hour),
    and whether it is the one holding `token`."""
    mine = token_hash(token) if token else None
    return [{"created_at": r["created_at"], "last_seen": r["last_seen"],
             "current": r["id"] == mine} for r in db.execute(
        "SELECT id, created_at, last_seen FROM staff_session WHERE user_id = ? "
        "ORDER BY created_at DESC, last_seen DESC", [user_id])]


def end_every_session(db, user_id):
    """Log the account out everywhere; returns how many sessions ended."""
    with writing(db):
        return db.execute("DELETE FROM staff_session WHERE user_id = ?", [user_id]).rowcount


# --- throttling -----------------------------------------------------------------------------

class LoginThrottle:
    """Failed logins, in this process's memory only: slowed down, never locked out.

    Failures count per account and client together: after `free` of them each new try from
    that client for that account must wait twice as long as the one before (1 s, 2 s, 4 s …,
    at most `max_delay`). They count per account too, whatever the client: after `free`
    failures at one account from anywhere, every new try at it from a browser it does not
    know waits the same growing delay, so 30 addresses get no more guesses than one. One
    client guessing across many accounts is slowed down after `free * client_factor`
    failures. A browser that logged in to the account before (`device`: the random id in its
    signed known-device cookie) counts only its own failures: the owner logs in from it while
    others guess, and someone sharing the owner's address (one nginx, one Wi-Fi) cannot
    slow it down (ASVS 2.2.1: no lockout of the right password). Failures are forgotten
    `forget_after` seconds after the last one and, for the browser, on a good login. Clients
    and devices are kept only as a keyed hash whose key dies with the process.
    """

    def __init__(self, free=3, max_delay=15 * 60, client_factor=4, forget_after=24 * 3600,
                 clock=time.monotonic, max_keys=100_000):
        self.free, self.max_delay, self.client_factor = free, max_delay, client_factor
        self.forget_after, self.clock, self.max_keys = forget_after, clock, max_keys
        self._failures = {}  # key -> (count, time of last failure)
        self._salt = secrets.token_bytes(16)
        self._lock = threading.Lock()

    def _hashed(self, value):
        return hmac.new(self._salt, (value or "").encode(), hashlib.sha256).hexdigest()

    def _keys(self, username, client, device=None):
        user = (username or "").lower()
        if device:
            return [("device", user, self._hashed(device))]
        client_key = self._hashed(client)
        return [("pair", user, client_key), ("client", client_key), ("account", user)]

    def _wait_for(self, key, now):
        count, last = self._failures.get(key, (0, 0.0))
        if count and now - last >= self.forget_after:
            del self._failures[key]
            return 0
        free = self.free * (self.client_factor if key[0] == "client" else 1)
        if count < free:
            return 0
        delay = min(self.max_delay, 2 ** min(count - free, 20))
        return max(0, delay - (now - last))

    def seconds_to_wait(self, username, client, device=None):
        """0 when a try may go ahead now, else how many seconds to wait first."""
        with self._lock:
            now = self.clock()
            return max(self._wait_for(key, now) for key in self._keys(username, client, device))

    def failed(self, username, client, device=None):
        """Count one failure; True when from now on this client must wait for this account."""
        with self._lock:
            now = self.clock()
            if len(self._failures) >= self.max_keys:
                self._forget_oldest(now)
            keys = self._keys(username, client, device)
            for key in keys:
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, now)
            return max(self._wait_for(key, now) for key in keys) > 0

    def succeeded(self, username, client, device=None):
        """A good login: this browser's failures go. The account's go too, unless the login
        came from a known browser while others may still be guessing from elsewhere."""
        with self._lock:
            keys = self._keys(username, client, device)
            self._failures.pop(keys[0], None)
            if not device:
                self._failures.pop(keys[-1], None)

    def _forget_oldest(self, now):
        """Keep memory bounded when someone tries very many names or addresses."""
        stale = [k for k, (_n, last) in self._failures.items()
                 if now - last >= self.forget_after]
        for key in stale:
            del self._failures[key]
        if len(self._failures) >= self.max_keys:
            by_age = sorted(self._failures, key=lambda k: self._failures[k][1])
            for key in by_age[: len(by_age) // 2]:
                del self._failures[key]
