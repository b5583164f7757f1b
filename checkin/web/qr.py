"""QR codes as SVG: the door poster, the wall screen, the idea box's sheet. Plumbing: the
caller gives the address."""

import io

import qrcode
import qrcode.image.svg


def qr_svg(text):
    """A QR code as SVG paths: sharp at any size, small to send."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
