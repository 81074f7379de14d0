"""Where PostgreSQL's extra time per task completion goes: round trips, the driver's CPU, the backend's CPU.

From the project root:
    .venv/bin/python bench/pg_trips.py --cases 20 --database-url postgresql://postgres@127.0.0.1:5432/h_x
    .venv/bin/python bench/pg_trips.py --cases 20 --database-url ... --statements   # + each statement's text

Drives run_cases.py's cases (after 3 warm-up cases) on one fresh database (PostgreSQL: schema public DROPPED)
in one thread and, while each completion request runs, counts the client's round trips to the server (every
result psycopg waits for: BEGIN, each statement, COMMIT; an executemany's pipeline is not counted), the wall
clock and this thread's CPU spent in them, the request's CPU and wall clock, and the backend's CPU (its
/proc/<pid>/schedstat, nanoseconds). Prints the mean per completion step, the backend's CPU per kind of
statement, and how often psycopg ran a statement unprepared. On SQLite: statements, CPU and wall clock only.
The driver is instrumented through psycopg internals (3.3): an analysis tool, not a benchmark of record.
"""
import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_app, normalize_url
from run_cases import ServiceDriver, prepare_database


class Trips:
    """psycopg's round trips (one `execute` generator: send, then wait for every result) while `active`:
    their number, wall clock and this thread's CPU, and the backend's CPU (schedstat) per statement kind."""

    def __init__(self, texts: list[str]):
        self.count, self.wall, self.cpu, self.active, self.texts = 0, 0.0, 0.0, False, texts
        self.pid, self.command = 0, ""
        self.prepared: dict[str, int] = defaultdict(int)  # psycopg's answer per statement: NO, SHOULD, YES
        self.per_kind: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # trips, wall ms, backend ms

    def install(self, engine) -> None:
        import psycopg._connection_base as connection_base
        import psycopg._cursor_base as cursor_base
        from psycopg._preparing import PrepareManager
        from sqlalchemy import event

        original, get = cursor_base.execute, PrepareManager.get
        exec_command = connection_base.BaseConnection._exec_command

        def prepared_or_not(manager, *args, **kwargs):
            answer = get(manager, *args, **kwargs)
            if self.active:
                self.prepared[answer[0].name] += 1
            return answer

        def remembered(connection, command, *args, **kwargs):
            self.command = (command if isinstance(command, bytes) else str(command).encode()).decode()[:20]
            return exec_command(connection, command, *args, **kwargs)

        def checkout(dbapi, *_args):
            self.pid = dbapi.info.backend_pid
        PrepareManager.get = prepared_or_not
        connection_base.BaseConnection._exec_command = remembered
        cursor_base.execute = self._counted(original, command=False)
        connection_base.generators.execute = self._counted(original, command=True)  # BEGIN / COMMIT / ROLLBACK
        event.listen(engine, "checkout", checkout)

    def _counted(self, original, *, command: bool):
        def execute(pgconn, *args, **kwargs):
            if not self.active:
                return (yield from original(pgconn, *args, **kwargs))
            kind = self.command if command else " ".join(self.texts[-1].split())[:70] if self.texts else "?"
            backend, wall, cpu = self.backend_ns(), time.perf_counter(), time.thread_time()
            try:
                return (yield from original(pgconn, *args, **kwargs))
            finally:
                self.count += 1
                self.cpu += time.thread_time() - cpu
                wall = time.perf_counter() - wall
                self.wall += wall
                row = self.per_kind[kind]
                row[0] += 1
                row[1] += wall * 1000
                row[2] += (self.backend_ns() - backend) / 1e6
        return execute

    def backend_ns(self) -> int:
        try:
            return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[0])
        except OSError:
            return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--database-url", help="default: a fresh SQLite file; postgresql://...: schema DROPPED")
    parser.add_argument("--statements", action="store_true", help="print the statements of the last case")
    parser.add_argument("--setup-sql", action="append", default=[],
                        help="SQL run after the migrations (analysis only, e.g. disabling a trigger)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="review-trips-") as tmp:
        app = make_app(normalize_url(args.database_url or f"sqlite:///{Path(tmp) / 'trips.db'}"), Path(tmp))
        prepare_database(app)
        from sqlalchemy import event, text

        from review_service.extensions import db
        from review_service.unit_of_work import unit_of_work
        texts: list[str] = []
        trips = Trips(texts)
        with app.app_context(), unit_of_work():
            engine = db.engine
            for statement in args.setup_sql:
                db.session.execute(text(statement))
        if engine.dialect.name == "postgresql":
            trips.install(engine)
        event.listen(engine, "before_cursor_execute", lambda _c, _cu, statement, *_a: texts.append(statement))
        driver = ServiceDriver(app)
        for number in range(3):
            driver.drive_case(f"市监罚〔预热〕{number + 1}号")
        request, sums, counts = driver.request, defaultdict(lambda: defaultdict(float)), defaultdict(int)
        last: dict[str, list[str]] = {}

        def measured(kind, *rest, **kwargs):
            if not kind.startswith("complete:"):
                return request(kind, *rest, **kwargs)
            before = (trips.count, trips.wall, trips.cpu, trips.backend_ns(), len(texts))
            trips.active, wall, cpu = True, time.perf_counter(), time.thread_time()
            try:
                return request(kind, *rest, **kwargs)
            finally:
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
                trips.active = False
                row, name = sums[kind[9:]], kind[9:]
                row["trips"] += trips.count - before[0]
                row["trip wall"] += (trips.wall - before[1]) * 1000
                row["trip cpu"] += (trips.cpu - before[2]) * 1000
                row["backend cpu"] += (trips.backend_ns() - before[3]) / 1e6
                row["statements"] += len(texts) - before[4]
                row["cpu"] += cpu * 1000
                row["wall"] += wall * 1000
                counts[name] += 1
                last[name] = texts[before[4]:]
        driver.request = measured
        for number in range(args.cases):
            driver.drive_case(f"市监罚〔2026〕{number + 1}号")
        with app.app_context():
            db.engine.dispose()
    _report(sums, counts, last if args.statements else {}, trips.per_kind)
    if trips.prepared:
        print("\npsycopg's prepared statements (NO: parsed and planned each time; SHOULD: prepared now; YES: reused):",
              dict(trips.prepared))
    return 0


def _report(sums, counts, last, per_kind) -> None:
    columns = ("statements", "trips", "wall", "cpu", "trip wall", "trip cpu", "backend cpu")
    print(f"\nmean per completion (ms; trips = round trips)\n{'step':<20}" + "".join(f"{c:>13}" for c in columns))
    total, n = defaultdict(float), 0
    for step, row in sums.items():
        print(f"{step:<20}" + "".join(f"{row[c] / counts[step]:13.2f}" for c in columns))
        for c in columns:
            total[c] += row[c]
        n += counts[step]
    print(f"{'(all)':<20}" + "".join(f"{total[c] / n:13.2f}" for c in columns))
    if per_kind:
        print(f"\nper round trip, by statement (over {n} completions): trips per completion, mean wall ms, "
              "mean backend ms")
        for kind, (trips, wall, backend) in sorted(per_kind.items(), key=lambda item: -item[1][2]):
            print(f"  {trips / n:5.2f} {wall / trips:7.3f} {backend / trips:7.3f}  {kind}")
    for step, statements in last.items():
        print(f"\n{step}:")
        for number, statement in enumerate(statements, 1):
            print(f"{number:3} ", " ".join(statement.split())[:160])


if __name__ == "__main__":
    sys.exit(main())
