"""Untimed preparation of the timer benchmark: fresh schema, seed, API and bulk cases with due breach jobs."""
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from common import PASSWORD, check, load_bench_calendar, make_app, seed_agency
from payloads import submission

USERS = (("handler", "handler"), ("reviewer", "reviewer"), ("review_head", "review_head"),
         ("supervisor", "supervisor"))  # username, role
RECIPIENT_ROLES = ("reviewer", "review_head", "supervisor")  # who flag_overdue tells about a review deadline
API_CASES = 3  # cases submitted through the HTTP API (their shape is copied for the bulk rows)
CHUNK = 2000  # rows per bulk INSERT statement


def prepare(url: str, timers: int, workdir: Path) -> dict:
    """Fresh schema, seed, API cases, bulk cases with overdue deadlines and due breach jobs."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    from review_service.unit_of_work import unit_of_work
    app = make_app(url, workdir)
    with app.app_context():
        with unit_of_work():
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
    bench_years = load_bench_calendar(app, workdir)
    with app.app_context():
        with unit_of_work():
            agency_id = seed()
        db.session.remove()
    api_ids = submit_api_cases(app, min(API_CASES, timers))
    with app.app_context():
        with unit_of_work():
            due_on = backdate_api_cases(api_ids)
            bulk_ids = bulk_insert_cases(agency_id, api_ids[0], timers - len(api_ids), due_on)
        with unit_of_work():
            recipients = expected_recipients(agency_id)
            db.session.execute(text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return {"case_ids": api_ids + bulk_ids, "api_cases": len(api_ids), "due_on": due_on.isoformat(),
            "recipients_per_case": recipients, "bench_calendar_years": bench_years}


def seed() -> int:
    """One agency with its handler, reviewer, review_head and supervisor; the published default process.

    The reviewer is a qualified legal reviewer, and acceptance tasks go to the shared queue: each case's
    accept_submission task stays unclaimed, with no assignment event in its history.
    """
    import logging
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return seed_agency(USERS, acceptance_from_queue=True)


def submit_api_cases(app, count: int) -> list[int]:
    """Submit `count` cases as the handler through the HTTP API; each opens a running review deadline."""
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": "handler", "password": PASSWORD})
    check(response, 200, "login handler")
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    ids = []
    for number in range(count):
        response = client.post("/api/v1/cases", json=submission(f"市监罚〔2026〕API{number + 1}号"), headers=headers)
        check(response, 201, "submit case")
        case = response.get_json()
        assert [d["status"] for d in case["deadlines"]] == ["running"], case["deadlines"]
        ids.append(case["id"])
    return ids


def backdate_api_cases(case_ids: list[int]):
    """Make the API cases' review deadlines due yesterday, rescheduling their breach job with the service's code.

    The reminder is marked as sent for that date (the day before yesterday it would have gone out),
    and its job removed, so that each case has exactly one due job: the breach.
    """
    from sqlalchemy import delete, select

    from review_service.china_time import today_in_china
    from review_service.deadlines.models import Deadline
    from review_service.deadlines.service import REMINDER_JOB, schedule_alerts
    from review_service.extensions import db
    from review_service.jobs.models import DueJob
    due_on = today_in_china() - timedelta(days=1)
    for deadline in db.session.scalars(select(Deadline).where(Deadline.case_id.in_(case_ids))):
        deadline.due_on = deadline.reminded_for_on = due_on
        schedule_alerts(deadline)
    db.session.execute(delete(DueJob).where(DueJob.case_id.in_(case_ids), DueJob.kind == REMINDER_JOB))
    db.session.flush()
    return due_on


def bulk_insert_cases(agency_id: int, template_id: int, count: int, due_on) -> list[int]:
    """Insert `count` cases shaped like the template API case, with explicit ids; return their ids."""
    from sqlalchemy import func, insert, select, text

    from review_service.accounts.models import User
    from review_service.audit.models import CaseEvent
    from review_service.audit.service import chain_event
    from review_service.cases.models import Case, Task
    from review_service.deadlines.clock import breach_moment
    from review_service.deadlines.models import RUNNING, Deadline
    from review_service.deadlines.service import BREACH_JOB
    from review_service.extensions import db
    from review_service.jobs.models import DueJob
    from review_service.workdays import service as workdays
    if count <= 0:
        return []
    template = db.session.get(Case, template_id)
    t_deadline = db.session.scalars(select(Deadline).where(Deadline.case_id == template_id)).one()
    t_task = db.session.get(Task, t_deadline.task_id)
    t_events = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == template_id)
                                       .order_by(CaseEvent.seq)))
    assert [e.action for e in t_events] == ["case.submitted", "deadline.started"], [e.action for e in t_events]
    handler = db.session.get(User, template.handler_id)

    # The clock started `period_days` working days before yesterday (the service's calendar). Yesterday
    # may be a rest day, on which a working-day period cannot end; the brief asks for "due yesterday"
    # and flag_overdue only compares dates, so due_on is yesterday regardless.
    start_on = due_on
    for _ in range(t_deadline.period_days):
        start_on = workdays.previous_working_day(start_on, agency_id=agency_id)
    filed_on = due_on - timedelta(days=60)
    cap_on = workdays.add_calendar_days(filed_on, 90, agency_id=agency_id)

    skip = {"id", "case_number", "history_seq", "history_hash", "created_at", "updated_at", "filed_on"}
    case_values = {c.key: getattr(template, c.key) for c in Case.__mapper__.column_attrs if c.key not in skip}
    first_case = db.session.scalar(select(func.max(Case.id))) + 1
    first_deadline = db.session.scalar(select(func.max(Deadline.id))) + 1
    cases, deadlines, tasks, jobs, events = [], [], [], [], []
    for n in range(count):
        case_id, deadline_id, task_id = first_case + n, first_deadline + n, str(uuid.uuid4())
        number = f"市监罚〔2026〕{n + 1}号"
        head = SimpleNamespace(id=case_id, history_seq=0, history_hash=None, round=template.round)
        form = {**t_events[0].data["form"], "case_number": number, "filed_on": filed_on.isoformat()}
        for actor, action, data in ((handler, "case.submitted", {**t_events[0].data, "form": form}),
                                    (None, "deadline.started", {"kind": "review", "due_on": due_on,
                                                                "start_on": start_on, "capped": False,
                                                                "problem": None})):
            row = chain_event(head, actor=actor, action=action, data=data)  # inserted below in bulk, after its case
            events.append({c.key: getattr(row, c.key) for c in CaseEvent.__mapper__.column_attrs if c.key != "id"})
        cases.append({**case_values, "id": case_id, "case_number": number, "filed_on": filed_on,
                      "history_seq": head.history_seq, "history_hash": head.history_hash})
        deadlines.append({"id": deadline_id, "case_id": case_id, "agency_id": agency_id, "kind": "review",
                          "round": t_deadline.round, "task_id": task_id, "unit": t_deadline.unit,
                          "period_days": t_deadline.period_days, "extension_days": 0,
                          "extension_limit": t_deadline.extension_limit,
                          "supplement_mode": t_deadline.supplement_mode, "days_used": 0,
                          "reminder_days": t_deadline.reminder_days, "start_on": start_on, "cap_on": cap_on,
                          "cap_from_on": filed_on, "cap_calendar_days": 90,
                          "due_on": due_on, "capped": False, "status": RUNNING, "overdue": False,
                          "reminded_for_on": due_on})
        tasks.append({"id": task_id, "case_id": case_id, "agency_id": agency_id, "name": t_task.name,
                      "title": t_task.title, "kind": t_task.kind, "lane": t_task.lane, "role": t_task.role,
                      "form_key": t_task.form_key, "round": t_task.round, "status": t_task.status,
                      "engine_task": True, "deadline_id": deadline_id})
        moment = breach_moment(due_on)
        jobs.append({"kind": BREACH_JOB, "dedupe_key": f"deadline:{deadline_id}:breach", "case_id": case_id,
                     "payload": {"deadline_id": deadline_id}, "due_at": moment, "next_attempt_at": moment})
    for model, rows in ((Case, cases), (Deadline, deadlines), (Task, tasks), (DueJob, jobs), (CaseEvent, events)):
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(model.__table__), rows[start:start + CHUNK])
    for table in ("cases", "deadlines"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
    return [row["id"] for row in cases]


def expected_recipients(agency_id: int) -> int:
    """Distinct active users holding a role flag_overdue notifies for a review deadline (reviewer: the open
    task's role, nobody has claimed it), counted here independently of the handler's code."""
    from sqlalchemy import func, select

    from review_service.accounts.models import User, UserRole
    from review_service.extensions import db
    return db.session.scalar(select(func.count(func.distinct(User.id))).join(UserRole, UserRole.user_id == User.id)
                             .where(User.agency_id == agency_id, User.is_active.is_(True),
                                    UserRole.role.in_(RECIPIENT_ROLES)))

