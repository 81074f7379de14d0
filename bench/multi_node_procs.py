"""Processes of bench/multi_node.py: the migrate step, two gunicorn nodes, two workers, a /metrics monitor,
and the CPU each kind of process (and its PostgreSQL backends) spends."""
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import PASSWORD, ROOT, load_bench_calendar, make_app, percentile, seed_agency
from multi_node_cpu import cpu_by_role
from multi_node_http import Node, NodeClient

BIN = Path(sys.executable).parent
SCRAPE_EVERY = 4  # the monitor scrapes /metrics once per this many driver requests (the same mix on both sides)
PG_WORKER_ARGS = ("--poll", "0.2")  # LISTEN/NOTIFY; idle back to the database at most every WORKER_MAX_WAIT_SECONDS


def with_application_name(url: str, name: str) -> str:
    """A PostgreSQL URL whose connections show as `name` in pg_stat_activity (SQLite: the URL as it is)."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_env(database_url: str, workdir: Path, role: str, **extra: str) -> dict:
    """The settings every process of the cluster shares (one database, one attachments folder)."""
    return {**os.environ, "FLASK_APP": "review_service",
            "DATABASE_URL": with_application_name(database_url, f"review-{role}"),
            "REVIEW_ATTACHMENTS_DIR": str(workdir / "attachments"), "REVIEW_LOG_FORMAT": "json",
            "REVIEW_SECRET_KEY": extra.pop("secret", "bench"),
            "REVIEW_DOCUMENT_PDF": "0",  # DOCX only: PDF conversion is measured by bench/documents.py
            **extra}


def migrate_and_seed(database_url: str, url: str, workdir: Path, users) -> None:
    """Fresh schema; `flask db upgrade` as its own process; seed the agency, its users and the process."""
    from sqlalchemy import create_engine, text

    from review_service.extensions import db
    from review_service.unit_of_work import unit_of_work
    if url.startswith("postgresql"):  # SQLite (the CPU baseline): a fresh file
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=child_env(database_url, workdir, "migrate"), cwd=ROOT,
                   check=True, capture_output=True)
    app = make_app(url, workdir)
    for year in load_bench_calendar(app, workdir):
        print(f"calendar: {year} has no arrangement; loaded an invented bench-only year "
              "(weekends and 1 January only)", flush=True)
    with app.app_context():
        with unit_of_work():
            seed_agency(users)
        db.session.remove()
        db.engine.dispose()


class Cluster:
    """Web nodes and job workers (default: two nodes, two `--queue default` workers and a `--queue documents`
    worker, as docker/compose.yaml; nodes=1, job_workers=1: one node, one `--queue default` worker and the
    documents worker); a context manager that always stops them."""

    def __init__(self, database_url: str, url: str, workdir: Path, web_workers: int, logdir: Path, *,  # noqa: PLR0913
                 nodes: int = 2, job_workers: int = 2, worker_args: tuple[str, ...] = PG_WORKER_ARGS):
        self.database_url, self.url, self.workdir, self.web_workers = database_url, url, workdir, web_workers
        self.logdir, self.job_workers = logdir, job_workers
        self.worker_args = list(worker_args)
        self.requests_sent, self.scrapes = 0, 0
        self._sent = itertools.count(1)
        self.nodes = [Node("127.0.0.1", free_port()) for _ in range(nodes)]
        self.procs: list[tuple[str, str, subprocess.Popen]] = []  # name, role (ROLES), process
        self.lag_samples: list[float] = []
        self.stop_event = threading.Event()
        self.app = make_app(with_application_name(url, "review-bench"), workdir)

    def __enter__(self) -> "Cluster":
        self.logdir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(16)
        try:
            for number, node in enumerate(self.nodes):
                metrics_dir = self.workdir / f"prometheus-{number}"
                metrics_dir.mkdir()
                env = child_env(self.database_url, self.workdir, "web", secret=secret,
                                REVIEW_WEB_BIND=f"{node.host}:{node.port}", REVIEW_WEB_WORKERS=str(self.web_workers),
                                PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
                self._start(f"web-{number}", "web", [str(BIN / "gunicorn"), "-c", "docker/gunicorn.conf.py",
                                              "review_service:create_app()"], env)
            for number, queue in [*((n, "default") for n in range(self.job_workers)), ("documents", "documents")]:
                role = "workers" if queue == "default" else "documents"  # the lanes of docker/compose.yaml
                self._start(f"worker-{number}", role, [str(BIN / "flask"), "review", "worker", *self.worker_args,
                                                       "--queue", queue],
                            child_env(self.database_url, self.workdir, role, secret=secret))
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.monitor = threading.Thread(target=self._scrape, daemon=True)
        self.monitor.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _start(self, name: str, role: str, command: list[str], env: dict) -> None:
        log = open(self.logdir / f"multi_node-{name}.log", "w")  # noqa: SIM115  (the process owns it)
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((name, role, process))

    def _wait_ready(self, timeout: float = 180) -> None:  # start-up takes long on a loaded machine
        client = NodeClient(self.nodes, {})
        deadline = time.monotonic() + timeout
        for _ in self.nodes:
            while True:
                try:
                    status, _body = client.send(None, "GET", "/readyz")
                    if status == 200:
                        break
                except OSError:
                    client.sent -= 1  # ask the same node again
                if time.monotonic() > deadline or any(p.poll() is not None for _n, _r, p in self.procs):
                    raise RuntimeError(f"web nodes not ready: see {self.logdir}/multi_node-*.log")
                time.sleep(0.2)
        client.close()

    def login(self, usernames: list[str]) -> dict[str, str]:
        client, tokens = NodeClient(self.nodes, {}), {}
        for username in usernames:
            status, body = client.send(None, "POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
            assert status == 200, body
            tokens[username] = body["token"]
        client.close()
        return tokens

    def backdate(self, case_id: int) -> float:
        """Under the case lock: review deadline due yesterday (schedule_alerts), its breach job due now."""
        from sqlalchemy import select, update
        from timer_cases import backdate_api_cases

        from review_service.cases.models import Case
        from review_service.db_types import utcnow
        from review_service.deadlines.service import BREACH_JOB
        from review_service.extensions import db
        from review_service.jobs.models import DueJob
        from review_service.unit_of_work import unit_of_work
        with self.app.app_context():
            with unit_of_work():
                db.session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
                backdate_api_cases([case_id])
                db.session.execute(update(DueJob).where(DueJob.case_id == case_id, DueJob.kind == BREACH_JOB)
                                   .values(next_attempt_at=utcnow()))
            db.session.remove()
        return time.time()

    def note_request(self) -> None:
        """A driver request was sent (the monitor paces its scrapes by them)."""
        self.requests_sent = next(self._sent)

    def _scrape(self) -> None:
        """Scrape /metrics (the nodes alternately) once per SCRAPE_EVERY driver requests: not by the clock, so a
        slower run does not serve more scrapes per case, and nothing is scraped while the cluster is idle."""
        client = NodeClient(self.nodes, {})
        while not self.stop_event.wait(0.05):
            if self.requests_sent >= (self.scrapes + 1) * SCRAPE_EVERY:
                self._scrape_once(client)
        while self.scrapes < self.requests_sent // SCRAPE_EVERY:  # the ones still owed: exactly one per SCRAPE_EVERY
            self._scrape_once(client)
        client.close()

    def _scrape_once(self, client: NodeClient) -> None:
        status, text = client.send(None, "GET", "/metrics")
        self.scrapes += 1
        if status == 200:
            self.lag_samples.append(_sample(text, "review_worker_lag_seconds"))

    def wait_for_scrapes(self) -> None:
        """Until the monitor made the scrapes owed so far (one per SCRAPE_EVERY driver requests)."""
        while self.scrapes < self.requests_sent // SCRAPE_EVERY:
            time.sleep(0.05)

    def stop_monitor(self) -> dict:
        """Stop scraping (after the scrapes still owed); the lag gauge's samples."""
        self.stop_event.set()
        self.monitor.join()
        samples = self.lag_samples or [0.0]
        return {"scrapes": len(self.lag_samples), "max_seconds": max(samples), "p95_seconds": percentile(samples, 95)}

    def served_per_node(self) -> list[int]:
        """Every node's request count (summed over its processes), from /metrics: after the measuring."""
        client, served = NodeClient(self.nodes, {}), []
        for _node in self.nodes:
            _status, text = client.send(None, "GET", "/metrics")
            served.append(int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                                  if line.startswith("review_http_requests_total{"))))
        client.close()
        return served

    def review_overdue(self, case_id: int) -> bool:
        """Whether a worker has flagged the case's review deadline overdue (asked in SQL, on this script's own
        connection: the driver then asks the service once, so both databases serve the same requests)."""
        from sqlalchemy import func, select

        from review_service.deadlines.models import Deadline
        from review_service.extensions import db
        with self.app.app_context():
            flagged = db.session.scalar(select(func.count()).select_from(Deadline).where(
                Deadline.case_id == case_id, Deadline.kind == "review", Deadline.overdue.is_(True)))
            db.session.remove()
        return bool(flagged)

    def wait_for_due_jobs(self, timeout: float, queue: str | None = None) -> None:
        """Until no job (of this queue) is due any more (the workers caught up)."""
        from sqlalchemy import func, select

        from review_service.db_types import utcnow
        from review_service.extensions import db
        from review_service.jobs.models import PENDING, DueJob
        deadline = time.monotonic() + timeout
        due = select(func.count()).select_from(DueJob).where(DueJob.status == PENDING)
        if queue is not None:
            due = due.where(DueJob.queue == queue)
        with self.app.app_context():
            while db.session.scalar(due.where(DueJob.next_attempt_at <= utcnow())):
                db.session.rollback()
                if time.monotonic() > deadline:
                    break  # the checks report what is left
                time.sleep(0.1)
            db.session.remove()

    def idle_cpu(self, seconds: float = 10.0) -> dict[str, float]:
        """CPU seconds per second the cluster spends with no request at all (job workers waiting, gunicorn)."""
        before = self.cpu_seconds()
        time.sleep(seconds)
        after = self.cpu_seconds()
        return {part: (after[part] - before[part]) / seconds for part in after}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far per kind of process (multi_node_cpu.cpu_by_role)."""
        from sqlalchemy import text

        from review_service.extensions import db
        backends: list[tuple[int, str]] = []
        if self.url.startswith("postgresql"):
            with self.app.app_context():
                backends = [tuple(row) for row in db.session.execute(text(
                    "SELECT pid, CASE WHEN datname IS NULL THEN 'shared' ELSE application_name END "
                    "FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) "
                    "AND pid <> pg_backend_pid()"))]
                db.session.rollback()
        return cpu_by_role([(role, proc.pid) for _n, role, proc in self.procs], backends)

    def stop(self) -> None:
        for _name, _role, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _name, _role, proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        from review_service.extensions import db
        with self.app.app_context():
            db.engine.dispose()

    def log_problems(self) -> list[str]:
        """Exit codes other than 0, and ERROR / CRITICAL / Traceback lines or job failures in the logs."""
        problems = [f"{name} exited with {proc.returncode}" for name, _role, proc in self.procs if proc.returncode != 0]
        for name, _role, _proc in self.procs:
            text = (self.logdir / f"multi_node-{name}.log").read_text(encoding="utf-8", errors="replace")
            bad = [line for line in text.splitlines()
                   if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line or "Traceback" in line
                   or ("review_service.jobs" in line and '"level": "WARNING"' in line)]
            if bad:
                problems.append(f"{name}: {len(bad)} error lines, first: {bad[0][:300]}")
        return problems


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
