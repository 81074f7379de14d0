"""The independence rules, written once in staffing/independence.py: four-eyes and 回避. The SQL clause and
the predicate answer alike, and every caller (the single check, the eligibility query, the inbox) follows them."""
import uuid

from sqlalchemy import select

from review_service.accounts.models import User
from review_service.cases.models import COMPLETED, Case, Task
from review_service.casework.inbox import list_open_tasks
from review_service.extensions import db
from review_service.staffing.eligibility import reasons_for_user
from review_service.staffing.independence import handled_case, has_handled_case, has_recused, recused
from review_service.staffing.models import Recusal


def users(*names) -> dict[str, User]:
    return {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}


def completed_handling_task(case: Case, user_id: int, *, role: str = "handler") -> None:
    db.session.add(Task(id=str(uuid.uuid4()), case_id=case.id, agency_id=case.agency_id, name="respond_to_opinion",
                        title="整改", kind="response", lane="handling_unit", role=role, form_key="",
                        round=case.round, status=COMPLETED, completed_by_id=user_id))
    db.session.flush()


def clause_says(clause) -> bool:
    return bool(db.session.scalar(select(clause)))


def four_eyes(case: Case, user: User) -> tuple[bool, bool]:
    """(predicate, SQL clause) for one user and case."""
    return has_handled_case(user.id, case), clause_says(handled_case(case.id, user.id, case.handler_id))


def test_four_eyes_bars_the_handler_and_whoever_completed_a_handling_task(app, as_user):
    case_id = as_user("handler").submit()["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        people = users("handler", "reviewer", "reviewer2")
        assert four_eyes(case, people["handler"]) == (True, True)
        assert four_eyes(case, people["reviewer"]) == (False, False)
        completed_handling_task(case, people["reviewer"].id)
        completed_handling_task(case, people["reviewer2"].id, role="reviewer")  # the review side: no bar
        assert four_eyes(case, people["reviewer"]) == (True, True)
        assert four_eyes(case, people["reviewer2"]) == (False, False)
        assert reasons_for_user(people["reviewer"].id, case) == ["handled_case"]
        assert reasons_for_user(people["reviewer2"].id, case) == []


def test_recusal_bars_only_the_recused_user_in_that_case(app, as_user):
    first = as_user("handler").submit()["id"]
    second = as_user("handler").submit(case_number="市监罚〔2026〕2号")["id"]
    with app.app_context():
        cases = [db.session.get(Case, first), db.session.get(Case, second)]
        people = users("reviewer", "reviewer2")
        db.session.add(Recusal(case_id=first, user_id=people["reviewer"].id, reason="亲属"))
        db.session.flush()
        said = {(case.id, name): (has_recused(user.id, case), clause_says(recused(case.id, user.id)))
                for case in cases for name, user in people.items()}
        assert said == {(first, "reviewer"): (True, True), (first, "reviewer2"): (False, False),
                        (second, "reviewer"): (False, False), (second, "reviewer2"): (False, False)}
        assert reasons_for_user(people["reviewer"].id, cases[0]) == ["recused"]
        assert reasons_for_user(people["reviewer"].id, cases[1]) == []


def test_the_inbox_leaves_out_review_tasks_of_a_case_the_user_handled(app, as_user):
    """handler_reviewer holds both roles: the acceptance of their own case is not in their inbox."""
    own = as_user("handler_reviewer").submit()["id"]
    other = as_user("handler").submit(case_number="市监罚〔2026〕2号")["id"]
    with app.app_context():
        actor = users("handler_reviewer")["handler_reviewer"]
        review_cases = {task.case_id for task in list_open_tasks(actor) if task.role == "reviewer"}
        assert own not in review_cases
        assert other in review_cases
