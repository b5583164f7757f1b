"""checkin: a drop-in open activity's week, anonymous check-in and honest figures."""

import logging

from flask import Flask, request
from flask.logging import default_handler
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from checkin import config, db, i18n
from checkin.resources import folder, version  # noqa: F401  (checkin.version())
from checkin.web import formatting, pages, request_log, security, static_files
from checkin.web.locale import CheckinDomain, CheckinRequest, select_locale
from checkin.web.session_cookie import KeptSerializerSessionInterface

csrf = CSRFProtect()


class CheckinFlask(Flask):
    request_class = CheckinRequest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_interface = KeptSerializerSessionInterface()

    def log_exception(self, exc_info):
        # Flask's own line names the path, which can hold a door key: name the route instead.
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        self.logger.error("Exception on %s [%s]", rule, request.method, exc_info=exc_info)


# Flask's own handler starts each line with the time to the millisecond: a crash on a visitor
# page would then say when that visitor came. The line keeps the level and the module only.
default_handler.setFormatter(logging.Formatter("%(levelname)s in %(module)s: %(message)s"))


def register_audit_words():
    """Each feature words its own audit lines (its audit_words.py); the accounts' audit page
    asks them through accounts.api, so accounts imports no feature."""
    import checkin.feedback.audit_words
    import checkin.figures.audit_words
    import checkin.visits.audit_words
    import checkin.week.audit_words
    from checkin.accounts.api import register_words

    register_words(checkin.week.audit_words, checkin.visits.audit_words,
                   checkin.feedback.audit_words, checkin.figures.audit_words)


def create_app(test_config=None):
    instance = config.instance_path()
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    app = CheckinFlask(
        __name__,
        instance_path=str(instance),
        template_folder=str(folder("templates")),
        static_folder=str(folder("static")),
    )
    app.config.update(config.settings(instance))
    if test_config:
        app.config.update(test_config)

    request_log.init_app(app)  # first, so its timer starts before CSRF checks can refuse one
    db.init_app(app)
    formatting.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    pages.init_app(app)
    from checkin.visits import phone_pages  # the once_field every counting form carries

    phone_pages.init_app(app)
    babel = Babel(app, locale_selector=select_locale, default_domain="messages")
    babel.domain_instance = CheckinDomain(domain="messages")  # easy-read Swedish too
    missing = i18n.missing_catalogs()
    if missing:
        logging.getLogger("checkin").warning(
            "No compiled translations for %s: pages will be in English. "
            "Run `checkin translate compile`.", ", ".join(missing))

    from checkin.accounts import routes as accounts
    from checkin.accounts.auth import LoginThrottle

    # The kiosk's and the wall screen's pages join the visits' and the week's blueprints.
    from checkin.devices import kiosk_routes, screen_routes  # noqa: F401
    from checkin.feedback import routes as feedback
    from checkin.figures import routes as figures
    from checkin.visits import routes as visits
    from checkin.web import errors
    from checkin.web import routes as web
    from checkin.week import routes as week

    errors.init_app(app)
    from checkin.web.pages import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    for feature in (web, week, visits, feedback, figures, accounts):
        app.register_blueprint(feature.blueprint)
    app.extensions["login_throttle"] = LoginThrottle()
    from checkin.figures.api import tally_revisions

    # A tally change to a finished month is a revision of its reports: figures answers for
    # the visits' tally pages, which import no figures module (docs/parts.toml).
    app.extensions["tally_revisions"] = tally_revisions

    register_audit_words()
    from checkin.cli import register

    register(app)
    return app
