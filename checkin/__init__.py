"""checkin: a drop-in open activity's week, anonymous check-in and honest figures."""

import functools
import logging
import sys
import time

from babel.support import Translations
from flask import Flask, Request, g, request
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from . import config, db, formatting, security

LOCALES = ("sv", "en")
csrf = CSRFProtect()
log = logging.getLogger("checkin.requests")


def select_locale():
    choice = request.cookies.get("lang")
    if choice in LOCALES:
        return choice
    from flask import current_app

    return current_app.config["DEFAULT_LOCALE"]


def _request_log(app):
    """One line per request: method, route template, status, duration. No address, agent,
    query string, door key or clock time — so nothing here can point at a visitor."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1fms", request.method, rule, response.status_code, took)
        return response


@functools.lru_cache(maxsize=len(LOCALES) + 1)
def _wtforms_catalog(locale):
    return Translations.load(messages_path(), [locale], domain="wtforms")


class CheckinRequest(Request):
    @cached_property
    def wtforms_translations(self):
        """WTForms' own messages, which Flask-WTF looks for here first: read from disk once per
        language and process, not once per form (that parse was a sixth of a check-in)."""
        return _wtforms_catalog(str(get_locale()))


class CheckinFlask(Flask):
    request_class = CheckinRequest

    def log_exception(self, exc_info):
        # Flask's own line names the path, which can hold a door key: name the route instead.
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        self.logger.error("Exception on %s [%s]", rule, request.method, exc_info=exc_info)


def create_app(test_config=None):
    instance = config.instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    app = CheckinFlask(
        __name__,
        instance_path=str(instance),
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
    )
    app.config.update(config.settings(instance))
    if test_config:
        app.config.update(test_config)

    _request_log(app)  # first, so its timer starts before CSRF checks can refuse a request
    db.init_app(app)
    formatting.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    Babel(app, locale_selector=select_locale, default_domain="messages")

    from . import errors
    from .auth import LoginThrottle
    from .feedback_staff import blueprint as feedback_staff
    from .figures import blueprint as figures
    from .kiosk import blueprint as kiosk
    from .staff import blueprint as staff
    from .visitor import blueprint as visitor

    errors.init_app(app)
    app.register_blueprint(visitor)
    app.register_blueprint(staff, url_prefix="/staff")
    app.register_blueprint(feedback_staff, url_prefix="/staff")
    app.register_blueprint(figures, url_prefix="/staff")
    app.register_blueprint(kiosk, url_prefix="/kiosk")
    app.extensions["login_throttle"] = LoginThrottle()

    from .cli import register

    register(app)
    return app
