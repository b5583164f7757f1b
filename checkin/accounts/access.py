"""Who is logged in on the staff side, and `require_role`, the guard on every staff route.

    from checkin.accounts.access import require_role

    @blueprint.get("/figures")
    @require_role("viewer")        # viewer, staff and admin may open it
    def figures(): ...

Roles are ordered viewer < staff < admin; `require_role("staff")` lets staff and admin in.
Without a live session the browser is sent to the login page (or gets 401 for a POST);
a logged-in account below the role gets 403. Routes with a `<slug>` argument also check
that the account may use that venue (403 if not). `current_user()` is the account as a dict.
"""

from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from checkin.accounts import audit, auth
from checkin.db import get_db

SESSION_KEY = "staff_token"


def current_user():
    """The logged-in account, or None. Looked up once per request."""
    if "staff_user" not in g:
        g.staff_user = auth.session_user(
            get_db(), session.get(SESSION_KEY), current_app.config["STAFF_IDLE_HOURS"],
            lifetime_hours=current_app.config["STAFF_SESSION_HOURS"])
        if g.staff_user is None:
            session.pop(SESSION_KEY, None)
    return g.staff_user


def log_in(user):
    """A fresh session on the server and a fresh cookie: nothing from before login survives."""
    token = auth.start_session(get_db(), user["id"], replaces=session.get(SESSION_KEY))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_KEY] = token
    g.staff_user = user


def log_out():
    auth.end_session(get_db(), session.get(SESSION_KEY))
    session.clear()
    g.staff_user = None


def session_token():
    """This browser's staff session token (to tell its session from the account's others)."""
    return session.get(SESSION_KEY)


def may_use_venue(venue):
    return auth.may_use_venue(get_db(), current_user(), venue["id"])


def require_role(*roles):
    """Only accounts with at least the lowest of `roles` (and access to `<slug>`) get in."""
    minimum = min(roles, key=auth.ROLES.index)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("accounts.login", next=request.full_path))
                abort(401)
            if not auth.role_at_least(user["role"], minimum):
                abort(403)
            slug = kwargs.get("slug")
            if slug is not None:
                from checkin.venues import by_slug

                venue = by_slug(get_db(), slug)
                if venue is None:
                    abort(404)
                if not may_use_venue(venue):
                    abort(403)
                g.venue = venue
            return view(*args, **kwargs)

        guarded.required_role = minimum
        return guarded

    return decorate


def audit_line(action, detail="", venue=None, **facts):
    """One line in the audit log for what the logged-in account just did; `facts` let the log
    say it as a sentence in the reader's language (accounts/audit.py)."""
    audit.record(get_db(), current_user(), action, detail, venue["id"] if venue else None,
                 facts)
