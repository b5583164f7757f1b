"""Settings: safe defaults, overridden by CHECKIN_* environment variables."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instance_path():
    """The folder that holds the database and the secret key."""
    return Path(os.environ.get("CHECKIN_INSTANCE") or ROOT / "instance").resolve()


def _env(name, default, cast=str):
    value = os.environ.get(f"CHECKIN_{name}")
    if value is None or value == "":
        return default
    if cast is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return cast(value)


def load_secret_key(folder):
    """Read the secret key from the instance folder, creating it on first run."""
    path = Path(folder) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def settings(folder):
    """The effective settings for an app whose instance folder is `folder`."""
    https = _env("HTTPS", False, bool)
    return {
        "SECRET_KEY": _env("SECRET_KEY", None) or load_secret_key(folder),
        "DATABASE": _env("DATABASE", str(Path(folder) / "checkin.db")),
        "BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "HTTPS": https,
        "DEFAULT_LOCALE": _env("DEFAULT_LOCALE", "sv"),
        "TIMEZONE": _env("TIMEZONE", "Europe/Stockholm"),
        # Only for tests and demos: pretend the clock shows this local time.
        "FROZEN_NOW": _env("FROZEN_NOW", None),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # A staff session ends after this many hours without a request.
        "STAFF_IDLE_HOURS": _env("STAFF_IDLE_HOURS", 8, float),
        # The yearly close: months after a year's end before it is closed (2: 1 March).
        "CLOSE_AFTER_MONTHS": _env("CLOSE_AFTER_MONTHS", 2, int),
        # The daily job in `checkin serve`: first run this long after start, then every 24 h.
        "DAILY_FIRST_RUN_SECONDS": _env("DAILY_FIRST_RUN_SECONDS", 60, float),
    }
