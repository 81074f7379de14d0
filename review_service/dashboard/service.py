"""The figures of the supervisor dashboard (监督看板) for the agencies an actor may watch.

Scope: the actor's own agency; supervisors also every agency below it (cases.service.visible_agency_ids),
optionally narrowed to one of those agencies and the agencies below it. Every figure is read from
indexed columns (deadlines.*, staff) and the counters the database keeps (models.py: cases per agency and
status, completed tasks per agency, kind and day pair) in a handful of queries, never from workflow state.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..accounts.roles import Actor, Role
from ..agencies.models import Agency
from ..agencies.tree import descendants_and_total
from ..cases.service import visible_agency_ids
from ..cases.status import CASE_STATUSES
from ..china_time import today_in_china
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..persistence import among, plan_for_the_values_given
from ..staffing.report import staffing_report
from .deadlines import calendar_gaps, watched_deadlines
from .models import CaseStatusCount
from .stages import working_days_per_stage

VIEWING_ROLES = (Role.SUPERVISOR, Role.HEAD, Role.REVIEW_HEAD, Role.ADMIN)
DEFAULT_WITHIN_WORKING_DAYS = 3
DEFAULT_PERIOD_DAYS = 90
DEFAULT_LIMIT = 100  # deadline rows listed; the totals count them all
STAFFING_TOTALS = ("enforcement_staff", "reviewers", "required_reviewers", "shortfall")


@dataclass(frozen=True)
class Scope:
    """The agencies one dashboard covers, in tree order (the root first)."""

    root: Agency
    agencies: list[Agency]
    whole_tree: bool  # the root and every agency below it
    every_agency: bool  # and those are every agency there is: a filter by agency would keep every row

    @property
    def ids(self) -> list[int]:
        return [agency.id for agency in self.agencies]


def check_can_view_dashboard(actor: Actor) -> None:
    if not any(actor.has_role(role) for role in VIEWING_ROLES):
        raise Forbidden("需要监督人员、机关负责人、法制审核机构负责人或管理员角色", code="role_required")


def dashboard_scope(actor: Actor, agency_code: str | None = None) -> Scope:
    """The actor's visible agencies, or one of them (by code) with the visible agencies below it."""
    check_can_view_dashboard(actor)
    visible = visible_agency_ids(actor)
    root_id = actor.agency_id
    if agency_code:
        found = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
        if found is None:
            raise NotFound("机关不存在", code="agency_not_found")
        root_id = found
        if root_id not in visible:
            raise Forbidden("无权查看该机关的监督数据", code="agency_forbidden")
    below, total = descendants_and_total(root_id)
    ordered = [agency_id for agency_id in below if agency_id in visible]
    rows = {a.id: a for a in db.session.scalars(select(Agency).where(among(Agency.id, ordered)))}
    return Scope(root=rows[root_id], agencies=[rows[agency_id] for agency_id in ordered],
                 whole_tree=len(ordered) == len(below), every_agency=len(ordered) == total)


def dashboard_figures(actor: Actor, *, agency_code: str | None = None,
                      within_working_days: int = DEFAULT_WITHIN_WORKING_DAYS,
                      period_days: int = DEFAULT_PERIOD_DAYS, limit: int = DEFAULT_LIMIT) -> dict:
    """Everything the dashboard shows, as of today in Beijing.

    overdue / upcoming: running deadlines past due, or due within `within_working_days` working days
    (the first `limit` of each, earliest due first; overdue_total / upcoming_total count all of them);
    cases_per_stage: case counts per status and agency; working_days_per_stage: average working days
    from a task's creation to its completion, per task kind, over tasks completed in the last
    `period_days` days; staffing: the 5% rule per agency (staffing_report with rollup); calendar: the
    coming years without a holiday arrangement and the open deadlines waiting for one.
    """
    plan_for_the_values_given()
    scope = dashboard_scope(actor, agency_code)
    today = today_in_china()
    deadlines = watched_deadlines(scope.ids, today=today, within_working_days=within_working_days, limit=limit,
                                  every_agency=scope.every_agency)
    return {
        "on": today,
        "agency_code": scope.root.code,
        "agencies": [{"code": a.code, "name": a.name, "level": a.level} for a in scope.agencies],
        "within_working_days": within_working_days,
        **deadlines,
        "cases_per_stage": cases_per_stage(scope),
        "working_days_per_stage": working_days_per_stage(scope.ids, today=today, period_days=period_days,
                                                         whole_tree=scope.whole_tree),
        "staffing": staffing_of_scope(scope, actor=actor, on=today),
        "calendar": calendar_gaps(scope.ids, today=today, every_agency=scope.every_agency),
    }


def cases_per_stage(scope: Scope) -> list[dict]:
    """Every case status (in process order) with its count, in total and per agency, read from the counters
    kept per (agency, status) by the database (models.CaseStatusCount): one row per agency and status,
    whatever the number of cases."""
    query = (select(CaseStatusCount.agency_id, CaseStatusCount.status, CaseStatusCount.cases)
             .where(among(CaseStatusCount.agency_id, scope.ids), CaseStatusCount.cases > 0))
    counts = {(agency_id, status): count for agency_id, status, count in db.session.execute(query)}
    statuses = list(CASE_STATUSES) + sorted({status for _, status in counts} - set(CASE_STATUSES))
    stages: list[dict] = []
    for status in statuses:
        by_agency: list[dict] = [{"agency_code": a.code, "cases": counts.get((a.id, status), 0)}
                                 for a in scope.agencies]
        stages.append({"status": status, "total": sum(row["cases"] for row in by_agency), "by_agency": by_agency})
    return stages


def staffing_of_scope(scope: Scope, *, actor: Actor, on: date) -> dict:
    """The 5% rule for each agency of the scope (staffing_report checks the actor may read it), with totals."""
    report = staffing_report(scope.root, actor=actor, on=on, rollup=True,
                             loaded={agency.id: agency for agency in scope.agencies})
    codes = {agency.code for agency in scope.agencies}
    rows = [row for row in report["agencies"] if row["agency_code"] in codes]
    total = {key: sum(row[key] for row in rows) for key in STAFFING_TOTALS}
    total["non_compliant_agencies"] = sum(not row["compliant"] for row in rows)
    return {"on": report["on"], "agencies": rows, "total": total}
