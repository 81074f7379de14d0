"""`flask review users create|set-roles|reset-password|deactivate|reactivate|list|import|log` (账号管理).

The command-line operator reaches every agency. One-time passwords are printed once, to stdout.
"""
from pathlib import Path

import click
from flask.cli import AppGroup

from ..commandline import OPERATOR, refusal
from ..errors import ServiceError
from ..unit_of_work import unit_of_work
from .service import (
    account_by_username,
    account_events,
    agency_in_reach,
    create_account,
    deactivate_account,
    list_accounts,
    reactivate_account,
    reset_password,
    set_roles,
)
from .sheet import import_accounts

users_cli = AppGroup("users", help="账号管理：创建账号、设置角色、重置密码、停用、列表、从人员表导入、变更记录")


def register(group) -> None:
    group.add_command(users_cli)


def _run(action):
    """Run `action` in one unit of work; a refusal prints its code, message and fields and exits 1."""
    try:
        with unit_of_work():
            return action()
    except ServiceError as exc:
        raise refusal(exc) from exc


def _roles(value: str) -> list[str]:
    return [role.strip() for role in value.split(",") if role.strip()]


def _print_one_time(username: str, secret: str) -> None:
    click.echo(f"{username}\t{secret}\t(one-time password: shown once, to be changed at first login)")


@users_cli.command("create")
@click.argument("username")
@click.option("--agency", "agency_code", required=True, help="Agency code.")
@click.option("--name", "full_name", required=True, help="Full name (姓名).")
@click.option("--roles", required=True, help="Comma-separated: handler,reviewer,review_head,deputy_head,head,"
                                             "designer,supervisor,admin.")
def create_command(username, agency_code, full_name, roles):
    """Create an account with a one-time password (printed once)."""
    def action():
        user, secret = create_account(agency_in_reach(agency_code, actor=OPERATOR), actor=OPERATOR,
                                      username=username, full_name=full_name, roles=_roles(roles))
        return user.username, secret
    _print_one_time(*_run(action))


@users_cli.command("set-roles")
@click.argument("username")
@click.option("--roles", required=True, help="Comma-separated roles; they replace the current ones.")
def set_roles_command(username, roles):
    """Replace an account's roles."""
    def action():
        return sorted(set_roles(account_by_username(username, actor=OPERATOR), actor=OPERATOR,
                                roles=_roles(roles)).roles)
    click.echo(f"{username}: {','.join(_run(action))}")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password_command(username):
    """Give an account a new one-time password (printed once); its sessions and tokens end."""
    secret = _run(lambda: reset_password(account_by_username(username, actor=OPERATOR), actor=OPERATOR))
    _print_one_time(username, secret)


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_command(username):
    """Deactivate an account: it can no longer log in, and every session and token ends now."""
    _run(lambda: deactivate_account(account_by_username(username, actor=OPERATOR), actor=OPERATOR))
    click.echo(f"{username}: deactivated")


@users_cli.command("reactivate")
@click.argument("username")
def reactivate_command(username):
    """Let a deactivated account log in again, with a new one-time password (printed once)."""
    secret = _run(lambda: reactivate_account(account_by_username(username, actor=OPERATOR), actor=OPERATOR))
    _print_one_time(username, secret)


@users_cli.command("list")
@click.option("--agency", "agency_code", default=None, help="Only this agency.")
def list_command(agency_code):
    """Every account (or an agency's): username, name, agency, roles, state."""
    def action():
        agency = agency_in_reach(agency_code, actor=OPERATOR) if agency_code else None
        return [(u.username, u.full_name, u.agency.code, ",".join(sorted(u.roles)),
                 "active" if u.is_active else "deactivated", "must-change-password" if u.must_change_password else "")
                for u in list_accounts(actor=OPERATOR, agency=agency)]
    for row in _run(action):
        click.echo("\t".join(row).rstrip())


@users_cli.command("import")
@click.argument("agency_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(agency_code, file: Path):
    """Accounts from the staff sheet (CSV or XLSX): every row with a username; one bad row stores nothing."""
    def action():
        agency = agency_in_reach(agency_code, actor=OPERATOR)
        return [(user.username, secret) for user, secret in import_accounts(agency, file.read_bytes(), actor=OPERATOR)]
    created = _run(action)
    for username, secret in created:
        _print_one_time(username, secret)
    click.echo(f"imported {len(created)} accounts", err=True)


@users_cli.command("log")
@click.option("--user", "username", default=None, help="Only this account's changes.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200)
def log_command(username, limit):
    """The account change log, newest first."""
    def action():
        user = account_by_username(username, actor=OPERATOR) if username else None
        return [(e.occurred_at.isoformat(timespec="seconds"), e.actor_name, e.user.username, e.action, str(e.data))
                for e in account_events(actor=OPERATOR, user=user, limit=limit)]
    for row in _run(action):
        click.echo("\t".join(row))
