"""Friendly error pages: say what happened and what to do, never blame."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_template(
            "error.html",
            title=_("The page was too old"),
            message=_("Nothing was saved. Go back, reload the page and tap the button again."),
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
