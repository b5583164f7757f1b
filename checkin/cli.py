"""The `checkin` command: Flask's CLI group, gathering each feature's commands.

Each command lives beside what it works on: checkin/db_commands.py (init-db, db-status,
backup, seed-demo), web/commands.py (serve, config, translate), visits/commands.py
(door-url, daily, close-year), feedback/commands.py (feedback, ideas, survey, purge),
figures/commands.py (export, import-tallies), accounts/commands.py (create-user).
"""

import click
from flask.cli import FlaskGroup, routes_command


def _create_app():
    from checkin import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def main():
    """checkin: the week, anonymous check-in and honest figures for an open activity.

    Settings come from instance/config.toml and CHECKIN_* environment variables
    (`checkin config` shows them).
    """


# Only checkin's own commands and options: no Flask development server, shell, --app,
# --debug or --env-file beside them. Operators keep `checkin routes` (added in register).
main.params = [p for p in main.params if p.name not in {"env_file", "app", "debug"}]


def commands():
    """Every feature's commands, as the `checkin` group shows them."""
    from checkin import db_commands
    from checkin.accounts import commands as accounts
    from checkin.feedback import commands as feedback
    from checkin.figures import commands as figures
    from checkin.visits import commands as visits
    from checkin.web import commands as web

    for feature in (db_commands, web, visits, feedback, figures, accounts):
        yield from feature.COMMANDS


def register(app):
    """Add every feature's commands to the app's `checkin` group."""
    for command in commands():
        app.cli.add_command(command)
    app.cli.add_command(routes_command)


if __name__ == "__main__":
    main()
