"""The province data set's copies (bench/province_data.py step 4): every table holding case rows copied with
INSERT ... SELECT from the template cases joined with bench_copies; the bulk-loaded tables' indexes dropped
before and rebuilt after (one sort per index instead of millions of insertions)."""
import time

CITIES, COUNTIES_PER_CITY, USERS_PER_AGENCY = 30, 99, 20
TEMPLATE_AGENCY = 32  # the first county-level agency (ids: 1 province, 2..31 cities, 32.. counties)
OPEN_DAYS, CLOSED_DAYS = 60, 3 * 365

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
CREATE INDEX ON bench_copies (template_id);
CREATE UNLOGGED TABLE bench_states AS
SELECT w.case_id AS template_id, regexp_replace(w.state, :task_id, '"' || chr(1) || '\\1"', 'g') AS pattern
FROM workflow_instances w JOIN bench_templates t ON t.case_id = w.case_id AND t.open;
CREATE UNLOGGED TABLE bench_heads (case_id int, seq int, hash varchar(64))
"""
# An engine task id in the state: its first 8 hex digits are replaced by copy k's (bench_states holds each open
# template's state with chr(1) in their place, so a copy's state is one replace(), not a regular expression).
TASK_ID_IN_STATE = '"[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"'
# What a copied row of these tables joins besides its template row s and its bench_copies row c.
EXTRA_JOINS = {"cases": "JOIN bench_heads h ON h.case_id = c.new_id",
               "workflow_instances": "LEFT JOIN bench_states p ON p.template_id = c.template_id"}


def plan_copies(conn, templates: list[tuple[int, int, float]], cases: int) -> int:
    """bench_templates and bench_copies; returns the case id stride."""
    from sqlalchemy import text
    stride = conn.scalar(text("SELECT max(id) + 1 FROM cases"))
    conn.execute(text("CREATE UNLOGGED TABLE bench_templates (case_id int, rank int, open boolean, copies int)"))
    rows = [{"case_id": case_id, "rank": rank, "open": 0 <= steps < 7, "copies": max(1, round(cases * share))}
            for rank, (case_id, steps, share) in enumerate(templates)]
    conn.execute(text("INSERT INTO bench_templates VALUES (:case_id, :rank, :open, :copies)"), rows)
    params = {"case_stride": stride, "agencies": CITIES + CITIES * COUNTIES_PER_CITY,  # all but the province
              "open_s": OPEN_DAYS * 86400, "closed_s": CLOSED_DAYS * 86400, "template_agency": TEMPLATE_AGENCY,
              "per_agency": USERS_PER_AGENCY, "task_id": TASK_ID_IN_STATE}
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
    if table.name == "cases" and name in ("history_seq", "history_hash"):
        return f"h.{name.removeprefix('history_')}"  # the head of the re-chained history (province_history.py)
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
        return f"CASE WHEN c.open THEN replace(p.pattern, chr(1), c.prefix) ELSE {ref} END"
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
        with conn.begin():
            conn.execute(text(f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
                              f"SELECT {expressions} FROM {table.name} s JOIN bench_copies c ON c.template_id = {key} "
                              f"{EXTRA_JOINS.get(table.name, '')}"
                              + (" WHERE c.open" if table.name in ONLY_OPEN else "")))
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




# Every index of the bulk-loaded tables except those a foreign key needs (primary keys of parents):
# (table, index, constraint or None, how to make it again).
INDEXES_SQL = """
SELECT t.relname, x.relname, k.conname,
       CASE WHEN k.conname IS NULL THEN pg_get_indexdef(i.indexrelid) ELSE pg_get_constraintdef(k.oid) END
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u')
WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY(:tables)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
ORDER BY pg_relation_size(t.oid) DESC, x.relname
"""


def drop_indexes(conn, table_names: list[str]) -> list[tuple]:
    """Drop the indexes (and unique constraints) bulk loading would maintain row by row; returns them."""
    from sqlalchemy import text
    with conn.begin():
        indexes = [tuple(row) for row in conn.execute(text(INDEXES_SQL), {"tables": table_names})]
        for table, index, constraint, _definition in indexes:
            conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}" if constraint
                              else f"DROP INDEX {index}"))
    return indexes


def rebuild_indexes(engine, settings: tuple[str, ...], indexes: list[tuple], workers: int = 2) -> None:
    """Make the dropped indexes and constraints again, each from one sort of the loaded table: `workers`
    connections, each taking a whole table at a time (largest first), so no two lock the same table."""
    from concurrent.futures import ThreadPoolExecutor
    tables: dict[str, list[tuple]] = {}
    for row in indexes:  # ordered by table size, largest first
        tables.setdefault(row[0], []).append(row)

    def rebuild_table(rows: list[tuple]) -> None:
        from sqlalchemy import text
        start = time.perf_counter()
        with engine.connect() as conn:
            with conn.begin():  # session settings: they outlast the transaction
                for setting in settings:
                    conn.execute(text(setting))
            for table, _index, constraint, definition in rows:
                with conn.begin():
                    conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}" if constraint
                                      else definition))
        print(f"  indexes of {rows[0][0]} ({len(rows)}): {time.perf_counter() - start:.1f} s", flush=True)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(rebuild_table, tables.values()))
