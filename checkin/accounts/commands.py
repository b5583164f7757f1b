"""Staff accounts from the command line: create-user makes the first admin."""

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect, migrate


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "staff", "viewer"]), required=True,
              help="admin: everything; staff: schedule, posters, kiosk, tally, feedback, ideas, "
                   "surveys, figures; viewer: figures.")
def create_user_command(username, role):
    """Create a staff account; the password comes from a hidden prompt or standard input."""
    import sys

    from checkin.accounts import auth

    if auth.username_problem(username):
        raise click.BadParameter("use 1 to 40 letters, digits, dots, dashes or underscores",
                                 param_hint="USERNAME")
    if sys.stdin.isatty():
        password = click.prompt("Password (at least 12 characters)", hide_input=True,
                                confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    problem = auth.password_problem(password, username, auth.password_context(
        db, *(current_app.config.get(k) for k in ("ORGANISATION", "SERVICE_NAME", "RESPONSIBLE"))))
    if problem:
        db.conn.close()
        raise click.UsageError({
            "too_short": f"The password must be at least {auth.PASSWORD_MIN} characters.",
            "too_long": f"The password can be at most {auth.PASSWORD_MAX} characters.",
            "common": "That password is one of the most common ones. Choose another.",
            "username": "The password must not be the same as the username.",
            "weak": "That password is too easy to guess. Use four or five words that do not "
                    "belong together, and no names from here.",
        }[problem])
    try:
        auth.create_user(db, username, password, role)
    except auth.UsernameTaken:
        raise click.BadParameter(f"there is already an account called {username!r}",
                                 param_hint="USERNAME") from None
    from checkin.web.command_options import public_address

    click.echo(f"Created {role} account {username!r}. Log in at "
               f"{public_address(current_app)}/staff/")


COMMANDS = (create_user_command,)
