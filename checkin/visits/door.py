"""The door's address and its QR code, built from the configured base URL, never the request.
No Flask: the caller passes the operator's BASE_URL."""

import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg


def door_path(venue):
    """The check-in page's path, the route visits.check_in: /<slug>/in/<door key>."""
    return f"/{quote(venue['slug'], safe='')}/in/{quote(venue['door_key'], safe='')}"


def door_url(base_url, venue):
    """The check-in address a door poster carries, with the venue's current door key."""
    return base_url.rstrip("/") + door_path(venue)


def qr_svg(text):
    """A QR code as SVG paths: sharp at any size, small to send."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
