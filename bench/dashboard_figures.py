"""How long the supervisor dashboard's figures take for many cases (rows written directly, not through the engine).

    python bench/dashboard_figures.py [--cases 5000] [--agencies 20] [--database-url postgresql://...]

Writes a province, N city agencies with 30 officers each, and per case: 3 task rows (2 completed in the
last 90 days, 1 open) and 1 running review deadline due within +-15 days; then times dashboard_figures()
for a province supervisor (median of 5 runs, after one warm-up). Only columns the dashboard reads are
realistic; no workflow state is written.
"""
import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import make_app, normalize_url

STATUSES = ("awaiting_acceptance", "under_review", "issues_found", "review_passed", "decided")
KINDS = (("acceptance", "受理审查（材料完整性）"), ("review_opinion", "法制审核（审核要点与审核意见）"),
         ("decision", "作出执法决定"))


def seed(case_count: int, agency_count: int) -> None:
    from sqlalchemy import insert

    from review_service.accounts.service import create_user
    from review_service.agencies.models import Agency
    from review_service.cases.models import Case, Task
    from review_service.deadlines.models import Deadline
    from review_service.extensions import db
    from review_service.staffing.models import StaffMember

    rng = random.Random(2026)
    province = Agency(code="province", name="省局", level="province")
    db.session.add(province)
    db.session.flush()
    cities = [Agency(code=f"city{n}", name=f"第{n}市局", level="city", parent_id=province.id)
              for n in range(agency_count)]
    db.session.add_all(cities)
    db.session.flush()
    create_user(agency_id=province.id, username="supervisor", full_name="supervisor", password="Bench password 2026",
                roles=["supervisor"])
    handler = create_user(agency_id=cities[0].id, username="handler", full_name="handler",
                          password="Bench password 2026",
                          roles=["handler"])
    db.session.execute(insert(StaffMember), [
        {"agency_id": city.id, "kind": "enforcement_officer", "name": f"{city.code}-{n}",
         "enforcement_certificate_no": f"{city.code}-{n}", "valid_from": date(2020, 1, 1)}
        for city in cities for n in range(30)])
    now = datetime.now(UTC)
    today = now.date()
    cases, tasks, deadlines = [], [], []
    for n in range(case_count):
        city = cities[n % agency_count]
        opened = now - timedelta(days=rng.randint(5, 80), hours=rng.randint(0, 8))
        cases.append({"id": n + 1, "agency_id": city.id, "case_number": f"罚〔2026〕{n}号", "title": f"案件{n}",
                      "decision_type": "administrative_penalty", "party_type": "legal_person", "party_name": "某公司",
                      "proposed_decision": "罚款", "review_required": True, "status": rng.choice(STATUSES),
                      "round": 1, "handler_id": handler.id, "created_at": opened})
        moment = opened
        for index, (kind, title) in enumerate(KINDS):
            done = moment + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9)) if index < 2 else None
            task_id = str(uuid.uuid4())
            tasks.append({"id": task_id, "case_id": n + 1, "agency_id": city.id, "name": kind, "title": title,
                          "kind": kind, "lane": "review_unit", "role": "reviewer", "form_key": kind, "round": 1,
                          "status": "completed" if done else "open", "created_at": moment, "completed_at": done})
            moment = done or moment
        deadlines.append({"case_id": n + 1, "agency_id": city.id, "kind": "review", "round": 1, "task_id": task_id,
                          "unit": "working", "period_days": 5, "start_on": today - timedelta(days=7),
                          "due_on": today + timedelta(days=rng.randint(-15, 15)), "status": "running"})
    for table, rows in ((Case, cases), (Task, tasks), (Deadline, deadlines)):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[start:start + 2000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--agencies", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    url = normalize_url(args.database_url) if args.database_url else f"sqlite:///{workdir / 'bench.db'}"
    app = make_app(url, workdir)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select, text

        from review_service.accounts.models import User
        from review_service.dashboard.service import dashboard_figures
        from review_service.extensions import db
        from review_service.unit_of_work import unit_of_work
        if args.database_url:
            with unit_of_work():
                db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
        with unit_of_work():
            seed(args.cases, args.agencies)
        supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
        seconds = []
        for _ in range(6):
            db.session.rollback()  # a fresh transaction, as each request has
            started = time.perf_counter()
            figures = dashboard_figures(supervisor)
            seconds.append(time.perf_counter() - started)
        print(f"{args.cases} cases, {args.agencies + 1} agencies, {url.split(':')[0]}: "
              f"overdue {len(figures['overdue'])}, upcoming {len(figures['upcoming'])}, "
              f"completed tasks {sum(s['tasks'] for s in figures['working_days_per_stage']['stages'])}; "
              f"dashboard_figures median {statistics.median(seconds[1:]) * 1000:.0f} ms "
              f"(first {seconds[0] * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
