"""What the `checkin` commands share: one --venue option, said the same way everywhere, and a
refusal of a wrong one with exit code 2 (a usage error), as click does for its own."""

import click

from checkin import venues

VENUE_HELP = "The venue by its short name, as in its address (/mallis/)."


def venue_option(every=False):
    """--venue SLUG. With `every`, leaving it out means every venue; else the only one."""
    more = (" Without it: every venue." if every
            else " Needed only when there is more than one venue.")
    return click.option("--venue", "slug", metavar="SLUG", default=None,
                        help=VENUE_HELP + more)


def _names(db):
    return ", ".join(v["slug"] for v in venues.all_venues(db)) or "none yet"


def venue_of(db, slug, every=False):
    """The venue --venue names (a dict); None for every venue when `every` and none is named.

    An unknown venue, or none named when there are several, is a usage error (exit code 2).
    """
    if slug is None:
        if every:
            return None
        found = venues.all_venues(db)
        if len(found) == 1:
            return found[0]
        if not found:
            raise click.UsageError("There is no venue yet: add one on the staff pages "
                                   "(or run `checkin seed-demo` for the demo).")
        raise click.UsageError(f"There are several venues: say which with --venue SLUG "
                               f"({_names(db)}).")
    venue = venues.by_slug(db, slug)
    if venue is None:
        raise click.BadParameter(f"there is no venue called {slug!r} ({_names(db)})",
                                 param_hint="--venue")
    return venue


def base_url_is_default(app):
    """True when no one set BASE_URL: door addresses would use the default port 5000."""
    from checkin.config import effective

    return effective(app.instance_path)["BASE_URL"][1] == "default"


def public_address(app):
    """Where people reach this instance, as a command should print it: BASE_URL when it is
    set, else the address a `checkin serve` running on this database listens on (it writes
    it into its lock file), else the default."""
    if not base_url_is_default(app):
        return app.config["BASE_URL"]
    import fcntl
    from pathlib import Path

    try:
        with open(Path(f"{app.config['DATABASE']}.serve-lock")) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # a server holds it: the address it wrote is current
                running = lock.read().strip()
            else:  # no server runs: what the file says is an old address
                running = ""
    except OSError:
        running = ""
    return running if running.startswith("http://") else app.config["BASE_URL"]
