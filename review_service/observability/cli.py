"""`flask review ready`: the readiness checks of GET /readyz, for workers and scripts (exit status 1: not ready)."""
import json

import click
from flask.cli import with_appcontext

from .readiness import failing, readiness_checks


def register(group) -> None:
    group.add_command(ready_command)


@click.command("ready")
@with_appcontext
def ready_command():
    """Check the database, the migrations and this year's calendar; print the checks as JSON."""
    checks = readiness_checks()
    click.echo(json.dumps(checks, ensure_ascii=False))
    if failing(checks):
        raise click.exceptions.Exit(1)
