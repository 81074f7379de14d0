"""Two people completing the same task at the same moment: one wins, the other gets 409."""
import threading

from sqlalchemy import func, select

from review_service.audit.models import CaseEvent
from review_service.cases.models import Opinion
from review_service.extensions import db

from ..factories import review


def race(app, calls):
    """Run each call in its own thread and app context, released together; return the responses."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        with app.app_context():
            barrier.wait()
            results[index] = call()
            db.session.remove()
    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_same_task_completed_twice_at_once(app, as_user):
    handler, reviewer, reviewer2 = as_user("handler"), as_user("reviewer"), as_user("reviewer2")
    case = handler.submit()
    task = reviewer.open_task(case["id"], "accept_submission")
    url = f"/api/v1/tasks/{task['id']}/complete"
    first = lambda: reviewer.post(url, json={"data": {"result": "accept"}})  # noqa: E731
    second = lambda: reviewer2.post(url, json={"data": {"result": "return", "missing_materials": ["证据"]}})  # noqa: E731
    responses = race(app, [first, second])
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.get_json()["error"]["code"] in ("task_not_open", "concurrent_update")
    winner = next(r for r in responses if r.status_code == 200).get_json()
    expected_status = "under_review" if winner["data"]["result"] == "accept" else "awaiting_supplement"
    after = handler.case(case["id"])
    assert after["status"] == expected_status
    assert len(after["open_tasks"]) == 1
    history = handler.get(f"/api/v1/cases/{case['id']}/history").get_json()
    completions = [e for e in history["events"] if e["action"] == "task.completed"]
    assert len(completions) == 1 and history["chain_intact"]


def test_racing_opinions_leave_exactly_one(app, as_user):
    handler, reviewer = as_user("handler"), as_user("reviewer")
    case = handler.submit()
    reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
    task = reviewer.open_task(case["id"], "review_case")
    url = f"/api/v1/tasks/{task['id']}/complete"
    calls = [lambda: reviewer.post(url, json={"data": review("approve")}),
             lambda: reviewer.post(url, json={"data": review("issues")}),
             lambda: reviewer.post(url, json={"data": review("approve")})]
    responses = race(app, calls)
    assert sorted(r.status_code for r in responses) == [200, 409, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count(Opinion.id)).where(Opinion.case_id == case["id"])) == 1
        actions = db.session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case["id"])).all()
        assert actions.count("task.completed") == 2  # acceptance + one opinion
