"""The visitor side: the week, check-in at the door, language. No login, no JavaScript."""

from flask import Blueprint

blueprint = Blueprint("visitor", __name__)

from . import feedback_routes, routes  # noqa: E402,F401
