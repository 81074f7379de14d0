"""The dashboard's counters (kept by triggers on tasks and cases) give exactly the figures of the rows themselves.

A varied scenario (the dashboard's cases A-D, a correction round, a completion across Beijing midnight, a
local calendar adjustment, a case in another agency; counting.py) is compared for several periods and scopes
(test_counter_figures.py, on one scenario per module); here, every way a task leaves or changes its group
behind the service's back (reopened, cancelled, moved, retitled, deleted) keeps the counters equal to a
recount from tasks; cases per (agency, status) likewise.
"""
import pytest
from sqlalchemy import func, select, text

from review_service.agencies.models import Agency
from review_service.cases.models import Case
from review_service.dashboard.counters import recount_case_statuses
from review_service.dashboard.models import CaseStatusCount, CompletedTaskCount
from review_service.extensions import db

from .counting import both_ways, build_varied, counters, local_calendar, recounted


@pytest.fixture
def varied(app, as_user):
    """The varied scenario (counting.build_varied) on the test's own database."""
    return build_varied(as_user)


def test_a_whole_province_reads_its_own_rows_and_those_below_it(app, varied):
    """Each completed task is counted in its agency's own group and in the groups below every agency above."""
    with app.app_context():
        province = db.session.scalar(select(Agency.id).where(Agency.code == "province"))
        tasks = db.session.scalar(text("SELECT count(*) FROM tasks WHERE status = 'completed'"))
        own = db.session.scalar(select(func.sum(CompletedTaskCount.tasks)).where(CompletedTaskCount.below.is_(False)))
        below_province = db.session.scalar(select(func.sum(CompletedTaskCount.tasks)).where(
            CompletedTaskCount.below.is_(True), CompletedTaskCount.agency_id == province))
    assert tasks == own == below_province == 8


def test_the_varied_scenario_reaches_every_group_shape(app, varied):
    local_calendar(app)
    from_counters, _ = both_ways(app, ("province", "city", "other"), 90)
    stages = {stage["kind"]: stage["tasks"] for stage in from_counters["stages"]}
    assert stages == {"acceptance": 4, "review_opinion": 3, "response": 1}
    kept = counters(app)
    assert any(opened != done for (_agency, done, _kind, _title, opened) in kept)  # across midnight / days
    assert kept == recounted(app)


def _run(app, statement: str, **params) -> None:
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def _completed_task(app, kind: str) -> str:
    with app.app_context():
        return db.session.scalar(text("SELECT id FROM tasks WHERE status = 'completed' AND kind = :kind "
                                      "ORDER BY completed_at LIMIT 1"), {"kind": kind})


@pytest.mark.parametrize("change", [
    "UPDATE tasks SET status = 'open', completed_at = NULL WHERE id = :id",  # reopened
    "UPDATE tasks SET status = 'cancelled' WHERE id = :id",
    "UPDATE tasks SET completed_at = completed_at + interval '1 day' WHERE id = :id",  # done a day later
    "UPDATE tasks SET title = '改名的步骤' WHERE id = :id",
    "UPDATE tasks SET agency_id = (SELECT id FROM agencies WHERE code = 'other') WHERE id = :id",  # moved
    "UPDATE tasks SET assignee_id = assignee_id WHERE id = :id",  # not a counted column
    "DELETE FROM task_drafts WHERE task_id = :id; DELETE FROM tasks WHERE id = :id",
])
def test_a_task_leaving_or_changing_its_group_is_recounted(app, varied, change):
    task_id = _completed_task(app, "acceptance")
    with app.app_context():
        if db.session.get_bind().dialect.name == "sqlite":
            change = change.replace("completed_at + interval '1 day'", "datetime(completed_at, '+1 day')")
    before = counters(app)
    for statement in change.split("; "):
        _run(app, statement, id=task_id)
    after = counters(app)
    assert after == recounted(app)
    assert (after == before) == ("assignee_id" in change)
    for whole_tree in (True, False):
        from_counters, from_tasks = both_ways(app, ("province", "city", "other"), 90, whole_tree)
        assert from_counters == from_tasks


def test_a_task_completed_again_after_reopening_counts_once(app, varied):
    task_id = _completed_task(app, "review_opinion")
    before = counters(app)
    _run(app, "UPDATE tasks SET status = 'open' WHERE id = :id", id=task_id)
    _run(app, "UPDATE tasks SET status = 'completed' WHERE id = :id", id=task_id)
    assert counters(app) == before == recounted(app)


def case_counts(app) -> tuple[dict, dict]:
    """Cases per (agency, status): as the counters hold them (zeros left out) and as cases say."""
    with app.app_context():
        kept = {(row.agency_id, row.status): row.cases for row in db.session.scalars(select(CaseStatusCount))
                if row.cases}
        counted = {(agency_id, status): count for agency_id, status, count in db.session.execute(
            select(Case.agency_id, Case.status, func.count()).group_by(Case.agency_id, Case.status))}
        return kept, counted


def test_cases_per_agency_and_status_follow_every_change(app, varied):
    kept, counted = case_counts(app)
    assert kept == counted and len(counted) >= 4
    case_id = varied["d"]
    _run(app, "UPDATE cases SET status = 'withdrawn' WHERE id = :id", id=case_id)
    _run(app, "UPDATE cases SET agency_id = (SELECT id FROM agencies WHERE code = 'other') WHERE id = :id", id=case_id)
    _run(app, "UPDATE cases SET status = status, title = '改名' WHERE id = :id", id=case_id)  # no move
    kept, counted = case_counts(app)
    assert kept == counted
    with app.app_context():
        recount_case_statuses()
        db.session.commit()
    assert case_counts(app) == (counted, counted)
