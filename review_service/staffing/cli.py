"""`flask review staffing-report`, `import-agencies`, `import-staff`."""
import csv
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..agencies.models import Agency
from ..agencies.service import agency_by_code, import_agencies
from ..china_time import today_in_china as today
from ..commandline import OPERATOR, refusal
from ..errors import ServiceError
from ..extensions import db
from ..unit_of_work import unit_of_work
from .records import import_staff
from .rule import staffing_rollup

COLUMNS = ("agency_code", "agency_name", "on", "enforcement_staff", "legal_reviewers", "pooled_advisors", "reviewers",
           "required_reviewers", "shortfall", "compliant", "rule", "rule_text", "rule_source")


def register(group) -> None:
    for command in (staffing_report_command, import_agencies_command, import_staff_command):
        assert command.callback is not None
        command.callback = with_appcontext(command.callback)
        group.add_command(command)


@click.command("staffing-report")
@click.option("--agency", "code", default=None, help="Agency code (default: every top-level agency).")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date, YYYY-MM-DD.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")
def staffing_report_command(code: str | None, on, as_csv: bool):
    """The 5% rule per agency, rolled up under each parent, as of a date."""
    day: date = on.date() if on else today()
    roots = [agency_by_code(code)] if code else list(db.session.scalars(
        select(Agency).where(Agency.parent_id.is_(None)).order_by(Agency.code)))
    rows = [row for root in roots for row in staffing_rollup(root, day)["agencies"]]
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    click.echo(f"{'机关':<24}{'执法人员':>8}{'审核人员':>8}{'应配':>6}{'缺口':>6}  结论  ({day})")
    for row in rows:
        verdict = "达标" if row["compliant"] else f"不足 {row['shortfall']} 人"
        click.echo(f"{row['agency_code']:<24}{row['enforcement_staff']:>10}{row['reviewers']:>10}"
                   f"{row['required_reviewers']:>8}{row['shortfall']:>8}  {verdict}  [{row['rule']}]")


@click.command("import-agencies")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_agencies_command(file: Path):
    """Register agencies from a CSV file; any bad row stores nothing."""
    _run_import(lambda content: import_agencies(content, actor=OPERATOR), file, "agencies")


@click.command("import-staff")
@click.argument("agency_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_staff_command(agency_code: str, file: Path):
    """Register staff of an agency from a CSV file; any bad row stores nothing."""
    _run_import(lambda content: import_staff(agency_by_code(agency_code), content, actor=OPERATOR), file, "staff")


def _run_import(action, file: Path, noun: str) -> None:
    """One unit of work: every row is stored, or (any bad row) none."""
    try:
        with unit_of_work():
            created = action(file.read_bytes())
    except ServiceError as exc:
        raise refusal(exc) from exc
    click.echo(f"imported {len(created)} {noun}")


DEMO_OFFICERS = {"demo-city-samr": 45, "demo-county-samr": 12, "demo-city-eco": 30,  # city short by 1 (3 needed)
                 "demo-gd-samr": 20, "demo-ah-samr": 15}
DEMO_REVIEWERS = ("reviewer", "reviewer2", "county.reviewer", "gd.reviewer", "ah.reviewer")


def seed_demo_staff() -> None:
    """Demo only: qualified reviewer records for the demo reviewers and some enforcement officers."""
    from ..accounts.models import User
    from .models import ENFORCEMENT_OFFICER, LEGAL_REVIEWER, StaffMember
    start = date(2020, 1, 1)
    for username in DEMO_REVIEWERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user and db.session.scalar(select(StaffMember.id).where(StaffMember.user_id == user.id)) is None:
            db.session.add(StaffMember(agency_id=user.agency_id, kind=LEGAL_REVIEWER, name=user.full_name,
                                       user_id=user.id, legal_qualification_no=f"A2019{user.id:07d}", valid_from=start))
    for code, officers in DEMO_OFFICERS.items():
        agency = agency_by_code(code)
        if db.session.scalar(select(StaffMember.id).where(StaffMember.agency_id == agency.id,
                                                          StaffMember.kind == ENFORCEMENT_OFFICER)) is None:
            db.session.add_all(StaffMember(agency_id=agency.id, kind=ENFORCEMENT_OFFICER, name=f"执法人员{n + 1}",
                                           enforcement_certificate_no=f"{code}-{n + 1:04d}", valid_from=start)
                               for n in range(officers))
