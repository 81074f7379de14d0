"""A province-sized PostgreSQL database for bench/province_costs.py (issue 18).

    .venv/bin/python bench/province_data.py                      # h_scale_province, 500,000 cases
    .venv/bin/python bench/province_data.py --cases 50000 --database-url postgresql://postgres@127.0.0.1:5432/x

DROPS and recreates schema public of the database, then:
1. `flask db upgrade` (Alembic, in process); the default process published.
2. Agencies: 1 province, 30 cities, 99 county-level agencies under each city (3,001); 20 users per agency
   (60,020: 1 head, 2 qualified reviewers, 15 handlers, 1 supervisor, 1 review head), each also a staff
   member (so the 5% rule has 60,020 staff to count). Plain INSERT ... SELECT generate_series.
3. Template cases through the service itself (app.test_client(), one county agency): each stopped after
   0..7 steps of bench/payloads.py CASE_PATH, plus cases that need no review, so every row shape the
   service writes (tasks, deadlines, opinions, decisions, documents, history, engine state, jobs,
   notifications) exists.
4. Copies: every table holding case rows is copied with INSERT ... SELECT from the templates joined with
   `bench_copies` (one row per new case: copy number k, target agency, user offset, date shift). Ids are
   remapped by `id + k * stride`, users by the target agency's block, engine task ids by replacing their
   first 8 hex digits with k (also inside the open cases' engine state, so a copied open case can go on),
   dates shifted back (open cases by up to 60 days, closed ones by up to three years). The copies bypass
   the triggers on tasks and cases, so the dashboard's counters are then recounted (fill_dashboard_counters).
5. History: the events are the templates' events, re-chained per copied case in Python (the same SHA-256
   over the canonical fields as review_service/audit/service.py, checked against its _digest) and
   written with COPY; each case's head (history_seq, history_hash) is set from its chain, so
   `flask review verify-history` holds for every copied case.
6. VACUUM ANALYZE; prints rows per table and pg_total_relation_size per case.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, check, make_app, normalize_url
from payloads import CASE_PATH, submission
from province_history import check_sample, template_shapes, write_history

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/h_scale_province"
CITIES, COUNTIES_PER_CITY, USERS_PER_AGENCY = 30, 99, 20
TEMPLATE_AGENCY = 32  # the first county-level agency (ids: 1 province, 2..31 cities, 32.. counties)
# user slot in an agency's block -> (role, staff kind); the rest (slots 3..17) are handlers
SLOTS = {0: "head", 1: "reviewer", 2: "reviewer", 18: "supervisor", 19: "review_head"}
ROLE_SLOT = {"head": 0, "reviewer": 1, "handler": 3}
OPEN_DAYS, CLOSED_DAYS = 60, 3 * 365
# The copies' large values (engine state, documents) are compressed with lz4 rather than PostgreSQL's default
# pglz: several times faster to write; the size per case is reported for both (see bench/README.md).
TOAST_COMPRESSION = "lz4"
# templates: (steps of CASE_PATH done, how many templates, share of the copies)
TEMPLATE_PLAN = ((0, 24, 0.02), (1, 24, 0.02), (2, 24, 0.02), (3, 24, 0.02), (4, 24, 0.02), (5, 24, 0.03),
                 (6, 24, 0.03), (7, 80, 0.79), (-1, 24, 0.05))  # -1: a case that needs no review


def user_id(agency_id: int, slot: int) -> int:
    return (agency_id - 1) * USERS_PER_AGENCY + slot + 1


# ---------------------------------------------------------------- 1-2: schema, agencies, users, staff


def reset_schema(app) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from review_service.extensions import db
    from review_service.processes.service import publish_default_version
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        upgrade()
        publish_default_version()
        db.session.commit()


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
    params = {"cities": CITIES, "per": COUNTIES_PER_CITY, "per_agency": USERS_PER_AGENCY,
              "hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")}
    with app.app_context():
        for statement in filter(str.strip, PEOPLE_SQL.split(";\n")):
            db.session.execute(text(statement), params)
        db.session.commit()


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


def make_templates(app) -> list[tuple[int, int, int]]:
    """(case id, steps, copies share per template) of every template case."""
    driver, made = Templates(app), []
    for steps, count, share in TEMPLATE_PLAN:
        for number in range(count):
            case_id = driver.drive(f"模板〔{steps}〕{number + 1}号", steps)
            made.append((case_id, steps, share / count))
    return made


# ---------------------------------------------------------------- 4: copies of the templates' rows


COPIES_SQL = """
CREATE UNLOGGED TABLE bench_copies AS
SELECT t.case_id AS template_id, k, t.case_id + k * :case_stride AS new_id,
       2 + ((k * 7 + t.rank * 131) % :agencies) AS agency_id, t.open,
       (k::bigint * 2654435761 + t.case_id * 40503) % (CASE WHEN t.open THEN :open_s ELSE :closed_s END) AS shift_s,
       lpad(to_hex(k), 8, '0') AS prefix
FROM bench_templates t CROSS JOIN LATERAL generate_series(1, t.copies) AS k;
ALTER TABLE bench_copies ADD COLUMN user_delta integer, ADD COLUMN shift interval;
UPDATE bench_copies SET user_delta = (agency_id - :template_agency) * :per_agency,
                        shift = make_interval(secs => shift_s);
CREATE INDEX ON bench_copies (template_id)
"""


def plan_copies(conn, templates: list[tuple[int, int, int]], cases: int) -> int:
    """bench_templates and bench_copies; returns the case id stride."""
    from sqlalchemy import text
    stride = conn.scalar(text("SELECT max(id) + 1 FROM cases"))
    conn.execute(text("CREATE UNLOGGED TABLE bench_templates (case_id int, rank int, open boolean, copies int)"))
    rows = [{"case_id": case_id, "rank": rank, "open": 0 <= steps < 7, "copies": max(1, round(cases * share))}
            for rank, (case_id, steps, share) in enumerate(templates)]
    conn.execute(text("INSERT INTO bench_templates VALUES (:case_id, :rank, :open, :copies)"), rows)
    params = {"case_stride": stride, "agencies": CITIES + CITIES * COUNTIES_PER_CITY,  # all but the province
              "open_s": OPEN_DAYS * 86400, "closed_s": CLOSED_DAYS * 86400, "template_agency": TEMPLATE_AGENCY,
              "per_agency": USERS_PER_AGENCY}
    for statement in COPIES_SQL.split(";\n"):
        conn.execute(text(statement), params)
    return stride


def case_tables():
    """The tables whose rows belong to one case, parents first (FKs checked off during the load)."""
    from review_service import models  # noqa: F401  (every table into the metadata)
    from review_service.extensions import db
    return [table for table in db.metadata.sorted_tables
            if table.name == "cases" or ("case_id" in table.c and table.name != "case_events")]


def _target(column) -> str | None:
    return next((fk.column.table.name for fk in column.foreign_keys), None)


# Copied cases differ in party and title (so a search finds some, not all): 40 x 40 x 5 party names
# (about 8,000), 20 kinds of violation; picked by a hash of the new case id.
_PLACES = ("东升", "西湖", "南山", "北辰", "江城", "海川", "金桥", "银河",
           "长江", "黄河", "泰山", "华山", "昆仑", "天山", "青松", "翠柏",
           "红星", "蓝天", "白云", "紫金", "明珠", "新华", "和平", "光明",
           "振兴", "富强", "民生", "安康", "永泰", "恒通", "宏达", "鑫源",
           "瑞丰", "嘉禾", "德信", "诚信", "鸿运", "盛世", "锦绣", "万达")
_TRADES = ("食品", "药品", "建材", "电器", "服装", "化工", "机械", "电子",
           "五金", "家具", "纺织", "印刷", "物流", "餐饮", "酒店", "超市",
           "医疗器械", "化妆品", "农资", "汽配", "燃气", "电线电缆", "钢材", "水泥",
           "涂料", "玩具", "文具", "眼镜", "烟花", "饮料", "乳品", "肉类",
           "粮油", "茶叶", "酒类", "保健品", "日化", "塑料", "包装", "陶瓷")
_FORMS = ("有限公司", "贸易有限公司", "股份有限公司", "经营部", "商行")
_ACTS = ("销售不合格产品", "无照经营", "虚假宣传", "商标侵权", "价格欺诈", "未按规定标价", "销售过期食品", "无证生产",
         "计量违法", "销售假冒产品", "不正当竞争", "违法广告", "拒绝检查", "超范围经营", "未履行进货查验",
         "使用不合格计量器具", "违规收费", "销售禁用农药", "违规储存危险品", "侵害消费者权益")


def _array(words: tuple[str, ...]) -> str:
    return "'{" + ",".join(words) + "}'::text[]"


_PARTY = (f"({_array(_PLACES)})[1 + (c.new_id * 7) % 40] || ({_array(_TRADES)})[1 + (c.new_id / 40 * 11) % 40] || "
          f"({_array(_FORMS)})[1 + (c.new_id / 1600) % 5]")
NAMES_SQL = {"party_name": f"CASE WHEN s.party_type = 'legal_person' THEN {_PARTY} ELSE s.party_name END",
             "title": f"'某' || ({_array(_TRADES)})[1 + (c.new_id / 40 * 11) % 40] || '企业' || "
                      f"({_array(_ACTS)})[1 + (c.new_id * 13) % 20] || '案'"}


def column_expression(table, column, strides: dict) -> str:  # noqa: PLR0911, PLR0912  (one rule per kind of column)
    """What a copied row holds in this column, from s (the template row) and c (its bench_copies row)."""
    from sqlalchemy import Date, DateTime, String
    name, target, ref = column.name, _target(column), f"s.{column.name}"
    if (table.name == "cases" and name == "id") or target == "cases":
        return "c.new_id"
    if table.name == "cases" and name == "case_number":
        return "s.case_number || '-' || c.k"
    if table.name == "cases" and name in ("party_name", "title"):
        return NAMES_SQL[name]
    if target == "users":
        return f"{ref} + c.user_delta"
    if target == "agencies":
        return f"CASE WHEN {ref} = {TEMPLATE_AGENCY} THEN c.agency_id ELSE {ref} END"
    if (table.name == "tasks" and name == "id") or target == "tasks" or name == "task_id":
        return f"c.prefix || substr({ref}, 9)"
    if name == "id" and column.primary_key and table.name in strides:
        return f"{ref} + c.k * {strides[table.name]}"
    if target in strides:
        return f"{ref} + c.k * {strides[target]}"
    if table.name == "due_jobs" and name in ("dedupe_key", "payload"):
        return _job_expression(name, strides)
    if table.name == "workflow_instances" and name == "state":
        return (f"CASE WHEN c.open THEN regexp_replace({ref}, '\"[0-9a-f]{{8}}(-[0-9a-f]{{4}}-[0-9a-f]{{4}}-"
                f"[0-9a-f]{{4}}-[0-9a-f]{{12}})\"', '\"' || c.prefix || '\\1\"', 'g') ELSE {ref} END")
    if isinstance(column.type, DateTime) or getattr(column.type, "impl", None).__class__ is DateTime:
        return f"{ref} - c.shift"
    if isinstance(column.type, Date):
        return f"({ref} - (c.shift_s / 86400)::int)"
    if isinstance(column.type, String) and name in ("number", "document_number", "archive_number"):
        return f"{ref} || '-' || c.k"
    return ref


def _job_expression(name: str, strides: dict) -> str:
    """A job's dedupe key and payload name ids: deadline:<id>:<kind>; deadline_id, case_id, requested_by_id."""
    if name == "dedupe_key":
        return (f"CASE WHEN s.dedupe_key ~ '^deadline:[0-9]+:' THEN 'deadline:' || (split_part(s.dedupe_key, ':', 2)"
                f"::int + c.k * {strides['deadlines']}) || ':' || split_part(s.dedupe_key, ':', 3) "
                f"ELSE s.dedupe_key || ':' || c.k END")
    payload = "s.payload::jsonb"
    for key, value in (("deadline_id", f"(s.payload->>'deadline_id')::int + c.k * {strides['deadlines']}"),
                       ("case_id", "c.new_id"),
                       ("requested_by_id", "(s.payload->>'requested_by_id')::int + c.user_delta")):
        payload = f"CASE WHEN s.payload::jsonb ? '{key}' THEN jsonb_set({payload}, '{{{key}}}', to_jsonb({value})) " \
                  f"ELSE {payload} END"
    return f"({payload})::json"


# Jobs are deleted once done: a closed case has none left (its templates' pending ones are not copied).
ONLY_OPEN = {"due_jobs"}


def copy_tables(conn, tables, strides: dict) -> dict[str, float]:
    """INSERT ... SELECT every case table from its template rows joined with bench_copies."""
    from sqlalchemy import text
    seconds = {}
    for table in tables:
        start = time.perf_counter()
        columns = list(table.c)
        expressions = ", ".join(column_expression(table, column, strides) for column in columns)
        key = "s.id" if table.name == "cases" else "s.case_id"
        conn.execute(text(f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
                          f"SELECT {expressions} FROM {table.name} s JOIN bench_copies c ON c.template_id = {key}"
                          + (" WHERE c.open" if table.name in ONLY_OPEN else "")))
        conn.commit()
        seconds[table.name] = time.perf_counter() - start
        print(f"  {table.name}: {seconds[table.name]:.1f} s", flush=True)
    return seconds


def strides_of(conn, tables) -> dict[str, int]:
    """max(id) + 1 of every case table with an integer id (copy k's ids start above the templates')."""
    from sqlalchemy import Integer, text
    return {table.name: conn.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table.name}"))
            for table in tables if "id" in table.c and isinstance(table.c.id.type, Integer)}


def reset_sequences(conn, tables) -> None:
    from sqlalchemy import Integer, text
    for table in tables:
        if "id" in table.c and isinstance(table.c.id.type, Integer) and table.c.id.autoincrement:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table.name}))"))


def fill_dashboard_counters(app) -> None:
    """The copies bypassed the triggers on tasks and cases (replica mode): count completed tasks and cases
    into the dashboard's counter tables from scratch, as the migration's backfill does."""
    from review_service.dashboard.counters import recount_case_statuses, recount_completed_tasks
    from review_service.extensions import db
    with app.app_context():
        groups, statuses = recount_completed_tasks(), recount_case_statuses()
        db.session.commit()
    print(f"  completed_task_counts: {groups:,} rows, case_status_counts: {statuses:,} rows", flush=True)


# ---------------------------------------------------------------- 5: history, re-chained per copied case

def sizes(conn) -> dict:
    from sqlalchemy import text
    rows = conn.execute(text(
        "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
        "AND c.relname NOT LIKE 'bench_%' ORDER BY 3 DESC")).all()
    cases = conn.scalar(text("SELECT count(*) FROM cases"))
    return {"cases": cases, "total_bytes": sum(r[2] for r in rows),
            "tables": {name: {"rows": tuples, "bytes": size} for name, tuples, size in rows}}


def build(url: str, raw_url: str, cases: int, workdir: Path) -> dict:
    """Every step, timed; returns what to print."""
    from sqlalchemy import create_engine, text
    steps, start = {}, time.perf_counter()
    app = make_app(url, workdir)
    app.config["DOCUMENT_PDF"] = False
    reset_schema(app)
    seed_people(app)
    steps["schema_and_people_s"] = time.perf_counter() - start
    templates = make_templates(app)
    steps["templates_s"] = time.perf_counter() - start - sum(steps.values())
    engine = create_engine(url)
    tables = case_tables()
    with engine.connect() as conn:
        conn.execute(text("SET session_replication_role = replica"))  # no FK checks: ids are remapped in bulk
        conn.execute(text(f"SET default_toast_compression = {TOAST_COMPRESSION}"))
        strides = strides_of(conn, tables)
        plan_copies(conn, templates, cases)
        conn.commit()
        copy_tables(conn, tables, strides)
        reset_sequences(conn, tables)
        conn.commit()
    steps["copies_s"] = time.perf_counter() - start - sum(steps.values())
    fill_dashboard_counters(app)
    steps["counters_s"] = time.perf_counter() - start - sum(steps.values())
    events = write_history(raw_url, template_shapes(app))
    steps["history_s"] = time.perf_counter() - start - sum(steps.values())
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        found = sizes(conn)
    steps["vacuum_s"] = time.perf_counter() - start - sum(steps.values())
    steps["checked_histories"] = check_sample(app)
    return {"steps": steps, "templates": len(templates), "copied_events": events, **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=500_000, help="copied cases (templates come on top)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = build(normalize_url(args.database_url), args.database_url, args.cases, Path(workdir))
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
