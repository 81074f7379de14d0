"""`flask review verify-history`: every case's history checked after a restore (or any night)."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..audit.service import history_problem
from ..extensions import db
from ..unit_of_work import reading
from .models import Case


def register(group) -> None:
    group.add_command(verify_history_command)


@click.command("verify-history")
@with_appcontext
def verify_history_command():
    """Check every case's hash chain, and that it ends at the case's stored head; exit 1 naming the broken ones."""
    checked = broken = 0
    with reading():
        heads = db.session.execute(select(Case.id, Case.case_number, Case.history_seq, Case.history_hash)
                                   .order_by(Case.id)).all()
        for case_id, case_number, head_seq, head_hash in heads:
            checked += 1
            problem = history_problem(case_id, head_seq, head_hash)
            if problem:
                broken += 1
                click.echo(f"case {case_id} ({case_number}): {problem}", err=True)
    click.echo(f"verify-history: {checked} cases checked, {broken} broken")
    if broken:
        raise click.exceptions.Exit(1)
