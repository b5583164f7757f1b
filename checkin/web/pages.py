"""What many pages need: the venue a URL names, that venue's clock, a safe way back, a kept
cookie and the budgets that follow the sender. (The remembered phone and the one-time token of
a counting form are the visits' own: visits/phone_pages.py.)"""

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from werkzeug.routing import IntegerConverter

from checkin import venues
from checkin.db import get_db
from checkin.row_ids import ROW_ID_MAX
from checkin.web.sender_budget import SenderBudget, keep_swept

REMEMBER_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie


class RowIdConverter(IntegerConverter):
    """`<int:…>` in our URLs: a row id or a year, never more than SQLite's integers hold, so a
    huge number is a 404 instead of an OverflowError deep in a query."""

    def __init__(self, url_map, **kwargs):
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, **kwargs)


def venue_or_404(slug):
    venue = venues.by_slug(get_db(), slug)
    if venue is None:
        abort(404)
    return venue


def venue_now(venue):
    """Now at the venue, in its time zone (the frozen clock in tests and demos)."""
    return venues.local_now(venue, current_app.config["FROZEN_NOW"])


def safe_next(default, prefix="/"):
    """`?next=` if it is our own path under `prefix`, else `default`."""
    target = request.args.get("next", "")
    # Our own path only: browsers drop tabs and newlines, so "/\t/evil" would mean "//evil".
    if (target.startswith(prefix) and not target.startswith("//") and "//" not in target
            and "\\" not in target and target.isprintable()):
        return target
    return default


def keep_cookie(response, name, value, max_age=REMEMBER_SECONDS):
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="Lax",
        secure=current_app.config["HTTPS"],
    )


def hand_over_device(location, name, token, max_age, path):
    """The redirect that makes this browser a kiosk or a wall screen: its own strict cookie,
    sent only to `path`. The caller logs the staff member out on it first."""
    response = make_response(redirect(location))
    response.set_cookie(name, token, max_age=max_age, path=path, httponly=True,
                        samesite="Strict", secure=current_app.config["HTTPS"])
    return response


def confirm_page(*, title, lines, action, button, back, quote=None):
    """The page asked before a change that cannot simply be taken back: what will happen,
    a button that posts to `action`, and a link `back`."""
    return render_template("staff/confirm.html", title=title, lines=lines, action=action,
                           button=button, back=back, quote=quote, venue=g.get("venue"))


def sender_budget():
    """This process's budgets per client address (web/sender_budget.py): memory only, made
    with the app (init_app), its sweeper forgetting every sender within the hour."""
    return current_app.extensions["sender_budget"]


def client_address():
    """The visitor's address as the proxy in front saw it (PROXY_COUNT, web/security.py).
    Used only as the key of a budget in memory, hashed with a key of this process's own."""
    return request.remote_addr or ""


def post_limits():
    """[(seconds, most)] for one address's faces, texts, ideas, survey answers or votes."""
    return [(3600, current_app.config["SENDER_POSTS_PER_HOUR"])]


def sender_may_post(kind):
    """Spend one `kind` post of this client address's budget; False: refuse, store nothing."""
    return sender_budget().spend(client_address(), ("post", kind), post_limits())


def init_app(app):
    keep_swept(app.extensions.setdefault("sender_budget", SenderBudget()))
