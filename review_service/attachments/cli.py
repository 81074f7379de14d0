"""`flask review verify-attachments`: every attachment's file present with its recorded size and SHA-256."""
import hashlib

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..unit_of_work import reading
from .models import Attachment
from .service import attachment_path


def register(group) -> None:
    group.add_command(verify_attachments_command)


def file_problem(attachment: Attachment) -> str | None:
    """Why the attachment's file does not hold what was uploaded, or None."""
    path = attachment_path(attachment)
    if not path.is_file():
        return f"file missing ({path})"
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    if digest.hexdigest() != attachment.sha256:
        return f"content differs from the upload (sha256 {digest.hexdigest()[:12]}…, expected {attachment.sha256[:12]}…)"
    return None


@click.command("verify-attachments")
@with_appcontext
def verify_attachments_command():
    """Check every attachment's file against its SHA-256; exit 1 naming the missing or changed ones."""
    checked = bad = 0
    with reading():
        for attachment in db.session.scalars(select(Attachment).order_by(Attachment.uploaded_at, Attachment.id)):
            checked += 1
            problem = file_problem(attachment)
            if problem:
                bad += 1
                click.echo(f"attachment {attachment.id} ({attachment.filename}, case {attachment.case_id}): {problem}",
                           err=True)
    click.echo(f"verify-attachments: {checked} files checked, {bad} missing or changed")
    if bad:
        raise click.exceptions.Exit(1)
