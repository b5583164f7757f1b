"""The door's address and its QR code, built from the configured base URL, never the request."""

import io

import qrcode
import qrcode.image.svg
from flask import current_app, has_request_context, url_for


def door_url(venue):
    """The check-in address a door poster carries, with the venue's current door key."""
    if has_request_context():
        path = url_for("visits.check_in", slug=venue["slug"], key=venue["door_key"])
    else:
        with current_app.test_request_context():
            path = url_for("visits.check_in", slug=venue["slug"], key=venue["door_key"])
    return current_app.config["BASE_URL"] + path


def qr_svg(text):
    """A QR code as SVG paths: sharp at any size, small to send."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
