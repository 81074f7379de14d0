"""The inbox lists a review task only where its user may review the case, decided in the inbox's SQL
(staffing.eligibility.may_review): that clause answers as is_eligible does on the same rows, rule by rule."""
import uuid
from datetime import date

from sqlalchemy import select

from review_service.accounts.models import User
from review_service.accounts.service import create_user
from review_service.agencies.models import Agency
from review_service.cases.models import COMPLETED, Case, Task
from review_service.casework.inbox import list_open_tasks
from review_service.china_time import today_in_china
from review_service.extensions import db
from review_service.staffing.eligibility import is_eligible, may_review
from review_service.staffing.models import Recusal, StaffMember

from ..factories import PASSWORD

CITY, OTHER, PROVINCE = 2, 3, 1
PEOPLE = {  # username: (user's agency, staff record's agency, kind, record's fields); None: no record
    "c.qualified": (CITY, CITY, "legal_reviewer", {"legal_qualification_no": "A1"}),
    "c.new": (CITY, CITY, "legal_reviewer", {}),
    "c.blank": (CITY, CITY, "legal_reviewer", {"legal_qualification_no": ""}),
    "c.old": (CITY, CITY, "legal_reviewer", {"first_reviewed_on": date(2019, 3, 1)}),
    "c.recent": (CITY, CITY, "legal_reviewer", {"first_reviewed_on": date(2022, 3, 1)}),
    "c.left": (CITY, CITY, "legal_reviewer", {"legal_qualification_no": "A2", "deactivated_on": date(2021, 1, 1)}),
    "c.expired": (CITY, CITY, "legal_reviewer", {"legal_qualification_no": "A3", "valid_until": date(2021, 1, 1)}),
    "c.officer": (CITY, CITY, "enforcement_officer", {}),
    "c.inactive": (CITY, CITY, "legal_reviewer", {"legal_qualification_no": "A4"}),
    "c.none": (CITY, None, None, {}),
    "p.advisor": (PROVINCE, PROVINCE, "legal_advisor", {"legal_qualification_no": "A5"}),
    "p.reviewer": (PROVINCE, PROVINCE, "legal_reviewer", {"legal_qualification_no": "A6"}),
    "o.advisor": (OTHER, OTHER, "public_lawyer", {"legal_qualification_no": "A7"}),
    "o.reviewer": (OTHER, OTHER, "legal_reviewer", {"legal_qualification_no": "A8"}),
}


def add_people() -> dict[str, User]:
    people = {}
    for username, (agency_id, staff_agency_id, kind, fields) in PEOPLE.items():
        people[username] = create_user(agency_id=agency_id, username=username, full_name=username,
                                       password=PASSWORD, roles=["reviewer"])
        if kind:
            db.session.add(StaffMember(agency_id=staff_agency_id, kind=kind, name=username,
                                       user_id=people[username].id, valid_from=date(2020, 1, 1), **fields))
    people["c.inactive"].is_active = False
    db.session.flush()
    return people


def handled(case: Case, user_id: int) -> None:
    db.session.add(Task(id=str(uuid.uuid4()), case_id=case.id, agency_id=case.agency_id, name="respond_to_opinion",
                        title="整改", kind="response", lane="handling_unit", role="handler", form_key="",
                        round=case.round, status=COMPLETED, completed_by_id=user_id))


def city_cases(as_user) -> list[int]:
    return [as_user("handler").submit(case_number=f"市监罚〔2026〕{n}号")["id"] for n in range(1, 5)]


def verdicts(people: dict[str, User], cases: list[Case]) -> dict[tuple[str, int], tuple[bool, bool]]:
    """(is_eligible, may_review in SQL) for every person and case."""
    said = {}
    for case in cases:
        for name, user in people.items():
            in_sql = db.session.scalar(select(may_review(Case, user.id, today_in_china())).where(Case.id == case.id))
            said[(name, case.id)] = (is_eligible(user.id, case), bool(in_sql))
    return said


def test_the_inbox_clause_answers_as_is_eligible_rule_by_rule(app, as_user):
    ids = city_cases(as_user)
    with app.app_context():
        people = add_people()
        cases = [db.session.get(Case, case_id) for case_id in ids]
        db.session.add(Recusal(case_id=ids[1], user_id=people["c.qualified"].id, reason="亲属"))
        handled(cases[2], people["c.qualified"].id)
        cases[3].decision_type = "administrative_license"  # no qualification needed
        db.session.flush()
        for grandfathering in (True, False):
            db.session.get(Agency, CITY).grandfather_pre_2021_reviewers = grandfathering
            db.session.flush()
            said = verdicts(people, cases)
            assert [key for key, (python, sql) in said.items() if python != sql] == []
            eligible = {key for key, (python, _sql) in said.items() if python}
            assert eligible == {("c.qualified", ids[0]), ("c.qualified", ids[3]), ("c.new", ids[3]),
                                ("c.blank", ids[3]), ("c.recent", ids[3]), ("p.advisor", ids[0]),
                                ("p.advisor", ids[1]), ("p.advisor", ids[2]), ("p.advisor", ids[3])} | (
                {("c.old", case_id) for case_id in ids} if grandfathering else {("c.old", ids[3])})


def test_the_inbox_lists_only_review_tasks_its_user_may_work(app, as_user):
    """City reviewers take acceptances from a shared queue: each sees exactly the cases they may review."""
    ids = city_cases(as_user)
    with app.app_context():
        people = add_people()
        db.session.add(Recusal(case_id=ids[1], user_id=people["c.qualified"].id, reason="亲属"))
        handled(db.session.get(Case, ids[2]), people["c.qualified"].id)
        db.session.commit()
        listed = {name: {task.case_id for task in list_open_tasks(db.session.get(User, people[name].id))
                         if task.role == "reviewer"} for name in ("c.qualified", "c.new", "c.old", "c.left")}
    assert listed == {"c.qualified": {ids[0], ids[3]}, "c.new": set(), "c.old": set(ids), "c.left": set()}


def test_a_page_is_full_when_tasks_the_user_may_not_review_lie_between(app, as_user):
    """Eligibility is part of the query, so `limit` counts listed tasks only (before, the barred ones were dropped
    from the page after the query and it came back short)."""
    first, second, third = [as_user("handler").submit(case_number=f"市监罚〔2026〕{n}号")["id"] for n in (1, 2, 3)]
    as_user("reviewer").post(f"/api/v1/cases/{second}/recusals", json={"reason": "利害关系"})
    page = as_user("reviewer").get("/api/v1/tasks?limit=2").get_json()
    assert {task["case_id"] for task in page["items"]} == {first, third} and page["next_after"] is None
    colleague = as_user("reviewer2").get("/api/v1/tasks?limit=2").get_json()
    assert len(colleague["items"]) == 2 and colleague["next_after"] is not None
