"""`flask review publish-process AGENCY_CODE FOLDER` and `flask review migrate-cases AGENCY_CODE --to N [--dry-run]`."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..agencies.service import agency_by_code
from ..commandline import OPERATOR, refusal
from ..errors import ServiceError
from ..unit_of_work import unit_of_work
from .migration import migrate_cases
from .service import read_process_files
from .versions import publish_for_agency


def register(group) -> None:
    for command in (publish_process_command, migrate_cases_command):
        assert command.callback is not None
        command.callback = with_appcontext(command.callback)
        group.add_command(command)


@click.command("publish-process")
@click.argument("agency_code")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def publish_process_command(agency_code: str, folder: Path):
    """Validate FOLDER (.bpmn, .dmn, profile.json, catalog.json) and publish it as the agency's next version."""
    try:
        with unit_of_work():
            version, created = publish_for_agency(agency_by_code(agency_code), read_process_files(folder),
                                                  actor=OPERATOR)
    except ServiceError as exc:
        raise refusal(exc) from exc
    state = "published" if created else "unchanged, latest is"
    click.echo(f"{agency_code}: {state} version {version.number} ({version.content_hash[:12]}): "
               f"{', '.join(sorted(version.sources))}")


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
