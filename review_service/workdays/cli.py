"""`flask review calendar due|check-year|load|adjust`."""
import json
from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from ..commandline import refusal
from ..errors import ServiceError
from ..unit_of_work import unit_of_work
from .service import adjust_day, agency_id_for_code, check_year_covered, compute_due_date, load_arrangement

calendar_cli = AppGroup("calendar", help="工作日日历：期限计算、年度放假安排的载入与本地调整")


def register(group: click.Group) -> None:
    group.add_command(calendar_cli)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


DAY = click.DateTime(formats=["%Y-%m-%d"])


@calendar_cli.command("due")
@click.option("--start", type=DAY, required=True, help="起算日 YYYY-MM-DD (not counted).")
@click.option("--working-days", type=click.IntRange(min=0), default=None)
@click.option("--calendar-days", type=click.IntRange(min=0), default=None)
@click.option("--agency", "agency_code", default=None, help="Agency code (its local adjustments apply).")
def due_command(start: datetime, working_days: int | None, calendar_days: int | None,
                agency_code: str | None) -> None:
    """Print the due date (YYYY-MM-DD) of a period in working days or calendar days."""
    try:
        agency_id = agency_id_for_code(agency_code) if agency_code else None
        due_on = compute_due_date(_day(start), working_days=working_days, calendar_days=calendar_days,
                                  agency_id=agency_id)
    except ServiceError as exc:
        raise refusal(exc) from exc
    click.echo(due_on.isoformat())


@calendar_cli.command("check-year")
@click.argument("year", type=int)
def check_year_command(year: int) -> None:
    """Say whether YEAR has holiday data; exit 1 if not."""
    try:
        check_year_covered(year)
    except ServiceError as exc:
        click.echo(f"{year}: not covered", err=True)
        raise refusal(exc) from exc
    click.echo(f"{year}: covered")


@calendar_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--example", is_flag=True, help="Allow a file marked as invented (\"example\": true), e.g. for a demo.")
@click.option("--accept-warnings", is_flag=True, help="Load although the file has warnings (e.g. more than 6 "
                                                      "working days in a row) after checking them against the notice.")
def load_command(file: Path, example: bool, accept_warnings: bool) -> None:
    """Load a year's arrangement file (see README.md), replacing an earlier one for that year."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"{file}: not a JSON file: {exc}", err=True)
        raise click.exceptions.Exit(1) from exc
    if not isinstance(document, dict):
        click.echo(f"{file}: the file must hold a JSON object", err=True)
        raise click.exceptions.Exit(1)
    try:
        with unit_of_work():
            loaded = load_arrangement(document, source=file.name, allow_example=example,
                                      accept_warnings=accept_warnings)
    except ServiceError as exc:
        raise refusal(exc) from exc
    for warning in loaded.warnings:
        click.echo(f"warning (accepted): {warning}", err=True)
    click.echo(f"{loaded.year}: revision {loaded.revision}, {len(loaded.changed_days)} days changed, "
               f"{loaded.deadlines_recomputed} open deadlines recomputed")


@calendar_cli.command("adjust")
@click.argument("agency_code")
@click.argument("day", type=DAY)
@click.option("--working/--rest", "is_working", default=None, help="The agency works / rests on DAY.")
@click.option("--reason", required=True, help="Why (e.g. the local government's notice).")
def adjust_command(agency_code: str, day: datetime, is_working: bool, reason: str) -> None:
    """Make DAY a working or a rest day for AGENCY_CODE and the agencies below it."""
    if is_working is None:
        raise click.UsageError("give --working or --rest")
    try:
        with unit_of_work():
            adjust_day(agency_id_for_code(agency_code), _day(day), is_working_day=is_working, reason=reason)
    except ServiceError as exc:
        raise refusal(exc) from exc
    click.echo(f"{agency_code} {_day(day).isoformat()}: {'working day' if is_working else 'rest day'}")
