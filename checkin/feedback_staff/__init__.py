"""Staff pages for feedback (issue 5): ratings, free texts, surveys, ideas, retention."""

from flask import Blueprint

blueprint = Blueprint("feedback_staff", __name__)

from . import routes  # noqa: E402,F401
