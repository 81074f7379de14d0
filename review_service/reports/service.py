"""The figures of the review-work report for a period and an agency with the agencies below it.

Definitions (also written on the report's first sheet):
- cases reviewed: cases with at least one review opinion (kind review) issued in the period;
- passed in round 1: of those, cases whose round-1 review opinion is 同意;
- issues per checklist point: review opinions issued in the period that mark the point 存在问题;
- average review time: review clocks (受理 + 审核 of one round) met in the period, Chinese working days
  after the start day up to the opinion day (workdays.working_days_between);
- overdue: review clocks that became overdue in the period; transferred: cases closed in it as transferred to the
  competent authority (by a 移送 opinion or a settlement);
- decisions: decisions dated in the period; roster: 法制审核人员, 法律顾问 and 公职律师 active on its last day.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..accounts.roles import Actor, Role
from ..agencies.models import Agency
from ..cases.forms import form_schema
from ..cases.models import Case, Decision, Opinion
from ..china_time import local_date
from ..dashboard.service import dashboard_scope
from ..deadlines.clock import start_of_day
from ..deadlines.models import MET, Deadline
from ..errors import Forbidden, InvalidInput
from ..extensions import db
from ..staffing.models import KIND_TITLES, REVIEWING_KINDS, StaffMember
from ..workdays.service import working_days_between

REPORT_ROLES = (Role.SUPERVISOR, Role.HEAD)
MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Period:
    from_on: date
    to_on: date

    def moments(self):
        return start_of_day(self.from_on), start_of_day(self.to_on + timedelta(days=1))


def check_can_report(actor: Actor) -> None:
    if not any(actor.has_role(role) for role in REPORT_ROLES):
        raise Forbidden("需要监督人员或机关负责人角色", code="role_required")


def review_work(actor: Actor, *, from_on: date, to_on: date, agency_code: str | None = None) -> dict:
    """Every figure of the report for the actor's agency (or one visible agency) and the agencies below it."""
    check_can_report(actor)
    if to_on < from_on or (to_on - from_on).days > MAX_PERIOD_DAYS:
        raise InvalidInput("统计期间不正确", fields={"to": ["须不早于起始日期，且不超过十年"]})
    scope = dashboard_scope(actor, agency_code)
    period = Period(from_on, to_on)
    rows = [dict(agency_code=a.code, agency_name=a.name, **_agency_figures(a.id, period)) for a in scope.agencies]
    return {"agency": {"code": scope.root.code, "name": scope.root.name}, "from_on": from_on, "to_on": to_on,
            "agencies": rows, "total": _total(rows), "checklist": _checklist(scope.ids, period),
            "roster": roster(scope.ids, on=to_on)}


def _agency_figures(agency_id: int, period: Period) -> dict:
    start, end = period.moments()
    opinions = db.session.execute(
        select(Opinion.case_id, Opinion.round, Opinion.opinion).join(Case, Case.id == Opinion.case_id)
        .where(Case.agency_id == agency_id, Opinion.kind == "review", Opinion.issued_at >= start,
               Opinion.issued_at < end)).all()
    reviewed = {case_id for case_id, _, _ in opinions}
    passed_first = {case_id for case_id, round_, verdict in opinions if round_ == 1 and verdict == "approve"}
    days = _review_days(agency_id, start, end)
    overdue = db.session.scalar(select(func.count(Deadline.id)).where(
        Deadline.agency_id == agency_id, Deadline.kind == "review", Deadline.overdue.is_(True),
        Deadline.overdue_since >= period.from_on, Deadline.overdue_since <= period.to_on))
    transferred = db.session.scalar(select(func.count(Case.id)).where(
        Case.agency_id == agency_id, Case.status == "transferred", Case.closed_at >= start, Case.closed_at < end))
    decisions = db.session.scalar(select(func.count(Decision.id)).join(Case, Case.id == Decision.case_id).where(
        Case.agency_id == agency_id, Decision.decided_on >= period.from_on, Decision.decided_on <= period.to_on))
    return {"cases_reviewed": len(reviewed), "passed_in_round_1": len(passed_first),
            "opinions": len(opinions), "review_rounds_measured": len(days),
            "average_review_working_days": round(sum(days) / len(days), 1) if days else None,
            "overdue": overdue, "transferred": transferred,
            "decisions": decisions}


def _review_days(agency_id: int, start, end) -> list[int]:
    clocks = db.session.execute(select(Deadline.start_on, Deadline.closed_at).where(
        Deadline.agency_id == agency_id, Deadline.kind == "review", Deadline.status == MET,
        Deadline.closed_at >= start, Deadline.closed_at < end)).all()
    return [working_days_between(start_on, local_date(closed_at), agency_id=agency_id)
            for start_on, closed_at in clocks]


def _total(rows: list[dict]) -> dict:
    keys = ("cases_reviewed", "passed_in_round_1", "opinions", "overdue", "transferred", "decisions")
    total = {key: sum(row[key] for row in rows) for key in keys}
    measured = [(row["average_review_working_days"], row["review_rounds_measured"]) for row in rows
                if row["review_rounds_measured"]]
    count = sum(n for _, n in measured)
    total["review_rounds_measured"] = count
    total["average_review_working_days"] = round(sum(a * n for a, n in measured) / count, 1) if count else None
    return total


def _checklist(agency_ids: list[int], period: Period) -> list[dict]:
    """Per checklist point of the national form: review opinions of the period that found an issue there."""
    start, end = period.moments()
    checklists = db.session.scalars(select(Opinion.checklist).join(Case, Case.id == Opinion.case_id).where(
        Case.agency_id.in_(agency_ids), Opinion.kind == "review", Opinion.issued_at >= start,
        Opinion.issued_at < end))
    issues = Counter(point for checklist in checklists for point, item in (checklist or {}).items()
                     if isinstance(item, dict) and item.get("verdict") == "issue")
    points = form_schema("review_case")["properties"]["checklist"]["properties"]
    rows = [{"code": code, "title": prop.get("title", code), "issues": issues.pop(code, 0)}
            for code, prop in points.items()]
    return rows + [{"code": code, "title": code, "issues": count} for code, count in sorted(issues.items())]


def roster(agency_ids: list[int], *, on: date) -> list[dict]:
    """The reviewing staff (审核人员, 法律顾问, 公职律师) active on the day, for 备案."""
    members = db.session.execute(
        select(StaffMember, Agency.name).join(Agency, Agency.id == StaffMember.agency_id)
        .where(StaffMember.agency_id.in_(agency_ids), StaffMember.kind.in_(REVIEWING_KINDS),
               StaffMember.active_on_clause(on)).order_by(Agency.id, StaffMember.kind, StaffMember.name)).all()
    return [{"agency_name": agency_name, "name": m.name, "kind": m.kind, "kind_title": KIND_TITLES[m.kind],
             "legal_qualification_no": m.legal_qualification_no,
             "enforcement_certificate_no": m.enforcement_certificate_no,
             "valid_from": m.valid_from, "valid_until": m.valid_until} for m, agency_name in members]
