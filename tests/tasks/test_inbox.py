"""The inbox page's filters and order, done in SQL by casework.inbox.inbox_page, give what filtering the listing
in Python gave: case number or title containing the search (case-sensitive), one step title, overdue (flagged,
or past due in working days), nearest due date first."""
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from review_service.accounts.models import User
from review_service.casework.inbox import inbox_page, list_open_tasks
from review_service.deadlines.models import Deadline
from review_service.deadlines.service import working_days_left
from review_service.extensions import db

from ..factories import review, submission

SUBMITTED = {  # case number suffix: (title, submitted on)
    "1": ("某公司销售不合格产品案", "2026-04-20"),
    "2": ("某超市销售过期食品案", "2026-04-30"),
    "3": ("Acme 公司虚假宣传案", "2026-05-06"),
    "4": ("某药店销售假药案", "2026-05-07"),
}


def beijing(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=timezone(timedelta(hours=8)))


def submit_unfiled(as_user, **overrides) -> dict:
    """Submit a case without a 立案 date (no Art. 60 cap)."""
    data = {key: value for key, value in submission(**overrides).items() if key != "filed_on"}
    response = as_user("handler").post("/api/v1/cases", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def in_python(actor, search: str, title: str, only_overdue: bool) -> list[str]:
    """The filtering the inbox page did in Python before."""
    rows = []
    for task in list_open_tasks(actor):
        left = working_days_left(task.deadline)
        rows.append((task, bool(task.deadline and task.deadline.overdue) or (left is not None and left < 0)))
    if search:
        rows = [r for r in rows if search in r[0].case.case_number or search in r[0].case.title]
    if title:
        rows = [r for r in rows if r[0].title == title]
    if only_overdue:
        rows = [r for r in rows if r[1]]
    rows.sort(key=lambda r: ((r[0].deadline.due_on if r[0].deadline else None) or date.max, r[0].created_at))
    return [task.id for task, _ in rows]


@pytest.fixture
def four_cases(app, as_user):
    app.config["TOKEN_TTL_HOURS"] = 24 * 365 * 3  # the clock goes back to 2026-04
    ids = {}
    for suffix, (title, day) in SUBMITTED.items():
        with freeze_time(beijing(day)):
            ids[suffix] = submit_unfiled(as_user, case_number=f"市监罚〔2026〕{suffix}号", title=title)["id"]
    with freeze_time(beijing("2026-05-07")):
        as_user("reviewer").complete(ids["2"], "accept_submission", {"result": "accept"})
    return ids


ACCEPT, REVIEW = "受理审查（材料完整性）", "法制审核（审核要点与审核意见）"


@pytest.mark.parametrize("search, title, only_overdue, shown", [
    ("", "", False, 4), ("某", "", False, 3), ("acme", "", False, 0), ("Acme", "", False, 1),
    ("〔2026〕3", "", False, 1), ("", ACCEPT, False, 3), ("", REVIEW, False, 1), ("", "不存在的步骤", False, 0),
    ("", "", True, 2), ("某", "", True, 2), ("销售", ACCEPT, True, 1),
])
def test_the_filters_in_sql_give_what_python_gave(app, four_cases, search, title, only_overdue, shown):
    with app.app_context(), freeze_time(beijing("2026-05-12")):  # cases 1 and 2 are past due
        actor = db.session.scalar(select(User).where(User.username == "reviewer"))
        every = list_open_tasks(actor)
        page = inbox_page(actor, search=search, title=title, only_overdue=only_overdue)
        assert [task.id for task in page.tasks] == in_python(actor, search, title, only_overdue)
        assert len(page.tasks) == shown
        assert (page.total, page.titles) == (4, sorted({task.title for task in every}))


def test_overdue_means_flagged_or_past_due_in_working_days(app, four_cases):
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.username == "reviewer"))
        with freeze_time(beijing("2026-05-08")):  # case 1 (due 04-27) is past due; nothing is flagged yet
            late = {task.case_id for task in inbox_page(actor, only_overdue=True).tasks}
            assert late == {four_cases["1"]}
            flagged = db.session.scalar(select(Deadline).where(Deadline.case_id == four_cases["4"]))
            flagged.overdue = True
            db.session.flush()
            late = {task.case_id for task in inbox_page(actor, only_overdue=True).tasks}
            assert late == {four_cases["1"], four_cases["4"]}


def test_handling_one_case_does_not_hide_the_reviews_of_others(as_user):
    """Four-eyes in the inbox's SQL bars the case the reviewer worked on, not every case once they completed a
    handling task anywhere (its clause is correlated with the listed task's case)."""
    own = as_user("handler_reviewer").submit(case_number="市监罚〔2026〕91号")["id"]
    as_user("reviewer").complete(own, "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(own, "review_case", review("issues"))
    as_user("handler_reviewer").complete(own, "respond_to_opinion", {
        "action": "correct", "correction_summary": "已按审核意见整改", "updated": {"fine_amount": 120000}})
    other = as_user("handler").submit(case_number="市监罚〔2026〕92号")["id"]
    inbox = as_user("handler_reviewer").get("/api/v1/tasks").get_json()["items"]
    listed = {(task["case_id"], task["name"]) for task in inbox}
    assert (other, "accept_submission") in listed
    assert not any(case_id == own and name != "respond_to_opinion" for case_id, name in listed)


def test_the_api_inbox_pages_by_keyset_in_the_order_of_the_whole_list(app, four_cases, as_user):
    with freeze_time(beijing("2026-05-12")):
        reviewer = as_user("reviewer")
        whole = reviewer.get("/api/v1/tasks").get_json()
        with app.app_context():
            actor = db.session.scalar(select(User).where(User.username == "reviewer"))
            assert [task["id"] for task in whole["items"]] == [task.id for task in list_open_tasks(actor)]
        assert len(whole["items"]) == 4 and whole["next_after"] is None
        for limit in (1, 3):
            seen, after = [], ""
            while after is not None:
                page = reviewer.get(f"/api/v1/tasks?limit={limit}" + (f"&after={after}" if after else "")).get_json()
                assert len(page["items"]) <= limit
                seen += [task["id"] for task in page["items"]]
                after = page["next_after"]
            assert seen == [task["id"] for task in whole["items"]]
        assert reviewer.get("/api/v1/tasks?after=no-such-task").get_json() == {"items": [], "next_after": None}
        for wrong in (0, 101):
            assert reviewer.get(f"/api/v1/tasks?limit={wrong}").status_code == 422
