"""GET /healthz, GET /readyz (ready and not ready), GET /metrics."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from sqlalchemy import text

from review_service import create_app
from review_service.extensions import db
from review_service.jobs.service import schedule_job

NOW = datetime(2026, 10, 9, 1, 0, tzinfo=timezone.utc)


def test_healthz_answers_without_touching_the_database(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/nowhere.db"})
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


@freeze_time(NOW)
def test_readyz_ready_on_a_migrated_database_with_this_years_calendar(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "calendar"}
    assert body["checks"]["calendar"]["detail"] == "2026 covered"


def test_readyz_warns_while_serving_when_next_years_calendar_is_missing(client):
    with freeze_time("2026-10-05 02:00:00"):  # 立案 today + 90 days reaches 2027
        response = client.get("/readyz")
    assert response.status_code == 200
    [warning] = response.get_json()["warnings"]
    assert "2027" in warning and "calendar load" in warning
    with freeze_time("2026-06-01 02:00:00"):  # 120 days ahead are still in 2026
        assert client.get("/readyz").get_json()["warnings"] == []


def test_readyz_not_ready_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/nowhere.db"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready" and body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["detail"]


def test_readyz_not_ready_without_calendar_data_for_this_year(client):
    with freeze_time("2031-03-02 02:00:00"):
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["calendar"]["ok"] is False and "2031" in checks["calendar"]["detail"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"]


@freeze_time(NOW)
def test_readyz_not_ready_when_migrations_are_behind(app, client):
    with app.app_context():
        head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = 'f13b7dfe8043'"))
        db.session.commit()
    try:
        response = client.get("/readyz")
    finally:  # on PostgreSQL the schema is shared by every test
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert response.status_code == 503
    migrations = response.get_json()["checks"]["migrations"]
    assert migrations["ok"] is False and "flask db upgrade" in migrations["detail"]


def _metrics(client, **kwargs) -> dict[str, float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    samples = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


@freeze_time(NOW)
def test_metrics_count_requests_and_read_the_gauges_from_the_database(app, client, as_user):
    handler = as_user("handler")
    handler.submit()
    handler.get("/api/v1/cases/999999")
    with app.app_context():
        schedule_job("test.never", NOW - timedelta(seconds=90))
        db.session.commit()
    samples = _metrics(client)
    assert samples['review_http_requests_total{endpoint="/api/v1/cases",method="POST",status="201"}'] >= 1
    assert samples['review_http_requests_total{endpoint="/api/v1/cases/<int:case_id>",method="GET",status="404"}'] >= 1
    assert samples['review_http_request_duration_seconds_count{endpoint="/api/v1/cases",method="POST"}'] >= 1
    assert samples["review_open_tasks"] == 1  # the submitted case's acceptance
    assert samples["review_due_jobs_waiting"] == 1
    assert samples["review_worker_lag_seconds"] == 90
    assert samples["review_overdue_deadlines"] == 0
    assert samples["review_due_job_incidents"] == 0 and samples["review_due_jobs_retrying"] == 0


def test_metrics_can_require_a_token(database_template, app):
    app.config["METRICS_TOKEN"] = "scrape-secret"
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert _metrics(client, headers={"Authorization": "Bearer scrape-secret"})["review_worker_lag_seconds"] == 0


def test_ready_command_exits_zero_when_ready(runner):
    with freeze_time(NOW):
        result = runner.invoke(args=["review", "ready"])
    assert result.exit_code == 0 and '"migrations"' in result.output


def test_readyz_on_an_empty_database_names_the_failing_check_without_sql(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.db"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["migrations"] and set(body["checks"]) == {"database", "migrations"}
    assert "no revision" in body["checks"]["migrations"]["detail"] and "migrate step" in body["checks"]["migrations"]["detail"]
    assert "SELECT" not in response.get_data(as_text=True)


def test_a_driver_error_in_a_check_is_reported_without_its_sql(app):
    from sqlalchemy.exc import ProgrammingError

    from review_service.observability.readiness import _reason
    error = ProgrammingError("SELECT secret FROM staff", {}, Exception('relation "staff" does not exist\nLINE 1: SELECT secret'))
    with app.app_context():
        assert _reason("calendar", error) == 'ProgrammingError: relation "staff" does not exist'
        assert _reason("calendar", KeyError("x")) == "KeyError (see the log)"


def test_metrics_content_type_has_one_charset(client):
    response = client.get("/metrics")
    assert response.headers["Content-Type"] == "text/plain; version=1.0.0; charset=utf-8"
