"""`flask review publish-process AGENCY_CODE FOLDER`."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..agencies.service import agency_by_code
from ..commandline import OPERATOR, refusal
from ..errors import ServiceError
from ..unit_of_work import unit_of_work
from .service import read_process_files
from .versions import publish_for_agency


def register(group) -> None:
    for command in (publish_process_command,):
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
