"""The `checkin` command: Flask's CLI group, gathering each feature's commands.

Each command lives beside what it works on: checkin/db_commands.py (init-db, db-status,
backup, seed-demo, check), server_commands.py (serve, config, translate), week/commands.py
(venue list/add/edit/import), yearclose_commands.py (daily, close-year), visits/commands.py
(door-url, door-limits), feedback/commands.py (feedback, ideas, survey, purge),
figures/commands.py (export, import-tallies), accounts/commands.py (create-user).
"""

import click
from flask.cli import FlaskGroup, routes_command

# Commands that may run where there is no database yet; every other one refuses, so a
# command run from the wrong folder never quietly makes an empty instance of its own.
WITHOUT_DATABASE = {"init-db", "config", "translate", "routes", None}


def _create_app():
    from checkin import create_app
    from checkin.config import ConfigError

    try:
        _refuse_without_database()
        return create_app()
    except ConfigError as error:
        raise click.ClickException(f"Configuration: {error}") from None


def _refuse_without_database():
    """Building the app makes the instance folder and a secret key: only init-db (and the
    commands that need no database) may do that where there is no database yet."""
    from checkin import config

    ctx = click.get_current_context(silent=True)
    while ctx is not None and ctx.parent is not None and ctx.parent.parent is not None:
        ctx = ctx.parent  # up to the command right under `checkin`
    command = ctx.info_name if ctx is not None and ctx.parent is not None else None
    if command in WITHOUT_DATABASE:
        return
    database = config.database_path()
    if not database.is_file():
        raise click.ClickException(
            f"No database at {database}. Run `checkin init-db` to make one, run this command "
            "in the folder that holds instance/, or set CHECKIN_INSTANCE.")


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
@click.version_option(package_name="checkin", prog_name="checkin",
                      message="%(prog)s %(version)s")
def main():
    """checkin: the week, anonymous check-in and honest figures for an open activity.

    Settings come from instance/config.toml and CHECKIN_* environment variables
    (`checkin config` shows them).
    """
    from checkin import config

    for line in config.unknown_environment():
        click.echo(f"Warning: {line}", err=True)


# Only checkin's own commands and options: no Flask development server, shell, --app,
# --debug or --env-file beside them. Operators keep `checkin routes` (added in register).
main.params = [p for p in main.params if p.name not in {"env_file", "app", "debug"}]


def commands():
    """Every feature's commands, as the `checkin` group shows them."""
    from checkin import db_commands, server_commands, yearclose_commands
    from checkin.accounts import commands as accounts
    from checkin.feedback import commands as feedback
    from checkin.figures import commands as figures
    from checkin.visits import commands as visits
    from checkin.week import commands as week

    for feature in (db_commands, server_commands, yearclose_commands, week, visits, feedback,
                    figures, accounts):
        yield from feature.COMMANDS


def register(app):
    """Add every feature's commands to the app's `checkin` group."""
    for command in commands():
        app.cli.add_command(command)
    app.cli.add_command(routes_command)


# The commands hang on the group itself as well, so that finding one does not build the app
# (and its instance folder) before main() has checked there is a database.
for _command in commands():
    main.add_command(_command)
main.add_command(routes_command)

if __name__ == "__main__":
    main()
