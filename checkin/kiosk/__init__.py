"""The kiosk under /kiosk: a tablet at the door, for visitors without a phone."""

from flask import Blueprint

blueprint = Blueprint("kiosk", __name__)

from . import routes  # noqa: E402,F401
