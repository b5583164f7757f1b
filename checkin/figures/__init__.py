"""The figures pages under /staff: dashboard, export download, yearly report, import of counts."""

from flask import Blueprint

blueprint = Blueprint("figures", __name__)

from . import routes  # noqa: E402,F401
