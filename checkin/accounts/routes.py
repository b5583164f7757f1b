"""Staff accounts on the web: logging in and out, one's password,
accounts (admin), the audit log."""


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

from checkin.accounts import audit, auth
from checkin.accounts.access import (
    audit_line,
    current_user,
    log_in,
    log_out,
    may_use_venue,
    require_role,
)
from checkin.accounts.staff_forms import (
    ConfirmForm,
    LoginForm,
    NewUserForm,
    OwnPasswordForm,
    ResetPasswordForm,
    UserForm,
    options,
)
from checkin.db import get_db
from checkin.web.formatting import staff_time
from checkin.web.pages import safe_next
from checkin.week import venues

BAD_INPUT = 400

blueprint = Blueprint("accounts", __name__)


def _db():
    return get_db()
# --- logging in and out ---------------------------------------------------------------------

@blueprint.app_context_processor
def staff_context():
    return {"staff_user": g.get("staff_user")}


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
    username, client = form.username.data.strip(), request.remote_addr
    wait = throttle.seconds_to_wait(username, client)
    if wait:
        minutes = max(1, round(wait / 60)) if wait > 90 else None
        error = (_("Too many wrong tries. Wait %(n)s minutes and try again.", n=minutes)
                 if minutes else
                 _("Too many wrong tries. Wait %(n)s seconds and try again.", n=int(wait) + 1))
        return render_template("accounts/login.html", form=form, error=error), 429
    user = auth.check_login(_db(), username, form.password.data)
    if user is None:
        throttle.failed(username, client)
        error = _("Wrong username or password, or the account is turned off.")
        return render_template("accounts/login.html", form=form, error=error), 401
    throttle.succeeded(username, client)
    log_in(user)
    return redirect(safe_next(url_for("accounts.index"), prefix="/staff"))


@blueprint.post("/staff/logout")
@require_role("viewer")
def logout():
    log_out()
    flash(_("You are logged out."))
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
    if request.method == "POST":
        if form.validate():
            if not auth.check_password(user, form.current.data):
                form.current.errors.append(_("That is not your password now."))
            else:
                from flask import session

                from checkin.accounts.access import SESSION_KEY

                auth.set_password(_db(), user["id"], form.new.data,
                                  keep_session=session.get(SESSION_KEY))
                audit_line("password changed", user["username"], user=user["username"])
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
    return render_template("accounts/users.html", users=rows)


@blueprint.route("/staff/users/new", methods=["GET", "POST"])
@require_role("admin")
def new_user():
    form = NewUserForm()
    form.venues.choices = options(_venue_choices())
    if request.method == "POST":
        if form.validate():
            username = form.username.data.strip()
            try:
                user_id = auth.create_user(_db(), username, form.password.data, form.role.data)
            except ValueError:
                form.username.errors.append(_("That username is taken. Choose another."))
            else:
                auth.set_user_venues(_db(), user_id, form.chosen_venues())
                audit_line("account created", f"{username} ({form.role.data})",
                           user=username, role=form.role.data)
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
    if not form.validate():
        return _user_page(account, form=form, status=BAD_INPUT)
    if account["id"] == current_user()["id"] and form.role.data != "admin":
        return _user_page(account, form=form, status=BAD_INPUT,
                          error=_("You cannot take away your own admin role. "
                                  "Ask another admin."))
    auth.set_role(_db(), user_id, form.role.data)
    auth.set_user_venues(_db(), user_id, form.chosen_venues())
    names = ", ".join(n for i, n in _venue_choices() if i in form.chosen_venues()) or "all"
    audit_line("account changed", f"{account['username']}: role {form.role.data}, venues {names}",
               user=account["username"], role=form.role.data,
               venues=[n for i, n in _venue_choices() if i in form.chosen_venues()])
    flash(_("Saved."))
    return redirect(url_for("accounts.users"))


@blueprint.post("/staff/users/<int:user_id>/password")
@require_role("admin")
def reset_password(user_id):
    account = _get_user_or_404(user_id)
    reset = ResetPasswordForm()
    if not reset.validate():
        return _user_page(account, reset=reset, status=BAD_INPUT)
    auth.set_password(_db(), user_id, reset.new.data)
    audit_line("password reset", account["username"], user=account["username"])
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
    auth.set_active(_db(), user_id, not account["active"])
    audit_line("account turned off" if account["active"] else "account turned on",
               account["username"], user=account["username"])
    flash(_("Saved."))
    return redirect(url_for("accounts.users"))


# --- audit log ------------------------------------------------------------------------------

@blueprint.get("/staff/audit")
@require_role("staff")
def audit_log():
    user = current_user()
    limited = set() if user["role"] == "admin" else auth.user_venue_ids(_db(), user["id"])
    locale = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    rows = audit.recent(_db(), venue_ids=limited)
    for row in rows:
        row["when"] = staff_time(row["at"], {"timezone": row["timezone"]}, weekday=True)
        row["sentence"] = audit.sentence(row, locale)
    return render_template("accounts/audit.html", rows=rows)


