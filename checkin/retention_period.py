"""How long free texts and unpublished ideas are kept: what staff chose on /staff/retention,
else the operator's RETENTION_MONTHS. In the kernel because more than one feature says it: the
privacy page (visits) promises it, the clean-up (feedback/retention.py) keeps it. No Flask."""

MONTHS_MIN, MONTHS_MAX = 1, 120
DEFAULT_MONTHS = 12  # the registry's default for RETENTION_MONTHS, for callers without an app


def stored(db, key):
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def store(db, key, value):
    """Inside the caller's transaction."""
    db.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, str(value)])


def staff_months(db):
    """The period staff chose on /staff/retention, or None if they never chose one."""
    value = stored(db, "retention_months")
    return int(value) if value and value.isdigit() else None


def months(db, default=DEFAULT_MONTHS):
    """The retention period in months: the staff's choice, else `default` (RETENTION_MONTHS)."""
    return staff_months(db) or default
