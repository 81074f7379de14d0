"""dashboard counters kept by triggers: completed tasks per (agency, kind, title, opened day, done day), cases per
(agency, status)

Revision ID: e984fe5e99ae
Revises: 66ca159c50bc
Create Date: 2026-12-06 06:40:00

The dashboard's working days per stage read these groups instead of the tasks completed in the period
(issue 18: at 500,000 cases that aggregation took ≈ 0.9–1.5 s). Triggers keep them, on SQLite and
PostgreSQL alike (review_service/dashboard/models.py says why):
- a task that becomes completed (INSERT or UPDATE) adds itself to its group: one UPSERT inside the
  completing statement, so a completion sends no extra statement;
- a completed task that changes (status, completed_at, created_at, agency_id, kind or title) or is deleted
  has its old group, and its new one, recounted from tasks (DELETE + INSERT ... SELECT over the tasks
  completed on that Beijing day, through ix_tasks_completed).
Days are Beijing days (UTC+8), hours are elapsed hours, as the dashboard computed them from tasks.
Each task is counted twice: in its agency's own group (below = false) and in the `below` group of every
agency above it (below = true), so a whole subtree's groups (a province's) are one agency's rows, however
many agencies and tasks it holds. The existing completed tasks are counted once here (INSERT ... SELECT).

Cases per (agency, status) replace the dashboard's GROUP BY over every case of the scope (a sequential
scan of `cases` for a province): a new case adds one to its (agency, status), a change of status or
agency moves one from the old to the new, locking the two rows in key order so that two cases moving in
opposite directions cannot deadlock. Cases are never deleted (their history refuses DELETE), so no
DELETE trigger. Backfilled from cases.
"""
import sqlalchemy as sa
from alembic import op

revision = 'e984fe5e99ae'
down_revision = '66ca159c50bc'
branch_labels = None
depends_on = None

COLUMNS = "agency_id, below, done_on, kind, title, opened_on, tasks, total_hours, max_hours"
KEY = "agency_id, below, done_on, kind, title, opened_on"
# (top, id): every agency `id` below `top`, at any depth
BELOW_PAIRS = ("WITH RECURSIVE pairs(top, id) AS (SELECT parent_id, id FROM agencies WHERE parent_id IS NOT NULL "
               "UNION ALL SELECT agencies.parent_id, pairs.id FROM pairs JOIN agencies ON agencies.id = pairs.top "
               "WHERE agencies.parent_id IS NOT NULL)")
ROLL_UP = ("SELECT pairs.top, true, c.done_on, c.kind, c.title, c.opened_on, sum(c.tasks), sum(c.total_hours), "
           "max(c.max_hours) FROM pairs JOIN completed_task_counts c ON c.agency_id = pairs.id AND c.below = false "
           "{where} GROUP BY pairs.top, c.done_on, c.kind, c.title, c.opened_on")
PG_DAY = "date(timezone('Asia/Shanghai', {}))"
PG_HOURS = "(extract(epoch FROM {end} - {start}) / 3600.0)"
SQLITE_DAY = "date({}, '+8 hours')"
SQLITE_HOURS = "((julianday({end}) - julianday({start})) * 24.0)"


def _expressions(dialect: str) -> tuple[str, str]:
    return (PG_DAY, PG_HOURS) if dialect == "postgresql" else (SQLITE_DAY, SQLITE_HOURS)


def _counted(dialect: str, where: str = "") -> str:
    """SELECT the groups of the completed tasks (those matching `where`, an extra condition)."""
    day, hours = _expressions(dialect)
    elapsed = hours.format(start="created_at", end="completed_at")
    return (f"SELECT agency_id, false, {day.format('completed_at')}, kind, title, {day.format('created_at')}, "
            f"count(*), sum({elapsed}), max({elapsed}) FROM tasks "
            f"WHERE status = 'completed' AND completed_at IS NOT NULL {where} "
            f"GROUP BY agency_id, kind, title, {day.format('created_at')}, {day.format('completed_at')}")


def _above(row: str) -> str:
    """WITH above(id): every agency above `row`'s agency."""
    return (f"WITH RECURSIVE above(id) AS (SELECT parent_id FROM agencies WHERE id = {row}.agency_id "
            "UNION ALL SELECT agencies.parent_id FROM agencies JOIN above ON agencies.id = above.id) ")


def _add(dialect: str, row: str, when: str) -> str:
    """Add `row` (NEW) to its group, and to the `below` group of every agency above it, when `when` holds:
    INSERT ... SELECT ... ON CONFLICT DO UPDATE."""
    day, hours = _expressions(dialect)
    elapsed = hours.format(start=f"{row}.created_at", end=f"{row}.completed_at")
    greatest = "greatest" if dialect == "postgresql" else "max"
    values = (f"{day.format(row + '.completed_at')}, {row}.kind, {row}.title, {day.format(row + '.created_at')}, "
              f"1, {elapsed}, {elapsed}")
    upsert = (f" ON CONFLICT ({KEY}) DO UPDATE SET tasks = completed_task_counts.tasks + 1, "
              "total_hours = completed_task_counts.total_hours + excluded.total_hours, "
              f"max_hours = {greatest}(completed_task_counts.max_hours, excluded.max_hours)")
    return (f"INSERT INTO completed_task_counts ({COLUMNS}) SELECT {row}.agency_id, false, {values} "
            f"WHERE {when}{upsert}; INSERT INTO completed_task_counts ({COLUMNS}) {_above(row)}"
            f"SELECT above.id, true, {values} FROM above WHERE above.id IS NOT NULL AND {when}{upsert}")


def _recount(dialect: str, row: str) -> list[str]:
    """Recount the group of `row` (OLD or NEW) from tasks: DELETE it, INSERT what tasks now hold."""
    day, _hours = _expressions(dialect)
    done, opened = day.format(f"{row}.completed_at"), day.format(f"{row}.created_at")
    if dialect == "postgresql":
        since = f"({done})::timestamp AT TIME ZONE 'Asia/Shanghai'"
        until = f"({done} + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    else:
        since, until = f"datetime({done}, '-8 hours')", f"datetime({done}, '+16 hours')"
    same = (f"AND agency_id = {row}.agency_id AND kind = {row}.kind AND title = {row}.title "
            f"AND completed_at >= {since} AND completed_at < {until} AND {day.format('created_at')} = {opened}")
    group = f"done_on = {done} AND kind = {row}.kind AND title = {row}.title AND opened_on = {opened}"
    rolled = (f"AND c.done_on = {done} AND c.kind = {row}.kind AND c.title = {row}.title AND c.opened_on = {opened} "
              f"AND pairs.top IN ({_above(row)}SELECT id FROM above)")
    return [f"DELETE FROM completed_task_counts WHERE agency_id = {row}.agency_id AND below = false AND {group}",
            f"INSERT INTO completed_task_counts ({COLUMNS}) {_counted(dialect, same)}",
            f"DELETE FROM completed_task_counts WHERE below = true AND {group} "
            f"AND agency_id IN ({_above(row)}SELECT id FROM above)",
            f"INSERT INTO completed_task_counts ({COLUMNS}) {BELOW_PAIRS} {ROLL_UP.format(where=rolled)}"]


PG_FUNCTION = """
CREATE FUNCTION count_completed_tasks() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({counters_lock});
    IF TG_OP <> 'INSERT' AND OLD.status = 'completed' AND OLD.completed_at IS NOT NULL THEN
        {recount_old};
        IF TG_OP = 'UPDATE' AND NEW.status = 'completed' AND NEW.completed_at IS NOT NULL THEN
            {recount_new};
        END IF;
    ELSIF TG_OP <> 'DELETE' AND NEW.status = 'completed' AND NEW.completed_at IS NOT NULL THEN
        {add_new};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""
COUNTED_COLUMNS = "status, completed_at, created_at, agency_id, kind, title"
# PostgreSQL: the counters change when the transaction commits (deferred constraint triggers), so a counter row
# is locked for the commit only, not from the statement on: concurrent completions in one agency (or under one
# province) met on those rows for the rest of their transactions and deadlocked (bench/multi_node.py)
AT_COMMIT = "DEFERRABLE INITIALLY DEFERRED"
# ... and one committing transaction at a time changes counters (a transaction-level advisory lock taken before
# its first counter row): at commit two transactions still met on rows in different orders and deadlocked.
# The lock is held for the few upserts of one commit.
COUNTERS_LOCK = 1849207261
TRIGGERS = ("tasks_count_completed_insert", "tasks_count_completed_update", "tasks_count_completed_delete")


def _postgresql_triggers() -> list[str]:
    function = PG_FUNCTION.format(counters_lock=COUNTERS_LOCK, recount_old=";\n        ".join(_recount("postgresql", "OLD")),
                                  recount_new=";\n            ".join(_recount("postgresql", "NEW")),
                                  add_new=_add("postgresql", "NEW", "true"))
    call = f"{AT_COMMIT} FOR EACH ROW WHEN ({{}}) EXECUTE FUNCTION count_completed_tasks()"
    old_completed, new_completed = "OLD.status = 'completed'", "NEW.status = 'completed'"
    return [function,
            f"CREATE CONSTRAINT TRIGGER {TRIGGERS[0]} AFTER INSERT ON tasks {call.format(new_completed)}",
            f"CREATE CONSTRAINT TRIGGER {TRIGGERS[1]} AFTER UPDATE OF {COUNTED_COLUMNS} ON tasks "
            f"{call.format(old_completed + ' OR ' + new_completed)}",
            f"CREATE CONSTRAINT TRIGGER {TRIGGERS[2]} AFTER DELETE ON tasks {call.format(old_completed)}"]


def _sqlite_triggers() -> list[str]:
    """SQLite's trigger bodies have no IF: each statement is guarded by its own WHERE."""
    old_counted = "OLD.status = 'completed' AND OLD.completed_at IS NOT NULL"
    new_counted = "NEW.status = 'completed' AND NEW.completed_at IS NOT NULL"
    recount_old = _guarded(_recount("sqlite", "OLD"), old_counted)
    recount_new = _guarded(_recount("sqlite", "NEW"), f"{old_counted} AND {new_counted}")
    add_new = _add("sqlite", "NEW", f"NOT ({old_counted})")  # else both groups were recounted
    return [f"CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON tasks WHEN {new_counted} "
            f"BEGIN {_add('sqlite', 'NEW', 'true')}; END",
            f"CREATE TRIGGER {TRIGGERS[1]} AFTER UPDATE OF {COUNTED_COLUMNS} ON tasks "
            f"WHEN ({old_counted}) OR ({new_counted}) BEGIN {'; '.join(recount_old + recount_new)}; "
            f"{add_new}; END",
            f"CREATE TRIGGER {TRIGGERS[2]} AFTER DELETE ON tasks WHEN {old_counted} BEGIN {'; '.join(recount_old)}; END"]


def _guarded(statements: list[str], condition: str) -> list[str]:
    """The recount's DELETEs and INSERT ... SELECTs, each only when `condition` holds."""
    own_delete, own_insert, below_delete, below_insert = statements
    return [f"{own_delete} AND {condition}",
            own_insert.replace("WHERE status = 'completed'", f"WHERE {condition} AND status = 'completed'"),
            f"{below_delete} AND {condition}",
            below_insert.replace("AND c.below = false", f"AND c.below = false AND {condition}")]


CASE_TRIGGERS = ("cases_count_status_insert", "cases_count_status_update")
PG_CASE_FUNCTION = """
CREATE FUNCTION count_case_statuses() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({counters_lock});
    IF TG_OP = 'INSERT' THEN
        {add_new};
    ELSIF (OLD.agency_id, OLD.status) < (NEW.agency_id, NEW.status) THEN
        {remove_old};
        {add_new};
    ELSE
        {add_new};
        {remove_old};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def _case_count(row: str, change: int) -> str:
    return (f"INSERT INTO case_status_counts (agency_id, status, cases) VALUES ({row}.agency_id, {row}.status, "
            f"{change}) ON CONFLICT (agency_id, status) DO UPDATE SET cases = case_status_counts.cases + {change}")


def _case_triggers(dialect: str) -> list[str]:
    moved = "OLD.status IS NOT NEW.status OR OLD.agency_id IS NOT NEW.agency_id"
    if dialect == "postgresql":
        call = f"{AT_COMMIT} FOR EACH ROW {{}}EXECUTE FUNCTION count_case_statuses()"
        return [PG_CASE_FUNCTION.format(counters_lock=COUNTERS_LOCK, add_new=_case_count("NEW", 1),
                                        remove_old=_case_count("OLD", -1)),
                f"CREATE CONSTRAINT TRIGGER {CASE_TRIGGERS[0]} AFTER INSERT ON cases {call.format('')}",
                f"CREATE CONSTRAINT TRIGGER {CASE_TRIGGERS[1]} AFTER UPDATE OF status, agency_id ON cases "
                f"{call.format('WHEN (' + moved.replace(' IS NOT ', ' IS DISTINCT FROM ') + ') ')}"]
    return [f"CREATE TRIGGER {CASE_TRIGGERS[0]} AFTER INSERT ON cases BEGIN {_case_count('NEW', 1)}; END",
            f"CREATE TRIGGER {CASE_TRIGGERS[1]} AFTER UPDATE OF status, agency_id ON cases WHEN {moved} "
            f"BEGIN {_case_count('OLD', -1)}; {_case_count('NEW', 1)}; END"]


def upgrade():
    op.create_table(
        'completed_task_counts',
        sa.Column('agency_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('below', sa.Boolean(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('tasks', sa.Integer(), nullable=False),
        sa.Column('total_hours', sa.Float(), nullable=False),
        sa.Column('max_hours', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('agency_id', 'below', 'done_on', 'kind', 'title', 'opened_on'),
    )
    op.create_index('ix_completed_task_counts_done_on', 'completed_task_counts', ['done_on'])
    dialect = op.get_bind().dialect.name
    op.execute(f"INSERT INTO completed_task_counts ({COLUMNS}) {_counted(dialect)}")
    op.execute(f"INSERT INTO completed_task_counts ({COLUMNS}) {BELOW_PAIRS} {ROLL_UP.format(where='')}")
    for statement in _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)
    op.create_table(
        'case_status_counts',
        sa.Column('agency_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('agency_id', 'status'),
    )
    op.execute("INSERT INTO case_status_counts (agency_id, status, cases) "
               "SELECT agency_id, status, count(*) FROM cases GROUP BY agency_id, status")
    for statement in _case_triggers(dialect):
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, names in (("tasks", TRIGGERS), ("cases", CASE_TRIGGERS)):
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS count_completed_tasks()")
        op.execute("DROP FUNCTION IF EXISTS count_case_statuses()")
    op.drop_table('case_status_counts')
    op.drop_table('completed_task_counts')
