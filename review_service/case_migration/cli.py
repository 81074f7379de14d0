"""`flask review migrate-cases AGENCY_CODE --to N [--dry-run]`."""
import click
from flask.cli import with_appcontext

from ..agencies.service import agency_by_code
from ..commandline import OPERATOR, refusal
from ..errors import ServiceError
from ..unit_of_work import unit_of_work
from .service import migrate_cases


def register(group) -> None:
    assert migrate_cases_command.callback is not None
    migrate_cases_command.callback = with_appcontext(migrate_cases_command.callback)
    group.add_command(migrate_cases_command)


@click.command("migrate-cases")
@click.argument("agency_code")
@click.option("--to", "number", type=int, required=True, help="The agency's version number to move cases to.")
@click.option("--dry-run", is_flag=True, help="List what would change and which cases are refused; change nothing.")
def migrate_cases_command(agency_code: str, number: int, dry_run: bool):
    """Move the agency's running cases onto version N; cases whose completed steps changed are refused."""
    try:
        with unit_of_work() as work:
            reports = migrate_cases(agency_by_code(agency_code), number, actor=OPERATOR, dry_run=dry_run)
            if dry_run:
                work.discard()
    except ServiceError as exc:
        raise refusal(exc) from exc
    for report in reports:
        detail = "; ".join(report["refused_because"]) or ", ".join(report["changed_tasks"]) or "-"
        click.echo(f"{report['case_number']}: v{report['from_version']['number']} -> v{number}: "
                   f"{report['result']} ({detail})")
    click.echo(f"{len(reports)} running case(s){' (dry run, nothing changed)' if dry_run else ''}")
