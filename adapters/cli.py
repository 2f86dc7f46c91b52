"""The ``statusboard`` command: a Flask CLI group whose commands the app registers."""

from __future__ import annotations

from flask.cli import FlaskGroup, routes_command, shell_command

from adapters.app import create_app

main = FlaskGroup(
    name="statusboard",
    create_app=create_app,
    # Our own `run` (with embedded projections) replaces Flask's.
    add_default_commands=False,
    help="Run and operate the status board. Configuration comes from DATABASE_URL and "
    "STATUSBOARD_* environment variables.",
)
main.add_command(shell_command)
main.add_command(routes_command)

if __name__ == "__main__":
    main(prog_name="statusboard")
