"""A province-sized PostgreSQL database for bench/province_costs.py (issue 18).

    .venv/bin/python bench/province_data.py                      # h_scale_province, 500,000 cases
    .venv/bin/python bench/province_data.py --cases 50000 --database-url postgresql://postgres@127.0.0.1:5432/x

DROPS and recreates schema public of the database, then:
1. `flask db upgrade` (Alembic, in process); the default process published.
2. Agencies: 1 province, 30 cities, 99 county-level agencies under each city (3,001); 20 users per agency
   (60,020: 1 head, 2 qualified reviewers, 15 handlers, 1 supervisor, 1 review head), each also a staff
   member (so the 5% rule has 60,020 staff to count). Plain INSERT ... SELECT generate_series.
3. Template cases through the service itself (app.test_client(), one county agency, 68 of them): each
   stopped after 0..7 steps of bench/payloads.py CASE_PATH, plus cases that need no review, so every row
   shape the service writes (tasks, deadlines, opinions, decisions, documents, history, engine state, jobs,
   notifications) exists.
4. Copies (bench/province_copies.py): the case tables' indexes are dropped (all but the keys foreign keys
   need) and every table holding case rows is copied with INSERT ... SELECT from the templates joined with
   `bench_copies` (one row per new case: copy number k, target agency, user offset, date shift). Ids are
   remapped by `id + k * stride`, users by the target agency's block, engine task ids by replacing their
   first 8 hex digits with k (also inside the open cases' engine state, so a copied open case can go on),
   dates shifted back (open cases by up to 60 days, closed ones by up to three years).
5. History, meanwhile (bench/province_history.py, 2 processes): the events are the templates' events,
   re-chained per copied case (the same SHA-256 over the canonical fields as review_service/audit/service.py,
   checked against its _digest) and written with COPY; each chain's head goes to bench_heads, from which
   `cases` is copied last (history_seq, history_hash), so `flask review verify-history` holds for every case.
   Then the indexes are rebuilt (two connections, one sort per index).
6. After the copies: sequences set past the copies' ids; tables derived from the case rows are filled here
   (the dashboard's counters, which the copies' replica mode kept their triggers from filling).
7. VACUUM ANALYZE; prints rows per table and pg_total_relation_size per case.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, check, create_database_if_missing, make_app, normalize_url
from payloads import CASE_PATH, submission
from province_copies import (
    CITIES,
    COUNTIES_PER_CITY,
    TEMPLATE_AGENCY,
    USERS_PER_AGENCY,
    case_tables,
    copy_tables,
    drop_indexes,
    plan_copies,
    rebuild_indexes,
    reset_sequences,
    strides_of,
)
from province_history import check_sample, start_history, template_shapes

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/h_scale_province"
# user slot in an agency's block -> (role, staff kind); the rest (slots 3..17) are handlers
SLOTS = {0: "head", 1: "reviewer", 2: "reviewer", 18: "supervisor", 19: "review_head"}
ROLE_SLOT = {"head": 0, "reviewer": 1, "handler": 3}
# The copies' large values (engine state, documents) are compressed with lz4 rather than PostgreSQL's default
# pglz: several times faster to write; the size per case is reported for both (see bench/README.md).
TOAST_COMPRESSION = "lz4"
# templates: (steps of CASE_PATH done, how many templates, share of the copies)
# (68 templates: each costs the service ~8 requests, the copies cost the same whatever their number)
TEMPLATE_PLAN = ((0, 6, 0.02), (1, 6, 0.02), (2, 6, 0.02), (3, 6, 0.02), (4, 6, 0.02), (5, 6, 0.03),
                 (6, 6, 0.03), (7, 20, 0.79), (-1, 6, 0.05))  # -1: a case that needs no review
# The bulk load's session: no wait for WAL flushes, full-page images compressed, index builds sorted in memory.
BULK_SETTINGS = ("SET session_replication_role = replica",  # no FK checks: ids are remapped in bulk
                 f"SET default_toast_compression = {TOAST_COMPRESSION}", "SET synchronous_commit = off",
                 "SET wal_compression = lz4", "SET maintenance_work_mem = '1GB'")


def user_id(agency_id: int, slot: int) -> int:
    return (agency_id - 1) * USERS_PER_AGENCY + slot + 1


# ---------------------------------------------------------------- 1-2: schema, agencies, users, staff


def reset_schema(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    from review_service.processes.service import publish_default_version
    from review_service.unit_of_work import unit_of_work
    with app.app_context():
        with unit_of_work():
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        with unit_of_work():
            publish_default_version()


PEOPLE_SQL = """
INSERT INTO agencies (id, code, name, level, parent_id, sector, advisors_count_toward_ratio,
                      grandfather_pre_2021_reviewers, acceptance_from_queue, created_at)
SELECT i, CASE WHEN i = 1 THEN 'P' WHEN i <= :cities + 1 THEN 'C' || lpad((i - 1)::text, 2, '0')
               ELSE 'C' || lpad(((i - :cities - 2) / :per + 1)::text, 2, '0')
                    || 'X' || lpad(((i - :cities - 2) % :per + 1)::text, 3, '0') END,
       CASE WHEN i = 1 THEN '省市场监督管理局' WHEN i <= :cities + 1 THEN '第' || (i - 1) || '市市场监督管理局'
            ELSE '第' || ((i - :cities - 2) / :per + 1) || '市第' || ((i - :cities - 2) % :per + 1)
                 || '县级执法机关' END,
       CASE WHEN i = 1 THEN 'province' WHEN i <= :cities + 1 THEN 'city' ELSE 'county' END,
       CASE WHEN i = 1 THEN NULL WHEN i <= :cities + 1 THEN 1 ELSE (i - :cities - 2) / :per + 2 END,
       '市场监管', false, true, false, now()
FROM generate_series(1, 1 + :cities + :cities * :per) AS i;
SELECT setval(pg_get_serial_sequence('agencies', 'id'), (SELECT max(id) FROM agencies));
INSERT INTO users (id, agency_id, username, full_name, password_hash, is_active, failed_logins, created_at,
                   must_change_password)
SELECT (a.id - 1) * :per_agency + s + 1, a.id, 'u' || a.id || '_' || s, '人员' || a.id || '-' || s, :hash,
       true, 0, now(), false
FROM agencies a CROSS JOIN generate_series(0, :per_agency - 1) AS s;
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
INSERT INTO user_roles (user_id, role)
SELECT id, CASE (id - 1) % :per_agency WHEN 0 THEN 'head' WHEN 1 THEN 'reviewer' WHEN 2 THEN 'reviewer'
                WHEN 18 THEN 'supervisor' WHEN 19 THEN 'review_head' ELSE 'handler' END FROM users;
INSERT INTO staff_members (agency_id, kind, name, enforcement_certificate_no, legal_qualification_no,
                           valid_from, user_id, created_at)
SELECT agency_id,
       CASE WHEN (id - 1) % :per_agency IN (1, 2) THEN 'legal_reviewer' ELSE 'enforcement_officer' END,
       full_name, 'ZF' || id, CASE WHEN (id - 1) % :per_agency IN (1, 2) THEN 'A2019' || lpad(id::text, 7, '0') END,
       date '2020-01-01', id, now()
FROM users;
"""


def seed_people(app) -> None:
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    from review_service.extensions import db
    from review_service.unit_of_work import unit_of_work
    params = {"cities": CITIES, "per": COUNTIES_PER_CITY, "per_agency": USERS_PER_AGENCY,
              "hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")}
    with app.app_context(), unit_of_work():
        for statement in filter(str.strip, PEOPLE_SQL.split(";\n")):
            db.session.execute(text(statement), params)


# ---------------------------------------------------------------- 3: template cases through the service


class Templates:
    """Test clients of the template agency's head, reviewers and a handler."""

    def __init__(self, app):
        self.clients, self.headers = {}, {}
        for slot in (0, 1, 2, 3):
            client = app.test_client()
            username = f"u{TEMPLATE_AGENCY}_{slot}"
            response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            check(response, 200, f"login {username}")
            self.clients[user_id(TEMPLATE_AGENCY, slot)] = client
            self.headers[user_id(TEMPLATE_AGENCY, slot)] = {"Authorization": f"Bearer {response.get_json()['token']}"}
        self.handler = user_id(TEMPLATE_AGENCY, 3)

    def send(self, user: int, method: str, path: str, expect: int, body=None) -> dict:
        response = self.clients[user].open(path, method=method, json=body, headers=self.headers[user])
        check(response, expect, f"{method} {path}")
        return response.get_json()

    def drive(self, number: str, steps: int) -> int:
        """Submit a case and complete its first `steps` tasks of CASE_PATH (-1: a case needing no review)."""
        body = submission(number)
        if steps < 0:
            body.update(fine_amount=500, confiscation_amount=0, proposed_decision="警告，并处罚款五百元。")
        case = self.send(self.handler, "POST", "/api/v1/cases", 201, body)
        for name, _role, data in CASE_PATH[:max(steps, 0)]:
            current = self.send(self.handler, "GET", f"/api/v1/cases/{case['id']}", 200)
            task = next(t for t in current["open_tasks"] if t["name"] == name)
            holder = (task.get("assignee") or {}).get("id") or user_id(TEMPLATE_AGENCY, ROLE_SLOT[task["role"]])
            self.send(holder, "POST", f"/api/v1/tasks/{task['id']}/complete", 200, {"data": data})
        return case["id"]


def make_templates(app) -> list[tuple[int, int, float]]:
    """(case id, steps, copies share per template) of every template case."""
    driver, made = Templates(app), []
    for steps, count, share in TEMPLATE_PLAN:
        for number in range(count):
            case_id = driver.drive(f"模板〔{steps}〕{number + 1}号", steps)
            made.append((case_id, steps, share / count))
    return made


# ---------------------------------------------------------------- 4-6: copies, history, after the copies


def copy_everything(app, url: str, raw_url: str, templates, cases: int, workers: int) -> dict:
    """Copies and history, timed: indexes dropped; the history re-chained by `workers` processes while the
    other case tables are copied, then `cases` (which takes each history's head); indexes rebuilt."""
    from sqlalchemy import create_engine, text
    tables, timed, start = case_tables(), {}, time.perf_counter()
    engine = create_engine(url)
    with engine.connect() as conn:
        with conn.begin():  # committed before the history processes read bench_copies
            for setting in BULK_SETTINGS:
                conn.execute(text(setting))
            strides = strides_of(conn, tables)
            plan_copies(conn, templates, cases)
        indexes = drop_indexes(conn, [table.name for table in tables] + ["case_events"])
        pool, history = start_history(raw_url, template_shapes(app), workers)
        copy_tables(conn, [table for table in tables if table.name != "cases"], strides)
        timed["copies_s"] = time.perf_counter() - start
        events, timed["history_s"] = sum(r[0] for r in history.get()), max(r[1] for r in history.get())
        pool.close()
        pool.join()
        copy_tables(conn, [table for table in tables if table.name == "cases"], strides)
        timed["copies_and_history_s"] = time.perf_counter() - start
        rebuild_indexes(engine, BULK_SETTINGS, indexes)
        timed["indexes_s"] = time.perf_counter() - start - timed["copies_and_history_s"]
        with conn.begin():
            after_copies(conn, tables)
    fill_dashboard_counters(app)
    timed["after_copies_s"] = time.perf_counter() - start - timed["copies_and_history_s"] - timed["indexes_s"]
    return {"steps": timed, "copied_events": events}


def after_copies(conn, tables) -> None:
    """Step 6: what follows from the copied rows (sequences past the copies' ids; derived tables go here)."""
    reset_sequences(conn, tables)


def fill_dashboard_counters(app) -> None:
    """Step 6 too: the copies bypassed the triggers on tasks and cases (replica mode), so the dashboard's
    counter tables are recounted from scratch, as the migration's backfill does."""
    from review_service.dashboard.counters import recount_case_statuses, recount_completed_tasks
    from review_service.unit_of_work import unit_of_work
    with app.app_context(), unit_of_work():
        groups, statuses = recount_completed_tasks(), recount_case_statuses()
    print(f"  completed_task_counts: {groups:,} rows, case_status_counts: {statuses:,} rows", flush=True)


def sizes(conn) -> dict:
    from sqlalchemy import text
    rows = conn.execute(text(
        "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
        "AND c.relname NOT LIKE 'bench_%' ORDER BY 3 DESC")).all()
    cases = conn.scalar(text("SELECT count(*) FROM cases"))
    return {"cases": cases, "total_bytes": sum(r[2] for r in rows),
            "tables": {name: {"rows": tuples, "bytes": size} for name, tuples, size in rows}}


def build(url: str, raw_url: str, cases: int, workdir: Path, workers: int = 2) -> dict:
    """Every step, timed; returns what to print."""
    from sqlalchemy import create_engine, text
    steps, start = {}, time.perf_counter()
    create_database_if_missing(url)
    app = make_app(url, workdir)
    app.config["DOCUMENT_PDF"] = False
    reset_schema(app)
    seed_people(app)
    steps["schema_and_people_s"] = time.perf_counter() - start
    templates = make_templates(app)
    steps["templates_s"] = time.perf_counter() - start - sum(steps.values())
    copied = copy_everything(app, url, raw_url, templates, cases, workers)
    steps.update(copied["steps"])
    mark = time.perf_counter()
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        found = sizes(conn)
    steps["vacuum_s"] = time.perf_counter() - mark
    steps["total_s"] = time.perf_counter() - start
    steps["checked_histories"] = check_sample(app)
    return {"steps": steps, "templates": len(templates), "copied_events": copied["copied_events"], **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=500_000, help="copied cases (templates come on top)")
    parser.add_argument("--history-workers", type=int, default=2, help="processes re-chaining the history")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = build(normalize_url(args.database_url), args.database_url, args.cases, Path(workdir),
                       args.history_workers)
    per_case = result["total_bytes"] / result["cases"]
    print(json.dumps(result["steps"], indent=1))
    print(f"cases {result['cases']:,}, templates {result['templates']}, copied events {result['copied_events']:,}")
    print(f"total {result['total_bytes'] / 2**30:.2f} GiB, {per_case / 1024:.1f} KiB per case")
    for name, row in list(result["tables"].items())[:12]:
        print(f"  {name:28} {row['rows']:>12,} rows {row['bytes'] / 2**20:>10.1f} MiB "
              f"{row['bytes'] / result['cases']:>9.0f} B/case")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
