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
import copy
import cProfile
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from datetime import date
from contextlib import contextmanager
from importlib.metadata import version as package_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
BPMN_FILE = ROOT / "workflows" / "default" / "legal_review.bpmn"
PROCESS_ID = "legal_review"
PASSWORD = "bench password 2026"
AGENCY = ("city", "市市场监督管理局", "city")  # code, name, level
USERS = (("handler", "handler"), ("reviewer", "reviewer"), ("head", "head"))  # username, role
MAX_RATIO = 3.0  # target: a task completion costs at most 3x the engine-alone step
MAX_P95_MS = 30.0  # target: p95 of task completion on SQLite, 2 cores

# ---------------------------------------------------------------- payloads (see tests/helpers.py, forms/)

CHECKLIST_POINTS = ("subject_and_qualification", "procedure", "facts_and_evidence",
                    "legal_basis_and_discretion", "authority", "documents", "crime_referral")


def submission(case_number: str) -> dict:
    """A case file that requires legal review (fine of 150,000 yuan)."""
    return {
        "case_number": case_number,
        "title": "某公司销售不合格产品案",
        "decision_type": "administrative_penalty",
        "party": {"type": "legal_person", "name": "某某贸易有限公司"},
        "facts": "当事人销售不合格电线电缆。",
        "legal_basis": "《产品质量法》第四十九条",
        "proposed_decision": "没收违法所得二万元，并处罚款十五万元。",
        "fine_amount": 150000,
        "confiscation_amount": 20000,
        "sanctions": [],
        "hearing_held": False,
        "filed_on": "2026-09-01",
        "materials": [{"name": "调查终结报告", "category": "investigation_report"},
                      {"name": "行政处罚决定书（代拟稿）", "category": "decision_draft"}],
    }


def review(opinion: str) -> dict:
    """A review_case form: every checklist point passes, except one when opinion is 'issues'."""
    checklist = {point: {"verdict": "pass"} for point in CHECKLIST_POINTS}
    data = {"checklist": checklist, "opinion": opinion, "opinion_text": "经审核，" + opinion}
    if opinion == "issues":
        checklist["legal_basis_and_discretion"] = {"verdict": "issue", "note": "裁量过重"}
        data["suggestions"] = ["罚款数额超出裁量基准，建议调整"]
    return data


CORRECTION = {"action": "correct", "correction_summary": "已按审核意见将罚款调整为十万元。",
              "updated": {"fine_amount": 100000, "proposed_decision": "没收违法所得二万元，并处罚款十万元。"}}
DECISION = {"decision_text": "没收违法所得二万元，并处罚款十万元。", "decided_on": "2026-10-20",
            "document_number": "市监罚决〔2026〕1号"}
PUBLICATION = {"published": True, "published_on": "2026-10-22", "platform": "国家企业信用信息公示系统"}
ARCHIVING = {"archived_on": "2026-10-30", "archive_number": "2026-永久-001"}

# The realistic path with one correction round: (task name, user who completes it, form data).
CASE_PATH = (
    ("accept_submission", "reviewer", {"result": "accept"}),
    ("review_case", "reviewer", review("issues")),
    ("respond_to_opinion", "handler", CORRECTION),
    ("review_case", "reviewer", review("approve")),
    ("record_decision", "head", DECISION),
    ("publish_decision", "handler", PUBLICATION),
    ("archive_case", "handler", ARCHIVING),
)


def engine_initial_data(case_file: dict) -> dict:
    """What review_service/cases/workflow.py workflow_data() gives the engine for this case file."""
    return {
        "review_required": True,
        "case": {"agency_code": AGENCY[0], "decision_type": case_file["decision_type"],
                 "party_type": case_file["party"]["type"], "fine_amount": float(case_file["fine_amount"]),
                 "confiscation_amount": float(case_file["confiscation_amount"]),
                 "sanctions": list(case_file["sanctions"]), "hearing_held": case_file["hearing_held"],
                 "filed_on": case_file["filed_on"], "complexity": {}},
    }


# ---------------------------------------------------------------- statistics


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def summarize(seconds: list[float]) -> dict:
    """count, p50, p95 and max in milliseconds."""
    return {"count": len(seconds), "p50_ms": percentile(seconds, 50) * 1000,
            "p95_ms": percentile(seconds, 95) * 1000, "max_ms": max(seconds) * 1000}


class Timings:
    """Samples in seconds, grouped by kind (submit_case, get_case, complete:<task name>, ...)."""

    def __init__(self):
        self.samples: dict[str, list[float]] = {}
        self.order: list[tuple[str, float]] = []  # every sample, in the order taken

    @contextmanager
    def measure(self, kind: str):
        """Time the with-block as one sample of kind."""
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.samples.setdefault(kind, []).append(elapsed)
        self.order.append((kind, elapsed))

    def completions(self, prefix: str = "complete:") -> list[float]:
        """Every sample whose kind starts with prefix (all task completions by default)."""
        return [s for kind, values in self.samples.items() if kind.startswith(prefix) for s in values]

    def raw_ms(self) -> dict[str, list[float]]:
        """Every sample in ms, by kind (for the JSON output)."""
        return {kind: [round(s * 1000, 4) for s in values] for kind, values in self.samples.items()}

    def drift(self, prefix: str = "complete:") -> tuple[float, float]:
        """p50 in ms of the first and the last quarter of completions: growth hints at per-row work."""
        values = [seconds for kind, seconds in self.order if kind.startswith(prefix)]
        quarter = max(1, len(values) // 4)
        return percentile(values[:quarter], 50) * 1000, percentile(values[-quarter:], 50) * 1000


# ---------------------------------------------------------------- service: database and seed


def normalize_url(url: str) -> str:
    """The service ships psycopg 3 only; accept the plain postgresql:// scheme like config.py does."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_app(url: str, workdir: Path):
    """create_app() on the given database with a cheap password hash (seeding stays fast)."""
    from review_service import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "ATTACHMENTS_DIR": workdir / "attachments",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def prepare_database(app) -> None:
    """PostgreSQL: drop and recreate the public schema. Then migrate, seed and commit."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        seed()
        db.session.commit()
        db.session.remove()


def seed() -> None:
    """One agency, its handler, reviewer and head, and the published default process."""
    from review_service.accounts.service import create_user
    from review_service.agencies.models import Agency
    from review_service.extensions import db
    from review_service.processes.service import publish_default_version
    from review_service.staff.models import StaffMember

    code, name, level = AGENCY
    agency = Agency(code=code, name=name, level=level)
    db.session.add(agency)
    db.session.flush()
    for username, role in USERS:
        user = create_user(agency_id=agency.id, username=username, full_name=username, password=PASSWORD,
                           roles=[role])
        if role == "reviewer":  # a registered, qualified legal reviewer (see review_service/staff)
            db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=username, user_id=user.id,
                                       legal_qualification_no="A20190000001", valid_from=date(2020, 1, 1)))
    publish_default_version()


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


def check(response, expect: int, what: str) -> None:
    """Stop the run on an unexpected HTTP status, showing the error body."""
    if response.status_code != expect:
        raise AssertionError(f"{what}: HTTP {response.status_code}, expected {expect}: "
                             f"{response.get_data(as_text=True)[:2000]}")


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


def run_service(app, cases: int, warmup: int, profile_path: Path | None) -> dict:
    """Drive warm-up cases (not counted), then N timed cases; optionally under cProfile."""
    driver = ServiceDriver(app)
    for number in range(warmup):
        driver.drive_case(f"市监罚〔预热〕{number + 1}号")
    driver.reset()
    profiler = cProfile.Profile() if profile_path else None
    case_ids = []
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    for number in range(cases):
        case_ids.append(driver.drive_case(f"市监罚〔2026〕{number + 1}号"))
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - start
    verify_cases(app, case_ids)
    if profiler:
        report_profile(profiler, profile_path)
    return {"timings": driver.timings, "statements": driver.statements, "wall_seconds": wall}


def report_profile(profiler: cProfile.Profile, path: Path) -> None:
    """Save the stats and print the top review_service functions by cumulative time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    print(f"\n== cProfile of the service loop (saved to {path.relative_to(ROOT)}), review_service only")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"review_service[/\\](?!migrations)", 35)


# ---------------------------------------------------------------- engine alone (SpiffWorkflow in memory)


def parse_bpmn():
    """(spec, subprocess specs) of legal_review.bpmn, parsed once with XSD validation."""
    from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    return parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)


def default_serializer():
    """SpiffWorkflow's own serializer with the Spiff config (spec included in every state)."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def engine_start(spec, subprocess_specs, serializer, data: dict) -> str:
    """Start an instance with the service's initial data, run to the first user task, serialize."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    workflow = BpmnWorkflow(spec, subprocess_specs)  # default, unrestricted script engine
    workflow.data.update(copy.deepcopy(data))
    workflow.task_tree.data.update(copy.deepcopy(data))
    workflow.do_engine_steps()
    return serializer.serialize_json(workflow)


def engine_step(serializer, state: str, name: str, data: dict):
    """Deserialize, complete the READY user task called name with data, run on, serialize."""
    from SpiffWorkflow.util.task import TaskState
    workflow = serializer.deserialize_json(state)
    ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name]
    assert len(ready) == 1, f"engine: expected one READY {name}, got {ready}"
    ready[0].data[name] = copy.deepcopy(data)
    ready[0].run()
    workflow.do_engine_steps()
    return serializer.serialize_json(workflow), workflow


def engine_case(spec, subprocess_specs, serializer, timings: Timings, case_file: dict) -> None:
    """One instance along CASE_PATH, each step timed under engine:<task name>."""
    with timings.measure("engine:start"):
        state = engine_start(spec, subprocess_specs, serializer, engine_initial_data(case_file))
    workflow = None
    for name, _user, data in CASE_PATH:
        with timings.measure(f"engine:{name}"):
            state, workflow = engine_step(serializer, state, name, data)
    assert workflow.is_completed() and finished_on(workflow) == "end_decided", "engine: did not reach end_decided"


def finished_on(workflow) -> str | None:
    """The BPMN id of the end event a completed instance reached."""
    from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
    from SpiffWorkflow.util.task import TaskState
    ends = workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
    return max(ends, key=lambda t: t.last_state_change).task_spec.name if ends else None


def run_engine(cases: int, warmup: int) -> Timings:
    """Parse once, then warm-up runs (not counted) and N timed runs of the same path."""
    spec, subprocess_specs = parse_bpmn()
    serializer = default_serializer()
    case_file = submission("engine")
    for _ in range(warmup):
        engine_case(spec, subprocess_specs, serializer, Timings(), case_file)
    timings = Timings()
    for _ in range(cases):
        engine_case(spec, subprocess_specs, serializer, timings, case_file)
    return timings


# ---------------------------------------------------------------- report


def request_table(timings: Timings, statements: dict | None = None) -> dict:
    """Summary per request kind, in the order first seen; with the median SQL statement count if given."""
    table = {kind: summarize(values) for kind, values in timings.samples.items()}
    for kind, counts in (statements or {}).items():
        table[kind]["sql_statements_p50"] = percentile(counts, 50)
    return table


def comparison(service: Timings, engine: Timings) -> dict:
    """Per task name and overall: service p50, engine p50 and their ratio."""
    rows = {}
    for name in dict.fromkeys(name for name, _user, _data in CASE_PATH):
        service_p50 = percentile(service.samples[f"complete:{name}"], 50) * 1000
        engine_p50 = percentile(engine.samples[f"engine:{name}"], 50) * 1000
        rows[name] = {"service_p50_ms": service_p50, "engine_p50_ms": engine_p50, "ratio": service_p50 / engine_p50}
    service_all = percentile(service.completions(), 50) * 1000
    engine_all = percentile(_engine_steps(engine), 50) * 1000
    rows["(all completions)"] = {"service_p50_ms": service_all, "engine_p50_ms": engine_all,
                                 "ratio": service_all / engine_all}
    return rows


def _engine_steps(engine: Timings) -> list[float]:
    """Engine samples of task completions only (the start step has no service counterpart here)."""
    return [s for kind, values in engine.samples.items() if kind != "engine:start" for s in values]


def targets(rows: dict, completion_p95_ms: float, backend: str) -> dict:
    """Whether each project target is met; the p95 target is defined for SQLite only."""
    worst = max((name for name in rows if not name.startswith("(")), key=lambda n: rows[n]["ratio"])
    ratio_ok = all(row["ratio"] <= MAX_RATIO for row in rows.values())
    p95_ok = completion_p95_ms < MAX_P95_MS if backend == "sqlite" else None
    return {"ratio": {"limit": MAX_RATIO, "met": ratio_ok, "worst_task": worst, "worst_ratio": rows[worst]["ratio"]},
            "completion_p95": {"limit_ms": MAX_P95_MS, "value_ms": completion_p95_ms, "met": p95_ok,
                               "cpu_count": os.cpu_count(), "backend": backend}}


def print_requests(table: dict, service: dict, cases: int) -> None:
    """The per-request table, throughput and completion p95 of the service run."""
    print(f"\n== service: {cases} cases through the HTTP API (times in ms; login excluded; sql = statements)")
    print(f"{'request':<32}{'count':>7}{'p50':>9}{'p95':>9}{'max':>9}{'sql':>6}")
    for kind, row in table.items():
        print(f"{kind:<32}{row['count']:>7}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['max_ms']:>9.2f}"
              f"{row['sql_statements_p50']:>6}")
    wall = service["wall_seconds"]
    print(f"driving loop: {wall:.2f} s = {wall / cases * 1000:.1f} ms per case = {cases / wall:.2f} cases/s")
    print(f"p95 over all task completions: {service['completion_p95_ms']:.2f} ms")
    first, last = service["completion_p50_first_last_quarter_ms"]
    print(f"completion p50, first vs last quarter of the run: {first:.2f} vs {last:.2f} ms")


def print_engine(table: dict, rows: dict) -> None:
    """The engine-alone table and the service / engine comparison per task."""
    print("\n== engine alone: SpiffWorkflow in memory, default serializer (load + complete + save), ms")
    print(f"{'step':<32}{'count':>7}{'p50':>9}{'p95':>9}{'max':>9}")
    for kind, row in table.items():
        print(f"{kind:<32}{row['count']:>7}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['max_ms']:>9.2f}")
    print(f"\n{'task completion':<32}{'service p50':>12}{'engine p50':>12}{'ratio':>8}")
    for name, row in rows.items():
        print(f"{name:<32}{row['service_p50_ms']:>12.2f}{row['engine_p50_ms']:>12.2f}{row['ratio']:>7.1f}x")


def print_targets(result: dict, profiled: bool) -> None:
    """One line per project target: MET, MISSED or n/a, with the number behind it."""
    ratio, p95 = result["ratio"], result["completion_p95"]
    verdict = {True: "MET", False: "MISSED", None: "n/a"}
    print("\n== targets" + (" (timings inflated by cProfile: not a fair verdict)" if profiled else ""))
    print(f"task completion <= {ratio['limit']:.0f}x engine alone (p50, every task and overall): "
          f"{verdict[ratio['met']]} (worst: {ratio['worst_task']} {ratio['worst_ratio']:.1f}x)")
    note = "" if p95["backend"] == "sqlite" else f" (defined for SQLite; this run: {p95['backend']})"
    if p95["backend"] == "sqlite" and p95["cpu_count"] != 2:
        note = f" (defined for 2 cores; this machine has {p95['cpu_count']})"
    print(f"p95 of task completion < {p95['limit_ms']:.0f} ms: {verdict[p95['met']]} "
          f"({p95['value_ms']:.2f} ms){note}")


# ---------------------------------------------------------------- main


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options; see --help."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed cases (default 200)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up cases first (default 1)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir; "
                        "postgresql://...: its public schema is DROPPED and recreated first")
    parser.add_argument("--json", type=Path, help="also write every number as JSON to this path")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the service loop; stats saved under bench/results/")
    parser.add_argument("--skip-engine", action="store_true", help="service part only")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.warmup < 0:
        parser.error("--cases must be >= 1 and --warmup >= 0")
    return args


def _git(*args: str) -> str:
    """Output of a read-only git command in the project."""
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def git_revision() -> str:
    """HEAD's short hash, plus '+dirty' when the measured code (service, workflows, forms) has local changes."""
    try:
        dirty = _git("status", "--porcelain", "--", "review_service", "workflows", "forms")
        return _git("rev-parse", "--short", "HEAD") + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def environment(url: str) -> dict:
    """Where the numbers come from: database (password hidden), code revision, versions, CPUs, load."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    return {"database": parsed.render_as_string(hide_password=True), "backend": parsed.get_backend_name(),
            "revision": git_revision(), "python": platform.python_version(),
            "spiffworkflow": package_version("SpiffWorkflow"), "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg()}


def benchmark_service(args, workdir: Path) -> tuple[dict, dict]:
    """Build and seed the app, drive the cases; return (environment, service results)."""
    url = normalize_url(args.database_url or f"sqlite:///{workdir / 'bench.db'}")
    env = environment(url)
    print(f"database {env['database']} | revision {env['revision']} | python {env['python']} | "
          f"SpiffWorkflow {env['spiffworkflow']} | {env['cpu_count']} CPUs | load {env['load_average'][0]:.2f}",
          flush=True)
    app = make_app(url, workdir)
    prepare_database(app)
    profile_path = RESULTS_DIR / f"profile-{env['backend']}.pstats" if args.profile else None
    try:
        return env, run_service(app, args.cases, args.warmup, profile_path)
    finally:
        from review_service.extensions import db
        with app.app_context():
            db.engine.dispose()


def main(argv=None) -> int:
    """Run the service part, then the engine part, print the tables and targets, write JSON if asked."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        env, service = benchmark_service(args, Path(tmp))
    timings: Timings = service["timings"]
    completion_p95 = percentile(timings.completions(), 95) * 1000
    summary = {"requests": request_table(timings, service["statements"]), "wall_seconds": service["wall_seconds"],
               "seconds_per_case": service["wall_seconds"] / args.cases,
               "cases_per_second": args.cases / service["wall_seconds"], "completion_p95_ms": completion_p95,
               "completion_p50_first_last_quarter_ms": timings.drift()}
    print_requests(summary["requests"], summary, args.cases)
    result = {"environment": env, "cases": args.cases, "warmup": args.warmup, "profiled": args.profile,
              "service": {**summary, "samples_ms": timings.raw_ms()}}
    if not args.skip_engine:
        engine = run_engine(args.cases, args.warmup)
        rows = comparison(timings, engine)
        print_engine(request_table(engine), rows)
        result.update(engine={"steps": request_table(engine), "samples_ms": engine.raw_ms()}, comparison=rows,
                      targets=targets(rows, completion_p95, env["backend"]))
        print_targets(result["targets"], args.profile)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    missed = any(t["met"] is False for t in result.get("targets", {}).values())
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
