"""迁移运行中的案件: move the agency's running cases onto one of its versions, from the designer's version list.

A dry run first (case_migration.service.migrate_cases with dry_run, rolled back) lists per case whether it can
move and why not; the confirmation posts and performs the move (audited per case by the service), and the page
shows what happened. The service checks the designer's or administrator's right (check_designer) every time.
"""
from flask import render_template
from flask_login import current_user

from ..accounts.roles import Role
from ..case_migration.service import migrate_cases
from ..processes.versions import version_by_number
from ..unit_of_work import discard
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_migrations", __name__, url_prefix="/designer")
MIGRATING_ROLES = (Role.DESIGNER, Role.ADMIN)


@bp.route("/versions/<int:number>/migration")
@roles_required(*MIGRATING_ROLES)
def plan(number):
    """The dry run: nothing is stored, whatever the reports say."""
    return _run(number, dry_run=True)


@bp.route("/versions/<int:number>/migration", methods=["POST"])
@roles_required(*MIGRATING_ROLES)
def migrate(number):
    """Move every case that can move; a refused case stays and its history records why."""
    return _run(number, dry_run=False)


def _run(number: int, *, dry_run: bool):
    """migrate_cases for the user's agency; a dry run is discarded, a move committed (by the unit of work);
    then the report page."""
    agency = current_user.agency
    reports = migrate_cases(agency, number, actor=current_user, dry_run=dry_run)
    if dry_run:
        discard()
    counts = {result: sum(1 for r in reports if r["result"] == result)
              for result in ("would_migrate", "migrated", "refused")}
    return render_template("web/designer_migration.html", agency=agency, target=version_by_number(agency, number),
                           reports=reports, dry_run=dry_run, counts=counts)
