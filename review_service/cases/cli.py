"""`flask review verify-history`: check every case's hash-chained history against the case's stored head."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..audit.service import case_history, verify_chain
from ..extensions import db
from ..unit_of_work import reading
from .models import Case


def register(group) -> None:
    group.add_command(verify_history_command)


def broken_histories(batch: int = 500):
    """Yield (case id, case number, broken seq) for every case whose history does not match its head."""
    last_id = 0
    while True:
        cases = db.session.execute(select(Case.id, Case.case_number, Case.history_seq, Case.history_hash)
                                   .where(Case.id > last_id).order_by(Case.id).limit(batch)).all()
        if not cases:
            return
        for case in cases:
            broken = verify_chain(case_history(case.id), head_seq=case.history_seq, head_hash=case.history_hash)
            if broken is not None:
                yield case.id, case.case_number, broken
        last_id = cases[-1].id
        db.session.expunge_all()


@click.command("verify-history")
@with_appcontext
def verify_history_command():
    """Check every case's history; exit 1 naming each broken one (case id, number, first bad entry)."""
    with reading():
        checked = db.session.scalar(select(db.func.count(Case.id)))
        broken = list(broken_histories())
    for case_id, number, seq in broken:
        click.echo(f"case {case_id} ({number}): history broken at entry {seq}", err=True)
    click.echo(f"{checked} cases checked, {len(broken)} broken")
    if broken:
        raise click.exceptions.Exit(1)
