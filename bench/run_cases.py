"""Benchmark whole legal-review cases through the HTTP API, and the same BPMN path on SpiffWorkflow alone.

From the project root:
    .venv/bin/python bench/run_cases.py --cases 200
    .venv/bin/python bench/run_cases.py --cases 100 --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/run_cases.py --cases 50 --profile      # cProfile of the service loop

Service part: create_app() on a fresh database, Alembic migrations, one agency with a handler, a
reviewer and a head, the default process published; then N cases driven through app.test_client()
(in-process WSGI, no network) along submit -> accept -> review "issues" -> correct -> review
"approve" -> decide, timing every request with time.perf_counter.

Engine part: the same BPMN file, initial data and form data on SpiffWorkflow alone, in memory, with
its default serializer and unrestricted script engine; each step is deserialize + complete + serialize.

Every HTTP status and every end state is asserted, so a broken run stops instead of reporting numbers.
"""
import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    PASSWORD,
    RESULTS_DIR,
    ROOT,
    Timings,
    check,
    environment,
    make_app,
    normalize_url,
    percentile,
    seed_agency,
)
from engine_alone import EngineAlone, run_engine
from payloads import CASE_PATH, submission
from run_cases_report import (
    compare_databases,
    comparison,
    print_engine,
    print_requests,
    print_targets,
    request_table,
    targets,
)

USERS = (("handler", "handler"), ("reviewer", "reviewer"), ("head", "head"))  # username, role

# ---------------------------------------------------------------- service: database and seed


def prepare_database(app) -> None:
    """PostgreSQL: drop and recreate the public schema. Then migrate, seed and commit."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    from review_service.unit_of_work import unit_of_work
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with unit_of_work():
                db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        with unit_of_work():
            seed_agency(USERS)  # handler, reviewer (a qualified legal reviewer), head
        db.session.remove()


# ---------------------------------------------------------------- service: driving cases over HTTP


class StatementCounter:
    """Counts the SQL statements the app's engine sends (on SQLite, BEGIN IMMEDIATE included)."""

    def __init__(self, app):
        from sqlalchemy import event

        from review_service.extensions import db
        self.count = 0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, _statement, _parameters, _context, _executemany):
        self.count += 1


class ServiceDriver:
    """One test client and bearer token per user; every request is timed and its status asserted."""

    def __init__(self, app):
        self.sql = StatementCounter(app)
        self.reset()
        self.headers: dict[str, dict] = {}
        self.clients: dict[str, object] = {}
        for username, _role in USERS:
            self.clients[username] = app.test_client()
            response = self.clients[username].post("/api/v1/auth/login",
                                                   json={"username": username, "password": PASSWORD})
            check(response, 200, f"login {username}")
            self.headers[username] = {"Authorization": f"Bearer {response.get_json()['token']}"}

    def reset(self) -> None:
        """Forget what was measured so far (after the warm-up)."""
        self.timings = Timings()
        self.statements: dict[str, list[int]] = {}  # SQL statements per request, by kind

    def request(self, kind: str, user: str, method: str, path: str, expect: int, body=None) -> dict:
        """Send one timed request as user; assert the status; return the JSON body."""
        client, before = self.clients[user], self.sql.count
        with self.timings.measure(kind):
            response = client.open(path, method=method, json=body, headers=self.headers[user])
        self.statements.setdefault(kind, []).append(self.sql.count - before)
        check(response, expect, f"{kind} {method} {path}")
        return response.get_json()

    def open_task_id(self, user: str, case_id: int, name: str) -> str:
        """GET the case (timed as get_case) and return the id of its one open task called name."""
        case = self.request("get_case", user, "GET", f"/api/v1/cases/{case_id}", 200)
        ids = [task["id"] for task in case["open_tasks"] if task["name"] == name]
        assert len(ids) == 1, f"case {case_id}: expected one open {name}, got {case['open_tasks']}"
        return ids[0]

    def drive_case(self, case_number: str) -> int:
        """Submit one case and complete every task of CASE_PATH; return the case id."""
        case = self.request("submit_case", "handler", "POST", "/api/v1/cases", 201, submission(case_number))
        assert case["review_required"] is True and case["status"] == "awaiting_acceptance", case
        for name, user, data in CASE_PATH:
            task_id = self.open_task_id(user, case["id"], name)
            task = self.request(f"complete:{name}", user, "POST", f"/api/v1/tasks/{task_id}/complete", 200,
                                {"data": data})
            assert task["status"] == "completed", task
        return case["id"]


def verify_cases(app, case_ids: list[int]) -> None:
    """Every driven case is decided, after two review rounds, with one decision on the approved round."""
    from sqlalchemy import func, select

    from review_service.cases.models import Case, Decision, Opinion
    from review_service.extensions import db
    with app.app_context():
        statuses = dict(db.session.execute(select(Case.status, func.count()).where(Case.id.in_(case_ids))
                                           .group_by(Case.status)).all())
        assert statuses == {"decided": len(case_ids)}, f"unexpected case statuses: {statuses}"
        opinions = db.session.scalar(select(func.count()).select_from(Opinion).where(Opinion.case_id.in_(case_ids)))
        decisions = db.session.scalar(select(func.count()).select_from(Decision)
                                      .where(Decision.case_id.in_(case_ids), Decision.passed_round == 2))
        assert opinions == 2 * len(case_ids) and decisions == len(case_ids), (opinions, decisions)
        db.session.remove()


def run_service(app, cases: int, warmup: int, profile_path: Path | None, engine: EngineAlone | None = None,
                other: "ServiceDriver | None" = None) -> dict:
    """Drive warm-up cases (not counted), then N timed cases; optionally under cProfile.

    engine: run one engine-alone case after each service case (interleaved), so both see the same
    machine conditions; its time is not part of the service's wall_seconds.
    other: a driver of a second app (the compared database): one case on it after each case here.
    """
    driver = ServiceDriver(app)
    for number in range(warmup):
        driver.drive_case(f"市监罚〔预热〕{number + 1}号")
        if engine is not None:
            engine.run_case(timed=False)
        if other is not None:
            other.drive_case(f"市监罚〔预热〕{number + 1}号")
    driver.reset()
    if other is not None:
        other.reset()
    profiler = cProfile.Profile() if profile_path else None
    case_ids, other_ids, wall = [], [], 0.0
    for number in range(cases):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        case_ids.append(driver.drive_case(f"市监罚〔2026〕{number + 1}号"))
        if profiler:
            profiler.disable()
        wall += time.perf_counter() - start
        if engine is not None:
            engine.run_case()
        if other is not None:
            other_ids.append(other.drive_case(f"市监罚〔2026〕{number + 1}号"))
    verify_cases(app, case_ids)
    if profiler:
        report_profile(profiler, profile_path)
    return {"timings": driver.timings, "statements": driver.statements, "wall_seconds": wall, "other_ids": other_ids}


def report_profile(profiler: cProfile.Profile, path: Path) -> None:
    """Save the stats and print the top review_service functions by cumulative time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    print(f"\n== cProfile of the service loop (saved to {path.relative_to(ROOT)}), review_service only")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"review_service[/\\](?!migrations)", 35)


# ---------------------------------------------------------------- report


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options; see --help."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed cases (default 200)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up cases first (default 1)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir; "
                        "postgresql://...: its public schema is DROPPED and recreated first")
    parser.add_argument("--compare-database-url",
                        help="also drive the same cases on this database (PostgreSQL; its schema public is DROPPED), "
                             "one case after each case on --database-url, and compare each step's p50 (<= 1.5x)")
    parser.add_argument("--json", type=Path, help="also write every number as JSON to this path")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the service loop; stats saved under bench/results/")
    parser.add_argument("--skip-engine", action="store_true", help="service part only")
    parser.add_argument("--engine-order", choices=("interleaved", "after"), default="interleaved",
                        help="interleaved (default): one engine-alone case after each service case; "
                             "after: all engine-alone cases after the service part (the order before 2026-12-02)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.warmup < 0:
        parser.error("--cases must be >= 1 and --warmup >= 0")
    return args


def benchmark_service(args, workdir: Path, engine: EngineAlone | None) -> tuple[dict, dict]:
    """Build and seed the app, drive the cases (with the engine-alone cases interleaved if given);
    return (environment, service results)."""
    url = normalize_url(args.database_url or f"sqlite:///{workdir / 'bench.db'}")
    env = environment(url)
    print(f"database {env['database']} | revision {env['revision']} | python {env['python']} | "
          f"SpiffWorkflow {env['spiffworkflow']} | {env['cpu_count']} CPUs | load {env['load_average'][0]:.2f}",
          flush=True)
    app = make_app(url, workdir)
    prepare_database(app)
    other_app = other = None
    if args.compare_database_url:
        other_url = normalize_url(args.compare_database_url)
        env["compared_database"] = environment(other_url)["database"]
        print(f"compared with database {env['compared_database']} (one case there after each case here)", flush=True)
        other_app = make_app(other_url, workdir / "other")
        prepare_database(other_app)
        other = ServiceDriver(other_app)
    profile_path = RESULTS_DIR / f"profile-{env['backend']}.pstats" if args.profile else None
    try:
        result = run_service(app, args.cases, args.warmup, profile_path, engine, other)
        if other is not None:
            verify_cases(other_app, result["other_ids"])
            result["other"] = {"timings": other.timings, "statements": other.statements}
        return env, result
    finally:
        from review_service.extensions import db
        for each in (app, other_app):
            if each is not None:
                with each.app_context():
                    db.engine.dispose()


def main(argv=None) -> int:
    """Run the service part, then the engine part, print the tables and targets, write JSON if asked."""
    args = parse_args(argv)
    interleaved = EngineAlone() if not args.skip_engine and args.engine_order == "interleaved" else None
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        env, service = benchmark_service(args, Path(tmp), interleaved)
    timings: Timings = service["timings"]
    completion_p95 = percentile(timings.completions(), 95) * 1000
    summary = {"requests": request_table(timings, service["statements"]), "wall_seconds": service["wall_seconds"],
               "seconds_per_case": service["wall_seconds"] / args.cases,
               "cases_per_second": args.cases / service["wall_seconds"], "completion_p95_ms": completion_p95,
               "completion_p50_first_last_quarter_ms": timings.drift()}
    print_requests(summary["requests"], summary, args.cases)
    result = {"environment": env, "cases": args.cases, "warmup": args.warmup, "profiled": args.profile,
              "engine_order": None if args.skip_engine else args.engine_order,
              "service": {**summary, "samples_ms": timings.raw_ms()}}
    if not args.skip_engine:
        engine = interleaved.timings if interleaved is not None else run_engine(args.cases, args.warmup)
        rows = comparison(timings, engine)
        print_engine(request_table(engine), rows, args.engine_order)
        result.update(engine={"steps": request_table(engine), "samples_ms": engine.raw_ms()}, comparison=rows,
                      targets=targets(rows, completion_p95, env["backend"]))
        print_targets(result["targets"], args.profile)
    if "other" in service:
        result["database_comparison"] = compare_databases(timings, service["other"], env)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    missed = any(t["met"] is False for t in result.get("targets", {}).values())
    missed |= result.get("database_comparison", {}).get("met") is False
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
