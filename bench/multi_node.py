"""Several nodes for real: 2 gunicorn web nodes and 2 workers on one PostgreSQL, N whole cases at once.

From the project root:
    .venv/bin/python bench/multi_node.py                     # short run (20 cases), as in .ci/run
    .venv/bin/python bench/multi_node.py --cases 200         # the full run
    .venv/bin/python bench/multi_node.py --cases 200 --database-url postgresql://postgres@127.0.0.1:5432/mine

Preparation: the database's public schema is DROPPED and recreated, `flask db upgrade` runs as its own
step (as the compose file's migrate service does), one agency gets a handler, a qualified reviewer, a
head, a review head and a supervisor, and the default process is published. Then two web nodes
(`gunicorn -c docker/gunicorn.conf.py`, each with REVIEW_WEB_WORKERS processes and its own
PROMETHEUS_MULTIPROC_DIR) and two `flask review worker` processes start on free ports.

Driving: --threads threads take cases from a queue and walk each along the whole path (submit, accept,
review "issues", correct, review "approve", decide, publish, archive) over HTTP, sending each request
to the other node than the one before. Every --overdue-every-th case has its review deadline moved
to yesterday right after submission (under the case lock, with the service's own schedule_alerts,
the breach job made due now): its thread waits (in SQL) until a worker has flagged it overdue, sees it
over HTTP once, then goes on, while the other threads keep completing tasks. A monitor thread scrapes
/metrics of both nodes, once per 4 driver requests. --warmup cases run first, unmeasured.

CPU per request against a single SQLite process (issue 18, item 6): see multi_node_cpu.py.

Checked afterwards with SQL (any violation: exit status 1): see multi_node_checks.py.
"""
import argparse
import json
import os
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_DIR, Timings, environment, normalize_url, percentile, summarize
from multi_node_checks import verify
from multi_node_cpu import print_cpu
from multi_node_http import Node, NodeClient
from multi_node_procs import Cluster, migrate_and_seed
from payloads import CASE_PATH, submission

from review_service.china_time import today_in_china

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"  # the database `make test` uses (and empties)
USERS = (("handler", "handler"), ("reviewer", "reviewer"), ("head", "head"), ("review_head", "review_head"),
         ("supervisor", "supervisor"))  # username, role


# ---------------------------------------------------------------- one case, one thread


def case_path() -> tuple:
    """CASE_PATH with today's (Beijing) decision, publication and archiving dates: the publication and
    archiving deadlines then lie ahead, and only the deadlines this script makes fire do fire."""
    today = today_in_china().isoformat()
    dated = {"record_decision": "decided_on", "publish_decision": "published_on", "archive_case": "archived_on"}
    return tuple((name, user, {**data, dated[name]: today} if name in dated else data)
                 for name, user, data in CASE_PATH)


class CaseDriver:
    """Drives cases for one thread; alternates the two nodes request by request."""

    def __init__(self, nodes: list[Node], tokens: dict[str, str], cluster: Cluster, overdue_every: int,
                 timeout: float):
        self.client, self.on_request = NodeClient(nodes, tokens), cluster.note_request
        self.timings = Timings()
        self.backdate, self.review_overdue = cluster.backdate, cluster.review_overdue
        self.overdue_every, self.timeout = overdue_every, timeout
        self.fire_seconds: list[float] = []
        self.path = case_path()

    def request(self, kind: str, user: str, method: str, path: str, expect: int, body=None) -> dict:
        with self.timings.measure(kind):
            status, data = self.client.send(user, method, path, body)
        self.on_request()
        if status != expect:
            raise AssertionError(f"{kind} {method} {path}: HTTP {status}, expected {expect}: {str(data)[:1000]}")
        return data

    def drive(self, number: int) -> tuple[int, bool]:
        """Submit case `number`, maybe make its deadline fire, complete every task; return (id, overdue)."""
        case = self.request("submit_case", "handler", "POST", "/api/v1/cases", 201,
                            submission(f"市监罚〔2026〕多节点{number}号"))
        overdue = self.overdue_every > 0 and number % self.overdue_every == 0
        if overdue:
            self.wait_until_overdue(case["id"])
        for name, user, data in self.path:
            current = self.request("get_case", user, "GET", f"/api/v1/cases/{case['id']}", 200)
            ids = [task["id"] for task in current["open_tasks"] if task["name"] == name]
            assert len(ids) == 1, f"case {case['id']}: expected one open {name}, got {current['open_tasks']}"
            self.request(f"complete:{name}", user, "POST", f"/api/v1/tasks/{ids[0]}/complete", 200, {"data": data})
        return case["id"], overdue

    def wait_until_overdue(self, case_id: int) -> None:
        """Backdate the review deadline, wait (in SQL, every 0.05 s) until a worker flagged it, then see it
        over HTTP, once: the number of requests does not depend on how long the breach took."""
        made_due = self.backdate(case_id)
        while not self.review_overdue(case_id):
            if time.time() - made_due > self.timeout:
                raise AssertionError(f"case {case_id}: its breach did not fire within {self.timeout:.0f} s")
            time.sleep(0.05)
        self.fire_seconds.append(time.time() - made_due)
        case = self.request("poll_case", "handler", "GET", f"/api/v1/cases/{case_id}", 200)
        assert any(d["kind"] == "review" and d["overdue"] for d in case["deadlines"]), \
            f"case {case_id}: flagged overdue in the database, not over HTTP: {case['deadlines']}"


def drive_all(cluster: Cluster, tokens: dict, args, numbers: range) -> dict:
    """Drive these cases on args.threads threads; return ids, timings and breach firing delays."""
    work: queue.Queue[int] = queue.Queue()
    for number in numbers:
        work.put(number)
    drivers = [CaseDriver(cluster.nodes, tokens, cluster, args.overdue_every, args.timeout)
               for _ in range(args.threads)]
    results: list[tuple[int, bool]] = []
    errors: list[str] = []

    def run(driver: CaseDriver):
        while not errors:
            try:
                number = work.get_nowait()
            except queue.Empty:
                return
            try:
                results.append(driver.drive(number))
            except Exception as exc:  # noqa: BLE001  (stop every thread, report the first failure)
                errors.append(f"case {number}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(driver,)) for driver in drivers]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    for driver in drivers:
        driver.client.close()  # no keep-alive connection left for gunicorn to wait for at shutdown
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
    timings = Timings()
    for driver in drivers:
        for kind, values in driver.timings.samples.items():
            timings.samples.setdefault(kind, []).extend(values)
    return {"results": results, "wall_seconds": wall, "timings": timings,
            "fire_seconds": [s for driver in drivers for s in driver.fire_seconds]}


# ---------------------------------------------------------------- report


def print_report(args, driven: dict, lag: dict, checks: dict) -> None:
    wall, cases = driven["wall_seconds"], args.cases
    requests = sum(len(values) for values in driven["timings"].samples.values())
    print(f"\n== {cases} cases on 2 web nodes x {args.web_workers} gunicorn workers + 2 workers + 1 documents "
          f"worker, {args.threads} client threads: {wall:.2f} s = {cases / wall:.2f} cases/s, "
          f"{requests / wall:.1f} requests/s; load {os.getloadavg()[0]:.2f}")
    print(f"{'request':<30}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, values in driven["timings"].samples.items():
        row = summarize(values)
        print(f"{kind:<30}{row['count']:>7}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}")
    fire = driven["fire_seconds"]
    if fire:
        print(f"breach firing, from due to flagged overdue (seen in SQL, then once over HTTP; {len(fire)} timers): p50 "
              f"{percentile(fire, 50):.2f} s, p95 {percentile(fire, 95):.2f} s, max {max(fire):.2f} s")
    print(f"worker lag gauge (/metrics, {lag['scrapes']} scrapes of both nodes): max {lag['max_seconds']:.2f} s, "
          f"p95 {lag['p95_seconds']:.2f} s; requests served per node: {lag['served']}")
    print("checks: " + ", ".join(f"{name} {value}" for name, value in checks.items() if not isinstance(value, list)))


# The reference as the issue measured it: one worker polling SQLite five times a second (no back-off). SQLite
# has no NOTIFY; backing off would make its idle cheaper still, but its breaches slower.
SQLITE_WORKER_ARGS = ("--poll", "0.2", "--max-wait", "0.2")


def drive_measured(cluster: Cluster, args) -> tuple[dict, dict, dict]:
    """drive_all with the CPU each kind of process spent (multi_node_cpu): the requests' share from the first
    measured request until the default queue's jobs were done; the archive packages' (of the warm-up cases too)
    from the first warm-up request until the documents queue's jobs were done;
    first --warmup cases (not measured: every process's first requests load and compile, once per process) and
    the CPU the idle cluster spends per second (no request, no scrape, for 10 s). Also the monitor's lag."""
    tokens = cluster.login([username for username, _role in USERS])
    cold, warmed = cluster.cpu_seconds(), {"results": []}
    if args.warmup:
        warmed = drive_all(cluster, tokens, args, range(args.cases + 1, args.cases + args.warmup + 1))
        cluster.wait_for_due_jobs(args.timeout, queue="default")  # their archive packages: built meanwhile
        cluster.wait_for_scrapes()
    warm = cluster.cpu_seconds()
    idle = cluster.idle_cpu()
    before, scrapes, began = cluster.cpu_seconds(), cluster.scrapes, time.perf_counter()
    driven = drive_all(cluster, tokens, args, range(1, args.cases + 1))
    lag = cluster.stop_monitor()  # after the scrapes still owed: one per SCRAPE_EVERY driver requests
    scrapes = cluster.scrapes - scrapes
    driven["results"] += warmed["results"]  # checked too
    cluster.wait_for_due_jobs(args.timeout, queue="default")
    served, served_seconds = cluster.cpu_seconds(), time.perf_counter() - began
    cluster.wait_for_due_jobs(args.timeout)
    built, built_seconds = cluster.cpu_seconds(), time.perf_counter() - began
    lag["served"] = cluster.served_per_node()
    driver_requests = sum(len(values) for values in driven["timings"].samples.values())
    cpu = {"driver_requests": driver_requests, "scrapes": scrapes, "requests": driver_requests + scrapes,
           "warmup": {part: warm[part] - cold[part] for part in warm}, "warmup_cases": args.warmup,
           "served": {part: served[part] - before[part] for part in served}, "served_seconds": served_seconds,
           "built": {part: built[part] - cold[part] for part in built}, "built_seconds": built_seconds,
           "idle_per_second": idle, "packages": args.cases + args.warmup}
    return driven, cpu, lag


def sqlite_baseline(args) -> dict:
    """The same cases through one gunicorn process (one node, REVIEW_WEB_WORKERS=1), one `--queue default` worker
    and the documents worker, on SQLite."""
    with tempfile.TemporaryDirectory(prefix="review-multi-node-sqlite-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'baseline.db'}"
        migrate_and_seed(url, url, workdir, USERS)
        with Cluster(url, url, workdir, 1, RESULTS_DIR / "sqlite", nodes=1, job_workers=1,
                     worker_args=SQLITE_WORKER_ARGS) as cluster:
            driven, cpu, _lag = drive_measured(cluster, args)
        problems = cluster.log_problems()
    cpu.update(wall_seconds=driven["wall_seconds"], problems=problems)
    return cpu


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20, help="whole cases to drive (default 20; the full run: 200)")
    parser.add_argument("--warmup", type=int, default=4,
                        help="whole cases driven first, not measured nor timed (default 4; checked as well)")
    parser.add_argument("--threads", type=int, default=8, help="client threads driving cases at once (default 8)")
    parser.add_argument("--overdue-every", type=int, default=4,
                        help="every N-th case has its review deadline fire meanwhile (default 4; 0: none)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes per node (default 2)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL; its public schema is DROPPED and recreated (default {DEFAULT_URL})")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for a breach to fire")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON to this path")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the SQLite baseline run (CPU per request of a single SQLite process)")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.threads < 1 or args.overdue_every < 0 or args.warmup < 0:
        parser.error("--cases and --threads must be >= 1, --overdue-every and --warmup >= 0")
    if not normalize_url(args.database_url).startswith("postgresql"):
        parser.error("--database-url must be PostgreSQL (several processes share it)")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    url = normalize_url(args.database_url)
    env = environment(url)
    print(f"database {env['database']} | revision {env['revision']} | {env['cpu_count']} CPUs | "
          f"load {env['load_average'][0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="review-multi-node-") as tmp:
        workdir = Path(tmp)
        began = time.perf_counter()
        migrate_and_seed(args.database_url, url, workdir, USERS)
        with Cluster(args.database_url, url, workdir, args.web_workers, RESULTS_DIR) as cluster:
            print(f"prepared and started 2 web nodes {[n.base for n in cluster.nodes]}, 2 workers and a "
                  f"documents worker in {time.perf_counter() - began:.1f} s", flush=True)
            driven, cpu, lag = drive_measured(cluster, args)
        problems = cluster.log_problems()
        checks, violations = verify(url, workdir, driven["results"])
    violations += problems
    baseline = sqlite_baseline(args) if args.baseline else None
    print_report(args, driven, lag, checks)
    print_cpu(cpu, baseline)
    print("RESULT: OK" if not violations else "RESULT: VIOLATIONS\n  " + "\n  ".join(violations), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        requests = {kind: summarize(values) for kind, values in driven["timings"].samples.items()}
        args.json.write_text(json.dumps({"environment": env, "args": {k: str(v) for k, v in vars(args).items()},
                                         "wall_seconds": driven["wall_seconds"],
                                         "cases_per_second": args.cases / driven["wall_seconds"],
                                         "requests": requests, "fire_seconds": driven["fire_seconds"],
                                         "worker_lag": lag, "checks": checks, "violations": violations,
                                         "server_cpu": cpu, "sqlite_baseline_cpu": baseline},
                                        indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 1 if violations else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
