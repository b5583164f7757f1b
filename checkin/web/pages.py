"""What many pages need: the venue a URL names, that venue's clock, a safe way back, a kept
cookie, the remembered phone, the one-time token each counting form carries and the budgets that
follow the sender."""

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from checkin.db import get_db
from checkin.row_ids import ROW_ID_MAX
from checkin.visits import once
from checkin.visits.phones import read_phone_code
from checkin.web.sender_budget import SenderBudget, keep_swept
from checkin.week import venues

PHONE_COOKIE = "checkin_phone"
# Before codes were signed the answer sat unsigned in a cookie of its own: now only deleted.
GENDER_COOKIE = "checkin_gender"
REMEMBER_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie
ONCE_FIELD = "once"


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


def keep_phone_code(response, code):
    keep_cookie(response, PHONE_COOKIE, code)
    response.delete_cookie(GENDER_COOKIE)


def remembered_phone(venue=None):
    """The Phone (key, gender answer) this browser keeps after the visitor agreed, else None.

    Only a code the server signed counts, and it is read the same at every venue: nothing in
    the answer depends on where the phone was counted (a bare key from before codes were
    signed used to come back signed only at venues that had counted it, which linked a
    phone's venues). `venue` is kept for the callers' sake and changes nothing.
    """
    return read_phone_code(get_db(), request.cookies.get(PHONE_COOKIE))


def confirm_page(*, title, lines, action, button, back, quote=None):
    """The page asked before a change that cannot simply be taken back: what will happen,
    a button that posts to `action`, and a link `back`."""
    return render_template("staff/confirm.html", title=title, lines=lines, action=action,
                           button=button, back=back, quote=quote, venue=g.get("venue"))


def _form_key():
    return once.form_key(current_app.config["SECRET_KEY"])


def once_field(purpose, venue):
    """The hidden field with a fresh one-time token for a form that counts something."""
    token = once.issue(_form_key(), purpose, venue["id"], venue_now(venue).date())
    return Markup('<input type="hidden" name="{}" value="{}">').format(ONCE_FIELD, token)


def form_key():
    """The key the one-time tokens are made and checked with."""
    return _form_key()


def posted_token():
    """The one-time token the posted form carries."""
    return request.form.get(ONCE_FIELD)


Refused = once.Refused  # what visitor_post raises: why a post wrote nothing


def visitor_post(purpose, venue, write, *, within_bounds=None):
    """A visitor's post behind every post's guards, in their one order (visits/once.py,
    `guarded`): the sender's bounds (`within_bounds()`), then the form's one-time token of
    `purpose` (None: a post without one), spent in one transaction with `write()`. Returns
    what write() returns; raises once.Refused ('too many', 'bad', 'old' or 'used') having
    written nothing."""
    db = get_db()

    def spend():
        once.spend(db, _form_key(), posted_token(), purpose, venue["id"],
                   venue_now(venue).date())

    return once.guarded(db, within_bounds=within_bounds, spend=spend if purpose else None,
                        write=write)


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
    app.jinja_env.globals.update(once_field=once_field)
