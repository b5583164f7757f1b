"""The visitor's side of a phone: the remembered phone code in its cookie, and the one-time
token each counting form carries (visits/once.py holds the rule). Flask side."""

from flask import after_this_request, current_app, request
from markupsafe import Markup

from checkin.db import get_db
from checkin.visits import once
from checkin.visits.phones import read_phone_code
from checkin.web.pages import keep_cookie, venue_now

PHONE_COOKIE = "checkin_phone"
# Before codes were signed the answer sat unsigned in a cookie of its own: now only deleted.
GENDER_COOKIE = "checkin_gender"
ONCE_FIELD = "once"
# The browser's random references to its steps (visits/steps.py): to today's check-in, and to
# the face a text may still be added to. Each in a cookie of its own that ends with the
# browser session, not in the signed session cookie, so that a check-in does not sign that
# cookie again (an eighth of a check-in's time). Forgetting the phone's code ends both.
STEP_COOKIES = {"visit": "checkin_step", "feedback": "checkin_said"}


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


def step_ref(kind):
    """The reference this browser keeps to its step of `kind` ('visit', 'feedback'), else None."""
    name = STEP_COOKIES[kind]
    cookies = request.cookies
    return cookies[name] if name in cookies else None


def keep_step_ref(kind, ref):
    """The response to this request gives the browser `ref` for its step of `kind`."""
    @after_this_request
    def keep(response):
        response.set_cookie(STEP_COOKIES[kind], ref, httponly=True, samesite="Lax",
                            secure=current_app.config["HTTPS"])
        return response


def drop_step_ref(kind):
    """The browser's reference to its step of `kind` (None: none), deleted from the browser by
    the response to this request; the caller ends the step itself (steps.finish)."""
    ref = step_ref(kind)
    if ref is not None:
        @after_this_request
        def drop(response):
            response.delete_cookie(STEP_COOKIES[kind], httponly=True, samesite="Lax",
                                   secure=current_app.config["HTTPS"])
            return response
    return ref


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


def init_app(app):
    app.jinja_env.globals.update(once_field=once_field)
