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
(case.submitted, deadline.started, hash-chained by audit.chain_event), one running `review` Deadline
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_DIR, ROOT, environment, make_app, normalize_url
from timer_cases import prepare

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/wt_bench"
# Worker logs: RESULTS_DIR/fire_timers-worker-<K>-<n>.log (gitignored).


# ---------------------------------------------------------------- timed: the worker processes


def run_workers(url: str, workers: int, batch: int, poll: float, timeout: float, logdir: Path) -> dict:  # noqa: PLR0912
    """Start the worker processes at once, wait until nothing is due, SIGTERM them; return timings."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    # timed: the time-critical queue (the breaches); the API cases' three PDF conversions (queue documents,
    # seconds of LibreOffice each) are waited for afterwards, untimed, so that the checks find no job left
    due_sql = text("SELECT count(*) FROM due_jobs WHERE status = 'pending' AND next_attempt_at <= now() "
                   "AND queue = 'default'")
    any_due_sql = text("SELECT count(*) FROM due_jobs WHERE status = 'pending' AND next_attempt_at <= now()")
    with engine.connect() as conn:
        total, total_all = conn.scalar(due_sql), conn.scalar(any_due_sql)
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
    cpu_first = cpu_drained = 0.0
    try:
        with engine.connect() as conn:
            while True:
                remaining = conn.scalar(due_sql)
                now = time.perf_counter()
                if first_fired is None and remaining < total:
                    first_fired, cpu_first = now, _cpu_seconds(procs)
                if remaining == 0 and drained is None:
                    drained, cpu_drained = now, _cpu_seconds(procs)
                if drained is not None and conn.scalar(any_due_sql) == 0:
                    break
                if any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"a worker exited early: {[p.returncode for p in procs]}")
                if now - start > timeout and (drained is None or now - drained > 600):
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
            "worker_exit_codes": [p.returncode for p in procs], "jobs_due_all_queues": total_all,
            "worker_cpu_seconds_firing": cpu_drained - cpu_first,
            "worker_warnings": sum(o.count("WARNING") + o.count("Traceback") + o.count("ERROR") for o in outputs)}


def _cpu_seconds(procs) -> float:
    """User + system CPU seconds the worker processes used so far (/proc/PID/stat; 0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in procs:
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


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
    from review_service.audit.service import verify_case_history
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
                  if _chain_broken_or_not_overdue(db.session.get(Case, case_id), verify_case_history)]
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


def _chain_broken_or_not_overdue(case, verify_case_history) -> bool:
    """The case's history does not verify against its head, or its last event is not the overdue flag."""
    events, broken = verify_case_history(case)
    return broken is not None or events[-1].action != "deadline.overdue"


# ---------------------------------------------------------------- verdicts

TARGET_PER_SECOND = 200  # with two workers on 2 cores (issue 18, item 5)


def print_verdicts(runs: list[dict]) -> None:
    """One table row per run, then MET/MISSED per target (rates are 'once firing': after the workers' start-up)."""
    print("\nworkers | timers | firing s | timers/s firing | timers/s wall | exactly-once | load avg start/end")
    for run in runs:
        print(f"{run['workers']:>7} | {run['timers']:>6} | {run['firing_seconds']:>8.2f} | "
              f"{run['firing_per_second']:>15.0f}"
              f" | {run['timers_per_second']:>13.0f} | {'yes' if not run['violations'] else 'NO':>12} | "
              f"{run['load_average_at_start']:.2f} / {run['load_average_at_end']:.2f}")
    print(f"TARGET exactly-once in every run: {'MET' if all(not r['violations'] for r in runs) else 'MISSED'}")
    by_workers = {run["workers"]: run["firing_per_second"] for run in runs}
    if 2 in by_workers:
        verdict = "MET" if by_workers[2] >= TARGET_PER_SECOND else "MISSED"
        print(f"TARGET >= {TARGET_PER_SECOND} timers/s with 2 workers: {verdict} ({by_workers[2]:.0f}/s)")
    if 2 in by_workers and 3 in by_workers:
        cores = os.cpu_count() or 1
        gain = by_workers[3] / by_workers[2]
        verdict = ("MET" if gain > 1.05 else "MISSED") if cores >= 3 else f"n/a on {cores} cores (reported only)"
        print(f"TARGET a third worker adds throughput when there is a core for it: {verdict} "
              f"(3 workers {by_workers[3]:.0f}/s vs 2 workers {by_workers[2]:.0f}/s, x{gain:.2f})")


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10000, help="due timers (= cases), default 10000")
    parser.add_argument("--workers", default="1,2,3",
                        help="comma-separated worker counts, one run each (default 1,2,3)")
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
            if prepared["bench_calendar_years"]:
                print(f"calendar: no arrangement for {prepared['bench_calendar_years']}: loaded an invented "
                      "bench-only year (weekends and 1 January only, marked example) with "
                      "`flask review calendar load --example`")
            load = os.getloadavg()[0]
            timing = run_workers(url, workers, args.batch, args.poll, args.timeout, RESULTS_DIR)
            numbers, violations = verify(url, workdir, prepared, args.sample, seed=workers)
            rate = args.timers / timing["wall_seconds"]
            print(f"wall {timing['wall_seconds']:.2f} s (start-up to first fired {timing['startup_seconds']:.2f} s, "
                  f"firing {timing['firing_seconds']:.2f} s) = {rate:.0f} timers/s "
                  f"({args.timers / timing['firing_seconds']:.0f} timers/s once firing)" if timing["firing_seconds"]
                  else f"wall {timing['wall_seconds']:.2f} s = {rate:.0f} timers/s")
            print(f"worker CPU while firing: {timing['worker_cpu_seconds_firing']:.2f} s = "
                  f"{timing['worker_cpu_seconds_firing'] / args.timers * 1000:.2f} ms per timer (all workers, /proc)")
            per_worker = timing["jobs_per_worker"]
            print(f"jobs done per worker: {per_worker} (sum {sum(filter(None, per_worker))})"
                  f"; worker exit codes {timing['worker_exit_codes']}; warning/error lines {timing['worker_warnings']}")
            print(f"exactly-once: {numbers['overdue_events']} overdue events on "
                  f"{numbers['cases_with_one_overdue_event']} cases (once each), "
                  f"{numbers['cases_with_several_overdue_events']} cases more than once; "
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
            if None not in done and sum(done) != timing["jobs_due_all_queues"]:
                violations.append(f"workers report {sum(done)} jobs done, expected {timing['jobs_due_all_queues']} "
                                  f"({args.timers} timers and the API cases' PDF conversions)")
            print("RESULT: OK" if not violations else "RESULT: VIOLATIONS\n  " + "\n  ".join(violations), flush=True)
            failed = failed or bool(violations)
            runs.append({"workers": workers, "timers": args.timers, "prepare_seconds": prepare_seconds,
                         "load_average_at_start": load, "load_average_at_end": os.getloadavg()[0], **timing,
                         "timers_per_second": rate,
                         "firing_per_second": (args.timers / timing["firing_seconds"] if timing["firing_seconds"]
                                               else rate),
                         "recipients_per_case": prepared["recipients_per_case"], "checks": numbers,
                         "violations": violations})
    print_verdicts(runs)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        result = {"environment": env, "batch": args.batch, "poll": args.poll, "runs": runs}
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
