"""Where the time of a task completion goes: CPU (or wall) time per part of the service, per completion.

From the project root:
    .venv/bin/python bench/completion_parts.py --cases 40          # CPU time (time.thread_time)
    .venv/bin/python bench/completion_parts.py --cases 40 --wall   # wall clock (includes fsync, waiting for a CPU)

Drives the same cases as run_cases.py on a fresh SQLite file (or --database-url), and while a task
completion request runs, adds up the time spent inside a few service functions (wrapped where they are
looked up) and inside SQLAlchemy's Session.flush / Session.commit. Parts nest (sync_tasks contains
sync_deadlines and some flushes; load_run contains load_instance), so the column does not add up to the
total; the remainder outside every part is the HTTP layer (test client, routing, webargs, hooks, JSON).
"""
import argparse
import importlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_app, normalize_url
from run_cases import ServiceDriver, prepare_database

# (module, function, modules where callers look it up): the parts of POST /api/v1/tasks/{id}/complete
S = "review_service."
PARTS = (
    (S + "accounts.service", "user_for_token", (S + "accounts.auth",)),
    (S + "tasks.service", "lock_open_task", ()),
    (S + "tasks.service", "check_can_work", ()),
    (S + "tasks.service", "validate_form", ()),
    (S + "tasks.service", "load_run", ()),
    (S + "engine.runner", "load_instance", ()),
    (S + "tasks.service", "_run_engine_task", ()),
    (S + "tasks.service", "apply_effects", ()),
    (S + "tasks.service", "record_event", ()),
    (S + "tasks.service", "sync_tasks", ()),
    (S + "tasks.hooks", "sync_deadlines", (S + "tasks.mirror",)),
    (S + "tasks.hooks", "assign_review_task", (S + "tasks.mirror",)),
    (S + "tasks.mirror", "record_event", ()),
    (S + "tasks.service", "save_run", ()),
    (S + "engine.runner", "dump_instance", ()),
    (S + "persistence", "flush_changes", (S + "tasks.service",)),
)


class PartTimer:
    """Adds up the time spent in each wrapped function while `active` is set."""

    def __init__(self, clock):
        self.clock, self.active, self.totals = clock, False, defaultdict(float)

    def wrap(self, label: str, function):
        def timed(*args, **kwargs):
            if not self.active:
                return function(*args, **kwargs)
            start = self.clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.totals[label] += self.clock() - start
        return timed

    def install(self) -> None:
        for module_name, name, also_in in PARTS:
            module = importlib.import_module(module_name)
            label = name if module_name.endswith(("tasks.service", "engine.runner")) else f"{name} ({module_name[15:]})"
            timed = self.wrap(label, getattr(module, name))
            for where in (module_name, *also_in):
                setattr(importlib.import_module(where), name, timed)
        from sqlalchemy.orm import Session
        for method in ("flush", "commit"):
            setattr(Session, method, self.wrap(f"Session.{method}", getattr(Session, method)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--database-url", help="default: a fresh SQLite file; postgresql://...: schema DROPPED")
    parser.add_argument("--wall", action="store_true", help="wall clock instead of this thread's CPU time")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.wall else time.thread_time
    with tempfile.TemporaryDirectory(prefix="review-parts-") as tmp:
        app = make_app(normalize_url(args.database_url or f"sqlite:///{Path(tmp) / 'parts.db'}"), Path(tmp))
        prepare_database(app)
        timer = PartTimer(clock)
        timer.install()
        driver = ServiceDriver(app)
        driver.drive_case("市监罚〔预热〕1号")
        request, total, count = driver.request, [0.0], [0]

        def timed_request(kind, *rest, **kwargs):
            if not kind.startswith("complete:"):
                return request(kind, *rest, **kwargs)
            timer.active, start = True, clock()
            try:
                return request(kind, *rest, **kwargs)
            finally:
                total[0] += clock() - start
                count[0] += 1
                timer.active = False
        driver.request = timed_request
        for number in range(args.cases):
            driver.drive_case(f"市监罚〔2026〕{number + 1}号")
        from review_service.extensions import db
        with app.app_context():
            db.engine.dispose()
    what = "wall clock" if args.wall else "CPU time"
    print(f"\n{count[0]} task completions, {what} per completion (mean): {total[0] / count[0] * 1000:.2f} ms")
    for label, seconds in sorted(timer.totals.items(), key=lambda item: -item[1]):
        print(f"  {label:<42}{seconds / count[0] * 1000:8.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
