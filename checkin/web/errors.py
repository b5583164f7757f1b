"""Friendly error pages: say what happened and what to do, never blame."""

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from checkin import venues
from checkin.db import get_db


def _venue_of_request():
    """The venue the visitor's URL names, for a page that keeps its header; else None."""
    slug = (request.view_args or {}).get("slug")
    return venues.by_slug(get_db(), slug) if slug else None


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        venue = _venue_of_request()
        if request.path.startswith("/staff"):
            venue = None
        elif current_app.session_interface.get_cookie_name(current_app) not in request.cookies:
            # No session cookie came back at all: this browser keeps no cookies (the
            # browser inside some QR apps). Tapping again cannot help; say what can.
            return render_template("web/no_cookies.html", venue=venue), 400
        # A GET of the same address gives a fresh page, where there is one.
        rule = request.url_rule
        back = request.path if rule is not None and "GET" in rule.methods else None
        return render_template(
            "error.html", venue=venue, back=back,
            title=_("This page has expired"),
            message=_("Nothing was saved. Load the page again and tap the button again."),
            back_label=_("Load the page again"),
        ), 400

    @app.errorhandler(400)
    def bad_request(_error):
        return render_template(
            "error.html",
            title=_("Something was missing"),
            message=_("Nothing was saved. Go back, reload the page and try again."),
        ), 400

    @app.errorhandler(401)
    def not_logged_in(_error):
        return render_template(
            "error.html",
            title=_("Please log in"),
            message=_("This page is for staff. Log in first, then try again."),
        ), 401

    @app.errorhandler(403)
    def forbidden(_error):
        return render_template(
            "error.html",
            title=_("Your account cannot open this page"),
            message=_("Ask an admin if you need it."),
        ), 403

    @app.errorhandler(404)
    def not_found(_error):
        return render_template(
            "error.html",
            title=_("We could not find that page"),
            message=_("Check the address, or ask the staff."),
        ), 404

    @app.errorhandler(413)
    def too_large(_error):
        return render_template(
            "error.html",
            title=_("That was too much text"),
            message=_("Nothing was saved. Please write less and try again."),
        ), 413

    @app.errorhandler(500)
    def server_error(_error):
        return render_template(
            "error.html",
            title=_("Something went wrong on our side"),
            message=_("Nothing is wrong with your phone. Please try again in a moment."),
        ), 500
