"""The visitor's side of a phone: the remembered phone code in its cookie, and the one-time
token each counting form carries (visits/once.py holds the rule). Flask side."""

from flask import current_app, request
from markupsafe import Markup

from checkin.db import get_db
from checkin.visits import once
from checkin.visits.phones import read_phone_code
from checkin.web.pages import keep_cookie, venue_now

PHONE_COOKIE = "checkin_phone"
# Before codes were signed the answer sat unsigned in a cookie of its own: now only deleted.
GENDER_COOKIE = "checkin_gender"
ONCE_FIELD = "once"


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


def _form_key():
    return once.form_key(current_app.config["SECRET_KEY"])


def once_field(purpose, venue):
    """The hidden field with a fresh one-time token for a form that counts something."""
    token = once.issue(_form_key(), purpose, venue["id"], venue_now(venue).date())
    return Markup('<input type="hidden" name="{}" value="{}">').format(ONCE_FIELD, token)


def spend_once(purpose, venue):
    """Spend the posted form's one-time token: None if it was good, else why not
    ('bad', 'old' or 'used'); nothing is written when it is refused."""
    try:
        once.spend(get_db(), _form_key(), request.form.get(ONCE_FIELD), purpose, venue["id"],
                   venue_now(venue).date())
    except once.Refused as refused:
        return refused.reason
    return None


def init_app(app):
    app.jinja_env.globals.update(once_field=once_field)
