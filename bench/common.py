"""Shared by the benchmarks: paths, seed constants, app and database set-up, run header, statistics."""
import logging
import os
import platform
import subprocess
import time
from contextlib import contextmanager
from datetime import date
from importlib.metadata import version as package_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"  # gitignored
PASSWORD = "Bench password 2026"
AGENCY = ("city", "市市场监督管理局", "city")  # code, name, level


# ---------------------------------------------------------------- app and database


def normalize_url(url: str) -> str:
    """The service ships psycopg 3 only; accept the plain postgresql:// scheme like config.py does."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_database_if_missing(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL url whose database does not exist yet (nothing for SQLite)."""
    if not url.startswith("postgresql"):
        return
    import psycopg
    base, _, name = url.replace("+psycopg", "").split("?", 1)[0].rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def make_app(url: str, workdir: Path):
    """create_app() on the given database with a cheap password hash (seeding stays fast)."""
    from review_service import create_app
    logging.getLogger("review_service.access").setLevel(logging.WARNING)  # else a log line per request
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "ATTACHMENTS_DIR": workdir / "attachments",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def seed_agency(users, **settings) -> int:
    """AGENCY (with these settings), its users (username, role) and the published default process.

    Users with the role reviewer are registered, qualified legal reviewers (review assignment checks it).
    """
    from review_service.accounts.service import create_user
    from review_service.agencies.models import Agency
    from review_service.extensions import db
    from review_service.processes.service import publish_default_version
    from review_service.staffing.models import StaffMember

    code, name, level = AGENCY
    agency = Agency(code=code, name=name, level=level, **settings)
    db.session.add(agency)
    db.session.flush()
    for username, role in users:
        user = create_user(agency_id=agency.id, username=username, full_name=username, password=PASSWORD,
                           roles=[role])
        if role == "reviewer":  # a registered, qualified legal reviewer (see review_service/staffing/models.py)
            db.session.add(StaffMember(agency_id=agency.id, kind="legal_reviewer", name=username, user_id=user.id,
                                       legal_qualification_no="A20190000001", valid_from=date(2020, 1, 1)))
    publish_default_version()
    return agency.id


BENCH_CALENDAR_NOTICE = "基准测试专用（虚构，非国务院通知）：仅元旦一天，无调休"


def load_bench_calendar(app, workdir: Path) -> list[int]:
    """Cover the years a case opened today may reach (review periods, Art. 60's 90-day cap) that have no
    arrangement, through the service's own `flask review calendar load --example`: an invented, plainly
    labelled bench-only year (`"example": true`, weekends and 1 January only, no 调休), loaded into the bench's
    throw-away database only, never into the product. Returns the years loaded (usually none before October).
    """
    import json

    from review_service.china_time import today_in_china
    from review_service.workdays.service import missing_years_ahead
    with app.app_context():
        years = missing_years_ahead(today_in_china())
    runner = app.test_cli_runner()
    for year in years:
        path = workdir / f"bench-only-{year}.json"
        path.write_text(json.dumps({
            "_comment": "BENCH ONLY - INVENTED. Not the State Council notice: weekends and 1 January only. "
                        "Loaded by bench/common.py into a benchmark database that is dropped on the next run.",
            "example": True, "year": year, "notice": BENCH_CALENDAR_NOTICE,
            "holidays": [{"name": "元旦", "from": f"{year}-01-01", "to": f"{year}-01-01"}],
            "make_up_working_days": []}, ensure_ascii=False), encoding="utf-8")
        result = runner.invoke(args=["review", "calendar", "load", str(path), "--example"])
        if result.exit_code != 0:
            raise RuntimeError(f"calendar load {path}: {result.output}")
    return years


def check(response, expect: int, what: str) -> None:
    """Stop the run on an unexpected HTTP status, showing the error body."""
    if response.status_code != expect:
        raise AssertionError(f"{what}: HTTP {response.status_code}, expected {expect}: "
                             f"{response.get_data(as_text=True)[:2000]}")


# ---------------------------------------------------------------- run header


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
        self.cpu: dict[str, list[float]] = {}  # CPU time of this thread, same samples
        self.order: list[tuple[str, float]] = []  # every sample, in the order taken

    @contextmanager
    def measure(self, kind: str):
        """Time the with-block as one sample of kind: wall clock, and this thread's CPU time.

        The CPU time leaves out waiting (for the disk, or for a CPU the other processes on a shared
        machine hold), so it moves much less with the load than the wall clock; it does not count the
        time SQLite waits for fsync at commit.
        """
        start, start_cpu = time.perf_counter(), time.thread_time()
        yield
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        self.samples.setdefault(kind, []).append(elapsed)
        self.cpu.setdefault(kind, []).append(cpu)
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
