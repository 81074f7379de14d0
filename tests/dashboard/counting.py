"""The dashboard counter tests' world and readings: the varied scenario (scenario.py's cases A-D and more), the
other agency's local calendar, the working days per stage both ways (counters, tasks), the counter rows."""
from datetime import date

from freezegun import freeze_time
from sqlalchemy import select

from review_service.agencies.models import Agency
from review_service.dashboard.counters import counted_groups, recount_completed_tasks, task_groups
from review_service.dashboard.models import CompletedTaskCount
from review_service.dashboard.stages import working_days_per_stage
from review_service.extensions import db
from review_service.workdays.service import adjust_day

from ..factories import TEST_NOW, ApiClient, beijing, correct, find_issues, review
from . import scenario
from .scenario import TODAY

TODAY_DATE = date.fromisoformat(TODAY)
SCOPES = [(("province", "city", "other"), True), (("city",), True), (("province", "city", "other"), False),
          (("province",), False)]  # (agency codes, whole tree) of the figures compared


def local_calendar(app) -> None:
    """The other agency rests on a national working day: its tasks count with its own calendar."""
    with app.app_context():
        other = db.session.scalar(select(Agency.id).where(Agency.code == "other"))
        adjust_day(other, date(2026, 10, 13), is_working_day=False, reason="本地防汛停工")
        db.session.commit()


def build_varied(as_user) -> dict:
    """Scenario A-D, plus: a correction round (three kinds, two rounds), an acceptance across Beijing
    midnight, a case of the other agency completed on a day it may rest (local_calendar)."""
    cases = scenario.build(as_user)
    handler, reviewer = as_user("handler"), as_user("reviewer")
    with freeze_time(beijing("2026-10-13", 23)):
        late = scenario.submit_unfiled(handler, "市监罚〔2026〕150号", "戊公司跨夜案")
    with freeze_time(beijing("2026-10-14", 9)):  # UTC: opened 10-13 15:00, done 10-14 01:00
        reviewer.complete(late, "accept_submission", {"result": "accept"})
    with freeze_time(beijing("2026-10-15", 10)):
        as_user("other.reviewer").complete(cases["c"], "accept_submission", {"result": "accept"})
        holder = as_user(reviewer.open_task(late, "review_case")["assignee"]["full_name"])
        find_issues(lambda _name: holder, late)
    with freeze_time(beijing("2026-10-16", 8)):
        correct(as_user, late, fine_amount=120000)
        holder.complete(late, "review_case", review("approve"))
    return cases


def both_ways(app, agency_codes: tuple[str, ...], period_days: int, whole_tree: bool = True) -> tuple[dict, dict]:
    """Working days per stage of these agencies (the first one's whole tree, if so) from the counters and
    from the tasks."""
    with app.app_context():
        ids = [db.session.scalar(select(Agency.id).where(Agency.code == code)) for code in agency_codes]
        return tuple(working_days_per_stage(ids, today=TODAY_DATE, period_days=period_days, whole_tree=whole_tree,
                                            groups=groups)
                     for groups in (counted_groups, task_groups))


def counters(app) -> dict:
    with app.app_context():
        return {(row.agency_id, row.done_on, row.kind, row.title, row.opened_on):
                (row.tasks, round(row.total_hours, 6), round(row.max_hours, 6))
                for row in db.session.scalars(select(CompletedTaskCount))}


def recounted(app) -> dict:
    """The counters rebuilt from tasks (then left that way: the same rows when they were right)."""
    with app.app_context():
        recount_completed_tasks()
        db.session.commit()
    return counters(app)


def varied_world(module_app, database_template, session_clock):
    """The varied scenario on a module's database (conftest.py: module_app), through clients sending the seeded
    users' tokens; returns the app."""
    session_clock.move_to(TEST_NOW)  # as every test starts (conftest.py: frozen_clock)
    module_app.config["TOKEN_TTL_HOURS"] = 24 * 365 * 3  # as the dashboard's conftest.py sets it per test
    clients = {name: ApiClient(module_app.test_client(), token) for name, token in database_template.tokens.items()}
    build_varied(clients.__getitem__)
    return module_app
