"""Who may review a case: an active reviewer of its agency or a pooled advisor available to it, independent
of the handling side (four-eyes), not recused (回避), and qualified for penalties (行政处罚法 Art. 58 ¶2)."""
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, not_, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User, UserRole
from ..accounts.roles import Actor
from ..agencies.models import Agency
from ..agencies.tree import ancestor_ids, ancestors_of
from ..china_time import today_in_china as today
from ..errors import Forbidden
from ..extensions import db
from ..persistence import built_once, flush_if_unsaved, no_autoflush
from .independence import handled_case, has_handled_case, has_recused, may_change_handled_case, recused
from .models import LEGAL_REVIEWER, POOLED_KINDS, Recusal, StaffMember

PENALTY = "administrative_penalty"
_ROWS_READ = (StaffMember, User, UserRole, Agency, Recusal)  # by the eligibility query, besides tasks
QUALIFICATION_REQUIRED_FROM = date(2021, 7, 15)  # the revised 行政处罚法 in force
REASONS = {
    "not_a_reviewer": "没有本机关有效的法制审核人员登记，也不是可调用的法律顾问或公职律师",
    "account_inactive": "登录账号已停用",
    "handled_case": "承办过本案的人员不得审核本案",
    "recused": "已声明回避",
    "no_legal_qualification": "初次从事行政处罚决定法制审核的人员应当取得法律职业资格（行政处罚法第五十八条第二款）",
}


@dataclass
class Candidate:
    """A staff record that could review the case, and why it may not (empty reasons: eligible)."""

    staff: StaffMember
    pooled: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def _reviewing_staff_clause(agency_id, on, ancestors):
    """Staff records linked to a login, active on `on`: the agency's reviewers, pooled advisors of it or above."""
    return db.and_(
        StaffMember.user_id.is_not(None), StaffMember.active_on_clause(on),
        db.or_(db.and_(StaffMember.agency_id == agency_id, StaffMember.kind == LEGAL_REVIEWER),
               db.and_(StaffMember.agency_id.in_(ancestors), StaffMember.kind.in_(POOLED_KINDS))))


@built_once
def _user_records_query():
    """One user's reviewing staff records (the columns the rules read, no ORM objects), with the account's
    state, the four-eyes rule and the recusal (independence.py) as columns. Built once, with parameters."""
    case_id, user_id = bindparam("case_id"), bindparam("user_id")
    return (select(StaffMember.legal_qualification_no, StaffMember.first_reviewed_on,  # what _reasons reads
                   User.is_active, handled_case(case_id, user_id, bindparam("handler_id")).label("handled"),
                   recused(case_id, user_id).label("recused"))
            .join(User, User.id == StaffMember.user_id)
            .where(_reviewing_staff_clause(bindparam("agency_id"), bindparam("on"),
                                           bindparam("ancestors", expanding=True)),
                   StaffMember.user_id == user_id)
            .order_by(StaffMember.id))


def reviewing_staff(agency_id: int, on: date) -> list[StaffMember]:
    """Active reviewers of the agency and pooled advisors/lawyers of it or above, linked to a login."""
    query = (select(StaffMember).where(_reviewing_staff_clause(agency_id, on, ancestor_ids(agency_id)))
             .order_by(StaffMember.id))
    return list(db.session.scalars(query))


def qualified_for_penalties(staff: StaffMember | Row[Any], agency) -> bool:
    """法律职业资格, or (if the agency grandfathers) first reviewed penalty decisions before 2021-07-15."""
    if staff.legal_qualification_no:
        return True
    return bool(agency.grandfather_pre_2021_reviewers and staff.first_reviewed_on
                and staff.first_reviewed_on < QUALIFICATION_REQUIRED_FROM)


def qualified_clause(staff, agency):
    """SQL form of qualified_for_penalties (the same rule; tests/staffing/test_inbox_eligibility.py compares them)."""
    return or_(and_(staff.legal_qualification_no.is_not(None), staff.legal_qualification_no != ""),
               and_(agency.grandfather_pre_2021_reviewers.is_(True), staff.first_reviewed_on.is_not(None),
                    staff.first_reviewed_on < QUALIFICATION_REQUIRED_FROM))


def reasons_against(staff: StaffMember, case) -> list[str]:
    """Codes of every rule that bars this staff record's user from reviewing the case."""
    assert staff.user_id is not None  # reviewing staff records are linked to a login
    return _reasons(staff, case, active=staff.user.is_active, recused=has_recused(staff.user_id, case),
                    handled=has_handled_case(staff.user_id, case))


def _reasons(staff: StaffMember | Row[Any], case, *, active: bool, handled: bool, recused: bool) -> list[str]:
    reasons = []
    if not active:
        reasons.append("account_inactive")
    if handled:
        reasons.append("handled_case")
    if recused:
        reasons.append("recused")
    if case.decision_type == PENALTY and not qualified_for_penalties(staff, case.agency):
        reasons.append("no_legal_qualification")
    return reasons


def candidates(case, *, on: date | None = None) -> list[Candidate]:
    """Every reviewer and pooled advisor who could review the case, eligible or not."""
    return [Candidate(staff, staff.kind in POOLED_KINDS, reasons_against(staff, case))
            for staff in reviewing_staff(case.agency_id, on or today())]


def reasons_for_user(user_id: int, case) -> list[str]:
    """Why this user may not review the case; empty if one of their staff records is eligible (one query)."""
    _flush_rows_the_answer_reads(user_id, case.id)
    with no_autoflush():
        rows = db.session.execute(_user_records_query(), {
            "case_id": case.id, "user_id": user_id, "handler_id": case.handler_id, "agency_id": case.agency_id,
            "on": today(), "ancestors": ancestor_ids(case.agency_id)}).all()
        if not rows:
            return ["not_a_reviewer"]
        every = [_reasons(row, case, active=row.is_active, handled=bool(row.handled), recused=bool(row.recused))
                 for row in rows]
    return next((reasons for reasons in every if not reasons), every[0])


def _flush_rows_the_answer_reads(user_id: int, case_id: int) -> None:
    """Flush first only if this transaction holds unwritten rows that could change the answer: staff, accounts,
    agencies, recusals, or a handling-side task of the case that the user completed (the four-eyes rule).

    Anything else (e.g. the review task just completed, or the handler's own task) is left to the caller's
    flush: an autoflush here would write the case and the task twice in one task completion.
    """
    flush_if_unsaved(lambda row: isinstance(row, _ROWS_READ) or may_change_handled_case(row, case_id, user_id))


def is_eligible(user_id: int, case) -> bool:
    return not reasons_for_user(user_id, case)


def check_reviewer_eligible(actor: Actor, case) -> None:
    """Raise Forbidden(reviewer_not_eligible) unless the actor may review the case today."""
    reasons = reasons_for_user(actor.id, case)
    if "handled_case" in reasons:  # the four-eyes rule keeps its own stable code
        raise Forbidden(REASONS["handled_case"], code="handled_case", fields={"reasons": reasons})
    if reasons:
        raise Forbidden("；".join(REASONS[r] for r in reasons), code="reviewer_not_eligible",
                        fields={"reasons": reasons})


_CASE_AGENCY = aliased(Agency, name="case_agency")  # built once: the agency whose grandfathering counts


def may_review(case, user_id, on):
    """SQL for is_eligible over the columns of `case` (the Case entity of the enclosing query, or an alias): the
    user holds a reviewing staff record for the case's agency on `on` with an active account, qualified when it
    is a penalty, independent (four-eyes) and not recused. The inbox lists only what this lets through;
    tests/staffing/test_inbox_eligibility.py checks that it answers as is_eligible does on the same rows."""
    record = exists().where(
        StaffMember.user_id == user_id, User.id == StaffMember.user_id, User.is_active.is_(True),
        _reviewing_staff_clause(case.agency_id, on, ancestors_of(case.agency_id)), _CASE_AGENCY.id == case.agency_id,
        or_(case.decision_type.is_(None), case.decision_type != PENALTY, qualified_clause(StaffMember, _CASE_AGENCY)))
    return and_(record, not_(handled_case(case.id, user_id, case.handler_id)), not_(recused(case.id, user_id)))
