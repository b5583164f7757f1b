"""The staff side under /staff: accounts, the week editor, door posters, kiosks and tally."""

from flask import Blueprint

blueprint = Blueprint("staff", __name__)

from . import routes  # noqa: E402,F401
