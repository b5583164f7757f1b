"""Staff accounts on the web: logging in and out, one's password,
accounts (admin), the audit log."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from checkin import venues
from checkin.accounts import audit, auth
from checkin.accounts.access import (
    audit_line,
    current_user,
    log_in,
    log_out,
    may_use_venue,
    require_role,
    session_token,
)
from checkin.accounts.staff_forms import (
    ROLE_NAMES,
    ConfirmForm,
    LoginForm,
    NewUserForm,
    OwnPasswordForm,
    ResetPasswordForm,
    UserForm,
    options,
)
from checkin.db import get_db
from checkin.tokens import new_token
from checkin.web.formatting import staff_time
from checkin.web.pages import safe_next

BAD_INPUT = 400

blueprint = Blueprint("accounts", __name__)


def _db():
    return get_db()


def _password_words(*first):
    """The words a password must not be made of: `first` (the account's name), the venues'
    names, slugs and organisations, and the configured organisation, service and responsible."""
    configured = (current_app.config.get(k) for k in ("ORGANISATION", "SERVICE_NAME",
                                                      "RESPONSIBLE"))
    return [*first, *auth.password_context(_db(), *configured)]
# --- logging in and out ---------------------------------------------------------------------

@blueprint.app_context_processor
def staff_context():
    return {"staff_user": g.get("staff_user")}


def _wait_message(wait):
    if wait > 90:
        return _("Too many wrong tries at this account or from here. Wait %(n)s minutes and "
                 "try again.",
                 n=max(1, round(wait / 60)))
    return _("Too many wrong tries at this account or from here. Wait %(n)s seconds and try "
             "again.",
             n=int(wait) + 1)


# A browser that has logged in to an account before keeps a signed random id for it (nothing
# else: no address, no time), so that others' wrong passwords never slow its owner down.
KNOWN_DEVICE_COOKIE = "checkin_known_device"
KNOWN_DEVICE_DAYS = 400


def _known_devices():
    return URLSafeSerializer(current_app.secret_key, salt="checkin known device")


def _known_device(username):
    """The random id of this browser if it logged in to `username` before, else None."""
    try:
        known = _known_devices().loads(request.cookies.get(KNOWN_DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    if isinstance(known, dict) and known.get("u") == username.lower():
        return known.get("d")
    return None


def _remember_device(response, username, device):
    value = _known_devices().dumps({"u": username.lower(), "d": device or new_token()})
    response.set_cookie(KNOWN_DEVICE_COOKIE, value, max_age=KNOWN_DEVICE_DAYS * 86400,
                        path="/staff/login", secure=bool(current_app.config.get("HTTPS")),
                        httponly=True, samesite="Strict")
    return response


@blueprint.route("/staff/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    throttle = current_app.extensions["login_throttle"]
    if request.method == "GET":
        if current_user():
            return redirect(url_for("accounts.index"))
        return render_template("accounts/login.html", form=form)
    if not form.validate():
        return render_template("accounts/login.html", form=form), BAD_INPUT
    # The address only picks the throttle's counter (as a keyed hash in memory); it is
    # never written, not even in the audit log.
    username, client = form.username.data.strip(), request.remote_addr
    device = _known_device(username)
    wait = throttle.seconds_to_wait(username, client, device)
    if wait:
        return render_template("accounts/login.html", form=form, error=_wait_message(wait)), 429
    user = auth.check_login(_db(), username, form.password.data)
    if user is None:
        slowed = throttle.failed(username, client, device)
        account = auth.user_by_name(_db(), username)
        if account:  # a name that is no account may be a password typed in the wrong box
            audit.record(_db(), account, "login failed",
                         "further tries from there slowed down" if slowed else "")
        error = _("Wrong username or password, or the account is turned off.")
        return render_template("accounts/login.html", form=form, error=error), 401
    throttle.succeeded(username, client, device)
    log_in(user)
    audit.record(_db(), user, "logged in")
    return _remember_device(redirect(safe_next(url_for("accounts.index"), prefix="/staff")),
                            username, device)


@blueprint.post("/staff/logout")
@require_role("viewer")
def logout():
    audit_line("logged out")
    log_out()
    flash(_("You are logged out."))
    return redirect(url_for("accounts.login"))


@blueprint.get("/staff/sessions")
@require_role("viewer")
def sessions():
    return render_template(
        "accounts/sessions.html", form=ConfirmForm(),
        sessions=auth.sessions_of(_db(), current_user()["id"], session_token()),
        lifetime=current_app.config["STAFF_SESSION_HOURS"],
        idle=current_app.config["STAFF_IDLE_HOURS"])


@blueprint.post("/staff/sessions/end-all")
@require_role("viewer")
def end_all_sessions():
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    user = current_user()
    ended = auth.end_every_session(_db(), user["id"])
    audit.record(_db(), user, "logged out everywhere", f"{ended} sessions")
    log_out()
    flash(_("You are logged out everywhere, also here."))
    return redirect(url_for("accounts.login"))


@blueprint.get("/staff/")
@require_role("viewer")
def index():
    user = current_user()
    allowed = [v for v in venues.all_venues(_db()) if may_use_venue(v)]
    return render_template("accounts/index.html", venues=allowed, user=user,
                           is_staff=auth.role_at_least(user["role"], "staff"),
                           is_admin=user["role"] == "admin")


@blueprint.route("/staff/password", methods=["GET", "POST"])
@require_role("viewer")
def own_password():
    form = OwnPasswordForm()
    user = current_user()
    form.password_context = _password_words(user["username"])
    if request.method == "POST":
        if form.validate() and _confirmed(form.current, _("That is not your password now.")):
            auth.set_password(_db(), user["id"], form.new.data, by=user,
                              keep_session=session_token())
            flash(_("Your password is changed. You are logged out everywhere else."))
            return redirect(url_for("accounts.index"))
        return render_template("accounts/password.html", form=form), BAD_INPUT
    return render_template("accounts/password.html", form=form)


# --- accounts (admin) -----------------------------------------------------------------------

def _venue_choices():
    return [(v["id"], v["name"]) for v in venues.all_venues(_db())]


def _get_user_or_404(user_id):
    user = auth.get_user(_db(), user_id)
    if user is None:
        abort(404)
    return user


@blueprint.get("/staff/users")
@require_role("admin")
def users():
    rows = auth.all_users(_db())
    names = {v["id"]: v["name"] for v in venues.all_venues(_db())}
    for row in rows:
        row["venue_names"] = [names[i] for i in sorted(auth.user_venue_ids(_db(), row["id"]))]
    return render_template("accounts/users.html", users=rows, role_names=ROLE_NAMES)


def _confirmed(field, message=None):
    """The logged-in account's own password is in `field`; else an error on it, and False.

    Making an admin or setting someone's password from a screen left open must not work, and
    guessing it there is slowed down like guessing it at the login.
    """
    user, throttle = current_user(), current_app.extensions["login_throttle"]
    # This browser logged in, so it carries its known-device id: others' guesses at the
    # account do not hold it up, and its own wrong tries slow only it.
    who = (user["username"], request.remote_addr, _known_device(user["username"]))
    wait = throttle.seconds_to_wait(*who)
    if wait:
        field.errors = [*field.errors, _wait_message(wait)]
        return False
    if field.data and auth.check_password(user, field.data):
        throttle.succeeded(*who)
        return True
    throttle.failed(*who)
    audit.record(_db(), user, "password confirmation failed")
    field.errors = [*field.errors, message or _("That is not your password. Type your own "
                                                "password to confirm.")]
    return False


@blueprint.route("/staff/users/new", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = NewUserForm()
    form.venues.choices = options(_venue_choices())
    form.password_context = _password_words()
    if request.method == "POST":
        if form.validate() and (form.role.data != "admin" or _confirmed(form.yours)):
            username = form.username.data.strip()
            try:
                auth.create_user(_db(), username, form.password.data, form.role.data,
                                 venue_ids=form.chosen_venues(), by=current_user())
            except auth.UsernameTaken:
                form.username.errors.append(_("That username is taken. Choose another."))
            else:
                flash(_("Account %(name)s created. Tell them the password in person.",
                        name=username))
                return redirect(url_for("accounts.users"))
        return render_template("accounts/user_new.html", form=form), BAD_INPUT
    return render_template("accounts/user_new.html", form=form)


def _user_page(account, form=None, reset=None, status=200, error=None):
    if form is None:
        chosen = sorted(auth.user_venue_ids(_db(), account["id"]))
        form = UserForm(role=account["role"], venues=chosen, every_venue=not chosen)
        form.venues.choices = options(_venue_choices())
    return render_template(
        "accounts/user.html", account=account, form=form, reset=reset or ResetPasswordForm(),
        toggle=ConfirmForm(), is_me=account["id"] == current_user()["id"], error=error,
    ), status


@blueprint.route("/staff/users/<int:user_id>", methods=["GET", "POST"])
@require_role("admin")
def user(user_id):
    account = _get_user_or_404(user_id)
    if request.method == "GET":
        return _user_page(account)
    form = UserForm()
    form.venues.choices = options(_venue_choices())
    making_admin = form.role.data == "admin" and account["role"] != "admin"
    if not form.validate() or (making_admin and not _confirmed(form.yours)):
        return _user_page(account, form=form, status=BAD_INPUT)
    if account["id"] == current_user()["id"] and form.role.data != "admin":
        return _user_page(account, form=form, status=BAD_INPUT,
                          error=_("You cannot take away your own admin role. "
                                  "Ask another admin."))
    auth.change_account(_db(), user_id, role=form.role.data, venue_ids=form.chosen_venues(),
                        by=current_user())
    flash(_("Saved."))
    return redirect(url_for("accounts.users"))


@blueprint.post("/staff/users/<int:user_id>/password")
@require_role("admin")
def reset_password(user_id):
    account = _get_user_or_404(user_id)
    reset = ResetPasswordForm()
    reset.password_context = _password_words(account["username"])
    if not reset.validate() or not _confirmed(reset.yours):
        return _user_page(account, reset=reset, status=BAD_INPUT)
    auth.set_password(_db(), user_id, reset.new.data, by=current_user())
    flash(_("New password set for %(name)s. Tell them in person.", name=account["username"]))
    return redirect(url_for("accounts.users"))


@blueprint.post("/staff/users/<int:user_id>/active")
@require_role("admin")
def toggle_user(user_id):
    account = _get_user_or_404(user_id)
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    if account["id"] == current_user()["id"]:
        return _user_page(account, status=BAD_INPUT,
                          error=_("You cannot turn off your own account."))
    auth.set_active(_db(), user_id, not account["active"], by=current_user())
    flash(_("Saved."))
    return redirect(url_for("accounts.users"))


# --- audit log ------------------------------------------------------------------------------

@blueprint.get("/staff/audit")
@require_role("staff")
def audit_log():
    """Who changed what: filters (who, what, venue, month) sent with GET, 50 lines a page,
    logging in and out folded to one line per person and day."""
    user = current_user()
    limited = set() if user["role"] == "admin" else auth.user_venue_ids(_db(), user["id"])
    locale = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    seen = [v for v in venues.all_venues(_db()) if not limited or v["id"] in limited]
    chosen = {
        "who": request.args.get("who") or None,
        "kind": request.args.get("kind") if request.args.get("kind") in (
            *audit.KINDS, "other") else None,
        "venue_id": next((v["id"] for v in seen if v["slug"] == request.args.get("venue")),
                         None),
        "month": request.args.get("month") if re.fullmatch(
            r"\d{4}-\d{2}", request.args.get("month", "")) else None,
    }
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    rows, total = audit.lines(_db(), venue_ids=limited, own=user["username"], page=page,
                              **chosen)
    for row in rows:
        row["when"] = staff_time(row["at"], {"timezone": row["timezone"]}, weekday=True)
    rows = audit.fold_logins(rows, lambda row: row["when"].split(" kl.")[0].split(",")[0])
    for row in rows:
        row["sentence"] = audit.sentence(row, locale)
    pages = max(1, -(-total // audit.PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "accounts/audit.html", rows=rows, total=total, page=page, pages=pages, args=args,
        venues=seen, usernames=audit.usernames(_db()), months=audit.months(_db()),
        kinds=audit.KINDS, chosen={**chosen, "venue": request.args.get("venue")})
