"""The door's address, built from the configured base URL, never the request (its QR code:
web/qr.py). No Flask: the caller passes the operator's BASE_URL."""

from urllib.parse import quote


def door_path(venue):
    """The check-in page's path, the route visits.check_in: /<slug>/in/<door key>."""
    return f"/{quote(venue['slug'], safe='')}/in/{quote(venue['door_key'], safe='')}"


def door_url(base_url, venue):
    """The check-in address a door poster carries, with the venue's current door key."""
    return base_url.rstrip("/") + door_path(venue)
