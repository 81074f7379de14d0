"""Prometheus metrics: request counters and latency per process, service gauges read from the database.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set before the workers start, see docker/gunicorn.conf.py)
makes prometheus_client keep the request metrics in files that GET /metrics sums over every worker
process of the node. Without it (flask run, tests) they are this process's own. The gauges are
queried at scrape time, so any node answers the same for the whole database.
"""
import hmac

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from ..db_types import utcnow
from ..extensions import db
from ..unit_of_work import reading

blp = Blueprint("metrics", __name__)

REQUESTS = Counter("review_http_requests_total", "HTTP requests answered, by endpoint (URL rule), method and status",
                   ("endpoint", "method", "status"))
LATENCY = Histogram("review_http_request_duration_seconds", "Time to answer an HTTP request, by endpoint and method",
                    ("endpoint", "method"),
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint, method).observe(seconds)


class ServiceGauges:
    """Open tasks, overdue deadlines, due jobs waiting, job failures and worker lag, from the database."""

    def collect(self):
        with reading():  # read-only, rolled back: a scrape never holds a transaction open
            gauges = list(self._read())
        yield from gauges

    def _read(self):
        """Every gauge from one statement (one round trip on PostgreSQL), each part its own index range."""
        from ..cases.models import OPEN, Task
        from ..deadlines.models import OPEN_STATUSES, Deadline
        from ..jobs.models import INCIDENT, PENDING, DueJob
        now, count = utcnow(), func.count()
        due = (DueJob.status == PENDING, DueJob.next_attempt_at <= now)
        row = db.session.execute(select(
            select(count).select_from(Task).where(Task.status == OPEN).scalar_subquery(),
            select(count).select_from(Deadline).where(Deadline.overdue.is_(True),
                                                      Deadline.status.in_(OPEN_STATUSES)).scalar_subquery(),
            select(count).select_from(DueJob).where(*due).scalar_subquery(),
            select(func.min(DueJob.next_attempt_at)).where(*due).scalar_subquery(),
            select(count).select_from(DueJob).where(DueJob.status == PENDING, DueJob.attempts > 0).scalar_subquery(),
            select(count).select_from(DueJob).where(DueJob.status == INCIDENT).scalar_subquery())).one()
        open_tasks, overdue, waiting, oldest, retrying, incidents = row
        yield _gauge("review_open_tasks", "Open human tasks", open_tasks)
        yield _gauge("review_overdue_deadlines", "Open deadlines flagged overdue", overdue)
        yield _gauge("review_due_jobs_waiting", "Due jobs whose time has come, not done yet", waiting)
        yield _gauge("review_due_jobs_retrying", "Pending jobs that failed at least once (waiting for a retry)",
                     retrying)
        yield _gauge("review_due_job_incidents", "Jobs that failed every attempt and wait for an operator", incidents)
        lag = (now - oldest).total_seconds() if oldest is not None else 0.0
        yield _gauge("review_worker_lag_seconds", "Now minus the oldest due job's time (0 when none is due)", lag)


def _gauge(name: str, documentation: str, value) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value or 0))


def _authorized() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@blp.get("/metrics")
def metrics():
    """Prometheus text format: this node's request metrics and the database gauges."""
    if not _authorized():
        return Response("metrics token required\n", status=401, mimetype="text/plain")
    if current_app.config["PROMETHEUS_MULTIPROC_DIR"]:
        requests_registry = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    gauges = CollectorRegistry()
    gauges.register(ServiceGauges())
    body = generate_latest(requests_registry) + generate_latest(gauges)
    # content_type, not mimetype: werkzeug would append a second "; charset=utf-8" to CONTENT_TYPE_LATEST
    return Response(body, content_type=CONTENT_TYPE_LATEST)
