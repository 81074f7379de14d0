"""Where a fired timer's cost goes: one in-process worker under cProfile, on the fire_timers cases.

    .venv/bin/python bench/job_profile.py --timers 2000 --database-url postgresql://postgres@127.0.0.1:5432/h_jobs_bench

Prepares the cases as fire_timers.py does (schema public DROPPED), then runs `work_once` of the real worker
in this process until nothing is due, counting the SQL statements, and prints per job: wall time, CPU time
of this process, statements, and the functions with the most cumulative time (cProfile).
"""
import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import make_app, normalize_url
from timer_cases import prepare


def fire_all(app, batch: int, profiler: cProfile.Profile | None) -> dict:
    """work_once until no due job is left; wall, CPU and statements."""
    from sqlalchemy import event

    from review_service.extensions import db
    from review_service.jobs.models import JobQueue
    from review_service.jobs.worker import work_once, worker_name
    statements = [0]
    with app.app_context():
        def count(*_args):
            statements[0] += 1
        event.listen(db.engine, "before_cursor_execute", count)
        owner, done = worker_name(), 0
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        while True:
            results = work_once(owner, batch=batch, queues=(JobQueue.DEFAULT,))  # the timers, not the 3 PDFs
            db.session.remove()
            if not results:
                break
            done += sum(r.outcome == "done" for r in results)
        if profiler is not None:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        event.remove(db.engine, "before_cursor_execute", count)
        db.engine.dispose()
    return {"done": done, "wall": wall, "cpu": cpu, "statements": statements[0]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--top", type=int, default=30, help="functions listed (default 30)")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative (default) or tottime")
    parser.add_argument("--no-profile", action="store_true", help="time only (cProfile adds its own overhead)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/h_jobs_bench")
    args = parser.parse_args(argv)
    url = normalize_url(args.database_url)
    with tempfile.TemporaryDirectory(prefix="review-jobprof-") as tmp:
        prepare(url, args.timers, Path(tmp))
        app = make_app(url, Path(tmp))
        profiler = None if args.no_profile else cProfile.Profile()
        numbers = fire_all(app, args.batch, profiler)
    n = max(numbers["done"], 1)
    print(f"{numbers['done']} jobs in {numbers['wall']:.2f} s = {numbers['done'] / numbers['wall']:.0f} jobs/s "
          f"(one worker in-process{'' if profiler is None else ', under cProfile'}); per job: "
          f"wall {numbers['wall'] / n * 1000:.2f} ms, CPU of this process {numbers['cpu'] / n * 1000:.2f} ms, "
          f"{numbers['statements'] / n:.1f} SQL statements")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    return 0 if numbers["done"] >= args.timers else 1


if __name__ == "__main__":
    sys.exit(main())
