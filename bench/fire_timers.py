"""Benchmark firing due timers: N overdue review deadlines fired by 1 and by 3 worker processes on PostgreSQL.

From the project root:
    .venv/bin/python bench/fire_timers.py                          # 10,000 timers, 1 then 3 workers
    .venv/bin/python bench/fire_timers.py --timers 200 --workers 3
    .venv/bin/python bench/fire_timers.py --database-url postgresql://postgres@127.0.0.1:5432/wt_bench

Per run (untimed preparation): the database's public schema is DROPPED and recreated, the Alembic
migrations run, one agency gets a handler, a reviewer, a review_head and a supervisor, the default
process is published, and a few cases are submitted through the HTTP API (app.test_client()). Their
review deadline is moved to yesterday (Beijing) with the service's own schedule_alerts(), which moves
their `deadline.breach` job into the past. The remaining cases are bulk-inserted in the same shape as
the submitted ones: a Case, its open `accept_submission` Task (role reviewer), its two history events
(case.submitted, deadline.started, hash-chained by audit.record_event), one running `review` Deadline
due yesterday, and its `deadline.breach` DueJob (same dedupe key and payload as schedule_alerts writes).

Timed: K real worker processes (`flask review worker --batch 50 --poll 0.2`, DATABASE_URL set) are
started at once; the parent polls until no due job is left, then stops them with SIGTERM. The jobs
run the real path: jobs.service.claim_due_jobs / run_job -> deadlines.alerts.flag_overdue.

Checked afterwards (any violation: exit status 1): every deadline overdue, exactly one
`deadline.overdue` history event per case, timers x recipients `deadline.overdue` notifications and
no duplicate (case, user), no job left (pending or incident), every case's history head matching its
last event, and the hash chain of a sample of cases verified with audit.service.verify_chain.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_cases import PASSWORD, check, environment, make_app, normalize_url, submission  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"  # worker logs: fire_timers-worker-<K>-<n>.log (gitignored)
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/wt_bench"
AGENCY = ("city", "市市场监督管理局", "city")  # code, name, level
USERS = (("handler", "handler"), ("reviewer", "reviewer"), ("review_head", "review_head"),
         ("supervisor", "supervisor"))  # username, role
RECIPIENT_ROLES = ("reviewer", "review_head", "supervisor")  # who flag_overdue tells about a review deadline
API_CASES = 3  # cases submitted through the HTTP API (their shape is copied for the bulk rows)
CHUNK = 2000  # rows per bulk INSERT statement


# ---------------------------------------------------------------- preparation (untimed)


def prepare(url: str, timers: int, workdir: Path) -> dict:
    """Fresh schema, seed, API cases, bulk cases with overdue deadlines and due breach jobs."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    app = make_app(url, workdir)
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        upgrade()
        agency_id = seed()
        db.session.commit()
        db.session.remove()
    api_ids = submit_api_cases(app, min(API_CASES, timers))
    with app.app_context():
        due_on = backdate_api_cases(api_ids)
        bulk_ids = bulk_insert_cases(agency_id, api_ids[0], timers - len(api_ids), due_on)
        db.session.commit()
        recipients = expected_recipients(agency_id)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"case_ids": api_ids + bulk_ids, "api_cases": len(api_ids), "due_on": due_on.isoformat(),
            "recipients_per_case": recipients}


def seed() -> int:
    """One agency with its handler, reviewer, review_head and supervisor; the published default process."""
    import logging

    from review_service.accounts.service import create_user
    from review_service.agencies.models import Agency
    from review_service.extensions import db
    from review_service.processes.service import publish_default_version
    logging.getLogger("alembic").setLevel(logging.WARNING)
    code, name, level = AGENCY
    agency = Agency(code=code, name=name, level=level)
    db.session.add(agency)
    db.session.flush()
    for username, role in USERS:
        create_user(agency_id=agency.id, username=username, full_name=username, password=PASSWORD, roles=[role])
    publish_default_version()
    return agency.id


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

    from review_service.deadlines.clock import today_in_china
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
    from review_service.audit.service import record_event
    from review_service.cases.models import Case
    from review_service.deadlines.clock import breach_moment
    from review_service.deadlines.models import RUNNING, Deadline
    from review_service.deadlines.service import BREACH_JOB
    from review_service.extensions import db
    from review_service.jobs.models import DueJob
    from review_service.tasks.models import Task
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
            row = record_event(head, actor=actor, action=action, data=data)
            db.session.expunge(row)  # inserted below in bulk, after its case
            events.append({c.key: getattr(row, c.key) for c in CaseEvent.__mapper__.column_attrs if c.key != "id"})
        cases.append({**case_values, "id": case_id, "case_number": number, "filed_on": filed_on,
                      "history_seq": head.history_seq, "history_hash": head.history_hash})
        deadlines.append({"id": deadline_id, "case_id": case_id, "agency_id": agency_id, "kind": "review",
                          "round": t_deadline.round, "task_id": task_id, "unit": t_deadline.unit,
                          "period_days": t_deadline.period_days, "extension_days": 0,
                          "extension_limit": t_deadline.extension_limit,
                          "supplement_mode": t_deadline.supplement_mode, "days_used": 0,
                          "reminder_days": t_deadline.reminder_days, "start_on": start_on, "cap_on": cap_on,
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
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
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


# ---------------------------------------------------------------- timed: the worker processes


def run_workers(url: str, workers: int, batch: int, poll: float, timeout: float, logdir: Path) -> dict:
    """Start the worker processes at once, wait until nothing is due, SIGTERM them; return timings."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    due_sql = text("SELECT count(*) FROM due_jobs WHERE status = 'pending' AND next_attempt_at <= now()")
    with engine.connect() as conn:
        total = conn.scalar(due_sql)
    flask = Path(sys.executable).parent / "flask"
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "review_service"}
    command = [str(flask), "review", "worker", "--batch", str(batch), "--poll", str(poll)]
    procs, logs = [], []
    start = time.perf_counter()
    for number in range(workers):
        logdir.mkdir(parents=True, exist_ok=True)
        log = open(logdir / f"fire_timers-worker-{workers}-{number}.log", "w+")  # noqa: SIM115  (closed below)
        logs.append(log)
        procs.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
    first_fired = drained = None
    try:
        with engine.connect() as conn:
            while True:
                remaining = conn.scalar(due_sql)
                now = time.perf_counter()
                if first_fired is None and remaining < total:
                    first_fired = now
                if remaining == 0:
                    drained = now
                    break
                if any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"a worker exited early: {[p.returncode for p in procs]}")
                if now - start > timeout:
                    raise RuntimeError(f"timeout after {timeout:.0f} s with {remaining} jobs still due")
                time.sleep(0.05)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        engine.dispose()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    done = [_done_count(output) for output in outputs]
    return {"wall_seconds": drained - start, "startup_seconds": (first_fired or drained) - start,
            "firing_seconds": drained - (first_fired or drained), "jobs_per_worker": done,
            "worker_exit_codes": [p.returncode for p in procs],
            "worker_warnings": sum(o.count("WARNING") + o.count("Traceback") + o.count("ERROR") for o in outputs)}


def _done_count(output: str) -> int | None:
    """The N of the worker's last line 'worker <name> stopped after N jobs'."""
    for line in reversed(output.splitlines()):
        if " stopped after " in line:
            return int(line.rsplit(" stopped after ", 1)[1].split()[0])
    return None


# ---------------------------------------------------------------- verification


def verify(url: str, workdir: Path, prepared: dict, sample: int, seed: int) -> tuple[dict, list[str]]:
    """Every exactly-once check; returns (numbers, violations)."""
    from sqlalchemy import and_, func, select

    from review_service.audit.models import CaseEvent
    from review_service.audit.service import case_history, verify_chain
    from review_service.cases.models import Case
    from review_service.deadlines.models import Deadline
    from review_service.extensions import db
    from review_service.jobs.models import DueJob
    from review_service.notifications.models import Notification
    timers, recipients = len(prepared["case_ids"]), prepared["recipients_per_case"]
    app = make_app(url, workdir)
    violations = []
    with app.app_context():
        s = db.session
        overdue = s.scalar(select(func.count()).select_from(Deadline).where(Deadline.overdue.is_(True)))
        deadlines = s.scalar(select(func.count()).select_from(Deadline))
        wrong_since = s.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.overdue.is_(True), Deadline.overdue_since != Deadline.due_on + 1))
        per_case = (select(CaseEvent.case_id, func.count().label("n")).where(CaseEvent.action == "deadline.overdue")
                    .group_by(CaseEvent.case_id).subquery())
        events = s.scalar(select(func.coalesce(func.sum(per_case.c.n), 0)))
        cases_once = s.scalar(select(func.count()).select_from(per_case).where(per_case.c.n == 1))
        cases_twice = s.scalar(select(func.count()).select_from(per_case).where(per_case.c.n > 1))
        cases = s.scalar(select(func.count()).select_from(Case))
        notes = s.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "deadline.overdue"))
        dup = (select(Notification.case_id, Notification.user_id).where(Notification.kind == "deadline.overdue")
               .group_by(Notification.case_id, Notification.user_id).having(func.count() > 1).subquery())
        duplicate_notes = s.scalar(select(func.count()).select_from(dup))
        jobs_left = dict(s.execute(select(DueJob.status, func.count()).group_by(DueJob.status)).all())
        last = (select(CaseEvent.case_id, func.max(CaseEvent.seq).label("seq")).group_by(CaseEvent.case_id)
                .subquery())
        bad_heads = s.scalar(select(func.count()).select_from(Case)
                             .outerjoin(last, last.c.case_id == Case.id)
                             .outerjoin(CaseEvent, and_(CaseEvent.case_id == Case.id, CaseEvent.seq == last.c.seq))
                             .where((Case.history_seq != func.coalesce(last.c.seq, 0))
                                    | (CaseEvent.hash.is_(None)) | (Case.history_hash != CaseEvent.hash)))
        ids = prepared["case_ids"]
        chosen = ids[:prepared["api_cases"]] + random.Random(seed).sample(ids, min(sample, len(ids)))
        broken = [case_id for case_id in dict.fromkeys(chosen)
                  if verify_chain(case_history(case_id)) is not None
                  or case_history(case_id)[-1].action != "deadline.overdue"]
        db.session.remove()
        db.engine.dispose()
    checks = {
        "deadlines_overdue": (overdue, timers), "deadlines_total": (deadlines, timers),
        "overdue_since_wrong": (wrong_since, 0), "cases_total": (cases, timers),
        "overdue_events": (events, timers), "cases_with_one_overdue_event": (cases_once, timers),
        "cases_with_several_overdue_events": (cases_twice, 0),
        "overdue_notifications": (notes, timers * recipients), "duplicate_notifications": (duplicate_notes, 0),
        "jobs_left": (sum(jobs_left.values()), 0), "history_heads_mismatched": (bad_heads, 0),
        "sampled_chains_broken": (len(broken), 0),
    }
    for name, (value, expected) in checks.items():
        if value != expected:
            violations.append(f"{name}: {value}, expected {expected}")
    numbers = {name: value for name, (value, _expected) in checks.items()}
    numbers.update(jobs_left_by_status=jobs_left, chains_verified=len(dict.fromkeys(chosen)),
                   broken_chain_case_ids=broken[:20])
    return numbers, violations


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10000, help="due timers (= cases), default 10000")
    parser.add_argument("--workers", default="1,3", help="comma-separated worker counts, one run each (default 1,3)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL only; its public schema is DROPPED and recreated (default {DEFAULT_URL})")
    parser.add_argument("--batch", type=int, default=50, help="worker --batch (default 50)")
    parser.add_argument("--poll", type=float, default=0.2, help="worker --poll seconds (default 0.2)")
    parser.add_argument("--sample", type=int, default=200, help="cases whose hash chain is verified (default 200)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is abandoned")
    parser.add_argument("--json", type=Path, help="also write every number as JSON to this path")
    args = parser.parse_args(argv)
    try:
        args.worker_counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error("--workers must be comma-separated integers, e.g. 1,3")
    if args.timers < 1 or any(n < 1 for n in args.worker_counts):
        parser.error("--timers and every worker count must be >= 1")
    if not normalize_url(args.database_url).startswith("postgresql"):
        parser.error("--database-url must be a PostgreSQL URL (the claim path under test is FOR UPDATE SKIP LOCKED)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    url = normalize_url(args.database_url)
    env = environment(url)
    print(f"database {env['database']} | revision {env['revision']} | python {env['python']} | "
          f"{env['cpu_count']} CPUs | load {env['load_average'][0]:.2f} {env['load_average'][1]:.2f} "
          f"{env['load_average'][2]:.2f}", flush=True)
    print(f"{args.timers} timers per run; workers: flask review worker --batch {args.batch} --poll {args.poll}",
          flush=True)
    runs, failed = [], False
    with tempfile.TemporaryDirectory(prefix="review-timers-") as tmp:
        workdir = Path(tmp)
        for workers in args.worker_counts:
            began = time.perf_counter()
            prepared = prepare(url, args.timers, workdir)
            prepare_seconds = time.perf_counter() - began
            print(f"\n== {workers} worker(s): prepared {args.timers} cases ({prepared['api_cases']} via the API) "
                  f"with deadlines due {prepared['due_on']} in {prepare_seconds:.1f} s; "
                  f"{prepared['recipients_per_case']} recipients per case", flush=True)
            load = os.getloadavg()[0]
            timing = run_workers(url, workers, args.batch, args.poll, args.timeout, RESULTS_DIR)
            numbers, violations = verify(url, workdir, prepared, args.sample, seed=workers)
            rate = args.timers / timing["wall_seconds"]
            print(f"wall {timing['wall_seconds']:.2f} s (start-up to first fired {timing['startup_seconds']:.2f} s, "
                  f"firing {timing['firing_seconds']:.2f} s) = {rate:.0f} timers/s "
                  f"({args.timers / timing['firing_seconds']:.0f} timers/s once firing)" if timing["firing_seconds"]
                  else f"wall {timing['wall_seconds']:.2f} s = {rate:.0f} timers/s")
            print(f"jobs done per worker: {timing['jobs_per_worker']} (sum {sum(filter(None, timing['jobs_per_worker']))})"
                  f"; worker exit codes {timing['worker_exit_codes']}; warning/error lines {timing['worker_warnings']}")
            print(f"exactly-once: {numbers['overdue_events']} overdue events on {numbers['cases_with_one_overdue_event']}"
                  f" cases (once each), {numbers['cases_with_several_overdue_events']} cases more than once; "
                  f"{numbers['deadlines_overdue']}/{numbers['deadlines_total']} deadlines overdue; "
                  f"{numbers['overdue_notifications']} notifications "
                  f"(expected {args.timers} x {prepared['recipients_per_case']}), "
                  f"{numbers['duplicate_notifications']} duplicated; jobs left {numbers['jobs_left_by_status'] or 0}; "
                  f"{numbers['history_heads_mismatched']} history heads mismatched; "
                  f"{numbers['chains_verified']} chains verified, {numbers['sampled_chains_broken']} broken")
            if timing["worker_warnings"]:
                violations.append(f"worker logs contain {timing['worker_warnings']} warning/error lines "
                                  f"(see {RESULTS_DIR.relative_to(ROOT)}/fire_timers-worker-{workers}-*.log)")
            done = timing["jobs_per_worker"]
            if None not in done and sum(done) != args.timers:
                violations.append(f"workers report {sum(done)} jobs done, expected {args.timers}")
            print("RESULT: OK" if not violations else "RESULT: VIOLATIONS\n  " + "\n  ".join(violations), flush=True)
            failed = failed or bool(violations)
            runs.append({"workers": workers, "timers": args.timers, "prepare_seconds": prepare_seconds,
                         "load_average_at_start": load, **timing, "timers_per_second": rate,
                         "recipients_per_case": prepared["recipients_per_case"], "checks": numbers,
                         "violations": violations})
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        result = {"environment": env, "batch": args.batch, "poll": args.poll, "runs": runs}
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
