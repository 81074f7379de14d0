"""The eligibility query sees this transaction's unwritten rows exactly when they can change its answer."""
import uuid

from sqlalchemy import select

from review_service.accounts.models import User
from review_service.cases.models import COMPLETED, Case, Task
from review_service.extensions import db
from review_service.staffing.eligibility import reasons_for_user


def completed_handling_task(case: Case, user_id: int) -> Task:
    task = Task(id=str(uuid.uuid4()), case_id=case.id, agency_id=case.agency_id, name="respond_to_opinion",
                title="整改", kind="response", lane="handling_unit", role="handler", form_key="", round=case.round,
                status=COMPLETED, completed_by_id=user_id)
    db.session.add(task)
    return task


def test_a_handling_task_the_user_completed_but_not_yet_wrote_bars_them(app, as_user):
    case_id = as_user("handler").submit()["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        assert reasons_for_user(reviewer.id, case) == []
        completed_handling_task(case, reviewer.id)  # four-eyes: they now worked on the handling side
        assert reasons_for_user(reviewer.id, case) == ["handled_case"]


def test_someone_elses_unwritten_task_is_left_to_the_callers_flush(app, as_user):
    case_id = as_user("handler").submit()["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(["reviewer",
                                                                                                  "handler"])))}
        task = completed_handling_task(case, users["handler"].id)
        assert reasons_for_user(users["reviewer"].id, case) == []
        assert task in db.session.new  # not flushed by the eligibility query
