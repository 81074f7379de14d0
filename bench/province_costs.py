"""Flat costs on a province-sized database (issue 18): the same requests on an EMPTY and the FULL database.

    .venv/bin/python bench/province_costs.py                        # full: h_scale_province (bench/province_data.py)
    .venv/bin/python bench/province_costs.py --samples 60 --json bench/results/province_costs.json

EMPTY is rebuilt on every run (schema public of --empty-url is DROPPED): freshly migrated, the same
agency tree and staff as bench/province_data.py (3,001 agencies, 60,020 users and staff members; the
5% rule and the dashboard need a tree) and only a few cases through the service. FULL is the database
province_data.py built (500,000 cases), left as it is but for the cases the completion part adds.

Each database is served by a real gunicorn (docker/gunicorn.conf.py, one worker) on loopback and asked
over keep-alive HTTP (bench/multi_node_http.py); every status is checked. Targets (MET/MISSED each):
inbox p95 <= 20 ms; GET /api/v1/cases/{id} and task completion p50 <= 1.2 x EMPTY; case search by
number, title and party (every tenth a broad text, BROAD_TEXTS) p95 <= 100 ms; dashboard p95 <= 500 ms for
a city, <= 1 s for the province; the province's staffing report (rollup) p95 <= 500 ms.
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
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, ROOT, create_database_if_missing, environment, make_app, normalize_url, percentile
from multi_node_http import Node, NodeClient
from multi_node_procs import BIN, child_env, free_port
from payloads import CASE_PATH, submission
from province_data import TEMPLATE_AGENCY, Templates, reset_schema, seed_people, user_id

EMPTY_URL = "postgresql://postgres@127.0.0.1:5432/h_scale_empty"
FULL_URL = "postgresql://postgres@127.0.0.1:5432/h_scale_province"
CITY, PROVINCE = 2, 1  # agency ids: the first city (99 county agencies below it), the province
# name, what is timed, statistic, limit (ms, or a ratio to EMPTY when relative)
TARGETS = (("inbox", "GET /api/v1/tasks (reviewer, handler)", 95, 20.0, False),
           ("get_case", "GET /api/v1/cases/{id}", 50, 1.2, True),
           ("complete", "POST /api/v1/tasks/{id}/complete (whole path)", 50, 1.2, True),
           ("search", "GET /api/v1/cases?q= number / title / party", 95, 100.0, False),
           ("dashboard_city", "GET /api/v1/dashboard (city supervisor)", 95, 500.0, False),
           ("dashboard_province", "GET /api/v1/dashboard (province supervisor)", 95, 1000.0, False),
           ("staffing_province", "GET /api/v1/agencies/P/staffing?rollup=true", 95, 500.0, False))


def build_empty(url: str, workdir: Path) -> None:
    """Migrated, agencies and staff, one template case per step of the path (and one needing no review)."""
    create_database_if_missing(url)
    app = make_app(url, workdir)
    reset_schema(app)
    seed_people(app)
    driver = Templates(app)
    for steps in range(-1, len(CASE_PATH) + 1):
        driver.drive(f"空库〔{steps}〕1号", steps)
    from review_service.extensions import db
    with app.app_context():
        db.engine.dispose()


class Server:
    """One gunicorn node (one worker) on a free loopback port; a context manager."""

    def __init__(self, database_url: str, workdir: Path, logfile: Path):
        self.node = Node("127.0.0.1", free_port())
        self.env = child_env(database_url, workdir, "web", REVIEW_WEB_BIND=f"127.0.0.1:{self.node.port}",
                             REVIEW_WEB_WORKERS="1", REVIEW_LOG_LEVEL="WARNING")
        self.logfile = logfile

    def __enter__(self) -> "Server":
        log = self.logfile.open("w")  # the process owns it
        self.proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "docker/gunicorn.conf.py",
                                      "review_service:create_app()"], env=self.env, cwd=ROOT, stdout=log,
                                     stderr=subprocess.STDOUT)
        client, deadline = NodeClient([self.node], {}), time.monotonic() + 60
        while True:
            try:
                if client.send(None, "GET", "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.__exit__()
                raise RuntimeError(f"server not ready, see {self.logfile}")
            time.sleep(0.2)
        client.close()
        return self

    def __exit__(self, *_exc) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


class Session:
    """Logged-in users of one server; timed requests by kind."""

    def __init__(self, node: Node, users: dict[str, int]):
        self.client = NodeClient([node], {})
        for name, uid in users.items():
            status, body = self.client.send(None, "POST", "/api/v1/auth/login",
                                            {"username": username_of(uid), "password": PASSWORD})
            assert status == 200, body
            self.client.tokens[name] = body["token"]
        self.samples: dict[str, list[float]] = {}

    def call(self, user: str, method: str, path: str, body=None, expect: int = 200, kind: str | None = None):
        start = time.perf_counter()
        status, answer = self.client.send(user, method, path, body)
        elapsed = time.perf_counter() - start
        assert status == expect, f"{method} {path}: HTTP {status}: {str(answer)[:500]}"
        if kind:
            self.samples.setdefault(kind, []).append(elapsed)
        return answer


def username_of(uid: int) -> str:
    agency, slot = divmod(uid - 1, 20)
    return f"u{agency + 1}_{slot}"


USERS = {"handler": user_id(TEMPLATE_AGENCY, 3), "reviewer": user_id(TEMPLATE_AGENCY, 1),
         "reviewer2": user_id(TEMPLATE_AGENCY, 2), "head": user_id(TEMPLATE_AGENCY, 0),
         "city": user_id(CITY, 18), "province": user_id(PROVINCE, 18)}


# Every tenth search (by the province) is a broad text real users type, matching a large share of the cases
# (贸易有限公司: 100,849 of 500,080); the others are texts of random cases.
BROAD_TEXTS = ("贸易有限公司", "有限公司", "案")


def probes(url: str, count: int) -> dict:
    """Case ids of the template agency, and search texts taken from random cases of the database."""
    from sqlalchemy import create_engine, text
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        ids = conn.scalars(text("SELECT id FROM cases WHERE agency_id = :a ORDER BY random() LIMIT :n"),
                           {"a": TEMPLATE_AGENCY, "n": count}).all()
        rows = conn.execute(text("SELECT case_number, title, party_name FROM cases TABLESAMPLE SYSTEM (1) "
                                 "ORDER BY random() LIMIT :n"), {"n": count}).all()
        if len(rows) < 3:
            rows = conn.execute(text("SELECT case_number, title, party_name FROM cases ORDER BY random() LIMIT :n"),
                                {"n": count}).all()
    engine.dispose()
    texts = [q for number, title, party in rows for q in (number, title[1:-1], party)]
    return {"case_ids": list(ids), "texts": texts}


def measure(session: Session, found: dict, samples: int, cases: int) -> None:
    """Every timed request; a warm-up round of each kind first (not counted)."""
    for _ in range(2):
        session.call("reviewer", "GET", "/api/v1/tasks")
        session.call("handler", "GET", f"/api/v1/cases/{found['case_ids'][0]}")
        session.call("province", "GET", "/api/v1/cases?q=" + quote(found["texts"][0]))
    for number in range(samples):
        session.call(("reviewer", "handler")[number % 2], "GET", "/api/v1/tasks", kind="inbox")
        case_id = found["case_ids"][number % len(found["case_ids"])]
        session.call("handler", "GET", f"/api/v1/cases/{case_id}", kind="get_case")
        text = (BROAD_TEXTS[number // 10 % len(BROAD_TEXTS)] if number % 10 == 8
                else found["texts"][number % len(found["texts"])])
        session.call(("province", "handler")[number % 2], "GET", "/api/v1/cases?q=" + quote(text), kind="search")
    for _ in range(max(samples // 6, 3)):
        session.call("city", "GET", "/api/v1/dashboard", kind="dashboard_city")
        session.call("province", "GET", "/api/v1/dashboard", kind="dashboard_province")
        session.call("province", "GET", "/api/v1/agencies/P/staffing?rollup=true", kind="staffing_province")
    for number in range(cases):
        drive_case(session, f"成本〔{os.getpid()}〕{time.time_ns()}-{number}号")


def drive_case(session: Session, case_number: str) -> None:
    """Submit a case (not timed) and complete CASE_PATH, timing each completion."""
    case = session.call("handler", "POST", "/api/v1/cases", submission(case_number), expect=201)
    for name, _role, data in CASE_PATH:
        current = session.call("handler", "GET", f"/api/v1/cases/{case['id']}")
        task = next(t for t in current["open_tasks"] if t["name"] == name)
        by_id = {USERS[k]: k for k in ("handler", "reviewer", "reviewer2", "head")}
        by_role = {"head": "head", "reviewer": "reviewer"}.get(task["role"], "handler")
        holder = by_id.get((task.get("assignee") or {}).get("id"), by_role)
        session.call(holder, "POST", f"/api/v1/tasks/{task['id']}/complete", {"data": data}, kind="complete")


def run_one(url: str, workdir: Path, samples: int, cases: int, label: str) -> dict:
    found = probes(url, max(samples, 10))
    load = os.getloadavg()
    with Server(url, workdir, workdir / f"{label}.log") as server:
        session = Session(server.node, USERS)
        measure(session, found, samples, cases)
        session.client.close()
    return {"load_average": load, "samples_ms": {k: [s * 1000 for s in v] for k, v in session.samples.items()}}


def verdicts(empty: dict, full: dict) -> list[dict]:
    rows = []
    for key, what, pct, limit, relative in TARGETS:
        e, f = (percentile(run["samples_ms"][key], pct) for run in (empty, full))
        value = f / e if relative else f
        rows.append({"target": key, "what": what, "statistic": f"p{pct}", "empty_ms": e, "full_ms": f,
                     "ratio": f / e, "limit": f"<= {limit}x empty" if relative else f"<= {limit:g} ms",
                     "met": value <= limit, "samples": len(full["samples_ms"][key]),
                     "load": (empty["load_average"][0], full["load_average"][0])})
    return rows


def markdown(rows: list[dict]) -> str:
    """One small table per target, as bench/README.md shows them."""
    parts = []
    for row in rows:
        verdict = "MET" if row["met"] else "MISSED"
        parts.append(f"**{row['target']}**: {row['what']}, {row['statistic']} over {row['samples']} requests\n\n"
                     "| empty ms | full ms | full / empty | target | verdict | load (empty / full run) |\n"
                     "|---------:|--------:|-------------:|--------|---------|-------------------------|\n"
                     f"| {row['empty_ms']:.1f} | {row['full_ms']:.1f} | {row['ratio']:.2f} | {row['limit']} | "
                     f"{verdict} | {row['load'][0]:.1f} / {row['load'][1]:.1f} |\n")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--empty-url", default=EMPTY_URL)
    parser.add_argument("--full-url", default=FULL_URL)
    parser.add_argument("--samples", type=int, default=60, help="inbox / get case / search requests per database")
    parser.add_argument("--cases", type=int, default=6, help="cases driven through the whole path per database")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", action="store_true", help="also print one table per target (bench/README.md)")
    args = parser.parse_args()
    random.seed(18)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        build_empty(normalize_url(args.empty_url), workdir)
        empty = run_one(args.empty_url, workdir, args.samples, args.cases, "empty")
        full = run_one(args.full_url, workdir, args.samples, args.cases, "full")
    rows = verdicts(empty, full)
    print(json.dumps({k: v for k, v in environment(normalize_url(args.full_url)).items() if k != "database"}))
    print(f"{'target':20} {'stat':4} {'empty ms':>9} {'full ms':>9} {'ratio':>6} {'limit':>16}  verdict  load e/f")
    for row in rows:
        print(f"{row['target']:20} {row['statistic']:4} {row['empty_ms']:9.1f} {row['full_ms']:9.1f} "
              f"{row['ratio']:6.2f} {row['limit']:>16}  {'MET   ' if row['met'] else 'MISSED'}   "
              f"{row['load'][0]:.1f}/{row['load'][1]:.1f}")
    if args.markdown:
        print(markdown(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "empty": empty, "full": full}, indent=1, default=str))


if __name__ == "__main__":
    main()
