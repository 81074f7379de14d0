"""What every `flask review` command shares: the operator it acts as, and how it reports a refusal."""
from typing import cast

import click

from .accounts.roles import Actor, Role
from .errors import ServiceError


class CommandLineOperator:
    """The operator at the command line acts for every agency (they already hold database access);
    the history names no user for what they do."""

    id: int | None = None
    agency_id: int | None = None
    full_name = "命令行"
    roles = frozenset({Role.ADMIN})
    is_operator = True

    @staticmethod
    def has_role(role: str) -> bool:
        return role == Role.ADMIN


# Typed as an Actor although id and agency_id are None: the services it is given check is_operator first.
OPERATOR = cast(Actor, CommandLineOperator())


def refusal(error: ServiceError) -> click.exceptions.Exit:
    """Print the error's code, message and every failing field to stderr; return the exit (status 1) to raise."""
    click.echo(f"{error.code}: {error.message}", err=True)
    for path, messages in error.fields.items():
        click.echo(f"  {path}: {'; '.join(messages)}", err=True)
    return click.exceptions.Exit(1)
