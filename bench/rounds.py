"""Does a case get slower with its correction rounds? Completion at round 1 and at round 20, interleaved.

From the project root:
    .venv/bin/python bench/rounds.py                       # 20 pairs, fresh SQLite file in a temp dir
    .venv/bin/python bench/rounds.py --pairs 30 --database-url postgresql://postgres@127.0.0.1:5432/h_x_bench

A round is review_case (issues) -> respond_to_opinion (correct). Per pair, untimed: a *long* case driven
through rounds-1 rounds and a *fresh* case just accepted. Then, timed and alternating, the same four
requests on both: review_case (issues) and respond_to_opinion of the fresh case's round 1 and of the long
case's round N. Afterwards every long case is driven to the end (approve, decide, publish, archive) and
must be decided. Targets: completion p50 at round N <= 1.2x round 1 (per step and overall; wall clock, the
ratio of CPU time of the driving thread printed beside it for reference), and the stored engine state
(workflow_instances.state) after round N < 30 KB.
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Timings, environment, make_app, normalize_url, percentile
from payloads import ARCHIVING, CORRECTION, DECISION, PUBLICATION, review, submission
from run_cases import ServiceDriver, prepare_database

MAX_SLOWDOWN = 1.2
MAX_STATE_BYTES = 30_000
STEPS = ("review_case", "respond_to_opinion")
ROUND = (("review_case", "reviewer", review("issues")), ("respond_to_opinion", "handler", CORRECTION))
TO_THE_END = (("review_case", "reviewer", review("approve")), ("record_decision", "head", DECISION),
              ("publish_decision", "handler", PUBLICATION), ("archive_case", "handler", ARCHIVING))


def complete(driver: ServiceDriver, case_id: int, name: str, user: str, data: dict, kind: str) -> None:
    """Complete the case's open task `name`, timed as `kind`."""
    task_id = driver.open_task_id(user, case_id, name)
    task = driver.request(kind, user, "POST", f"/api/v1/tasks/{task_id}/complete", 200, {"data": data})
    assert task["status"] == "completed", task


def new_case(driver: ServiceDriver, label: str) -> int:
    case = driver.request("submit_case", "handler", "POST", "/api/v1/cases", 201, submission(label))
    complete(driver, case["id"], "accept_submission", "reviewer", {"result": "accept"}, "setup")
    return case["id"]


def state_size(app, case_id: int) -> int:
    from sqlalchemy import func, select

    from review_service.extensions import db
    from review_service.processes.models import WorkflowInstance
    with app.app_context():
        size = db.session.scalar(select(func.length(WorkflowInstance.state)).where(WorkflowInstance.case_id == case_id))
        db.session.remove()
    return int(size)


def run(app, pairs: int, rounds: int, warmup: int) -> dict:
    """Build the cases, measure interleaved, drive the long cases to the end; return samples and sizes."""
    driver = ServiceDriver(app)
    long_cases = []
    for number in range(pairs + warmup):
        case_id = new_case(driver, f"市监罚〔长〕{number + 1}号")
        for _ in range(rounds - 1):
            for name, user, data in ROUND:
                complete(driver, case_id, name, user, data, "setup")
        long_cases.append(case_id)
    fresh_cases = [new_case(driver, f"市监罚〔新〕{number + 1}号") for number in range(pairs + warmup)]
    driver.reset()
    for index, (fresh, long) in enumerate(zip(fresh_cases, long_cases, strict=True)):
        label = "warmup" if index < warmup else "round"
        for name, user, data in ROUND:
            complete(driver, fresh, name, user, data, f"{label}1:{name}")
            complete(driver, long, name, user, data, f"{label}{rounds}:{name}")
    sizes = {"round1": max(state_size(app, case_id) for case_id in fresh_cases),
             f"round{rounds}": max(state_size(app, case_id) for case_id in long_cases)}
    for case_id in long_cases:
        for name, user, data in TO_THE_END:
            complete(driver, case_id, name, user, data, "end")
        case = driver.request("get_case", "handler", "GET", f"/api/v1/cases/{case_id}", 200)
        assert case["status"] == "decided", case["status"]
    sizes["after_the_end"] = max(state_size(app, case_id) for case_id in long_cases)
    return {"timings": driver.timings, "sizes": sizes, "statements": driver.statements}


def report(result: dict, rounds: int, load_before: tuple, load_after: tuple) -> bool:
    """Print the table and the verdicts; True when every target is met."""
    timings: Timings = result["timings"]
    verdict = {True: "MET", False: "MISSED"}
    print(f"\n{'step':<22}{'round 1 p50':>12}{f'round {rounds} p50':>14}{'ratio':>8}{'cpu ratio':>10}"
          f"{'sql r1/rN':>11}  verdict (wall)")
    ok = True
    for name in (*STEPS, "(all)"):
        kinds = STEPS if name == "(all)" else (name,)
        p1, pn = (percentile([s for k in kinds for s in timings.samples[f"round{n}:{k}"]], 50) * 1000
                  for n in (1, rounds))
        c1, cn = (percentile([s for k in kinds for s in timings.cpu[f"round{n}:{k}"]], 50) * 1000
                  for n in (1, rounds))
        sql = "" if name == "(all)" else (f"{percentile(result['statements'][f'round1:{name}'], 50)}/"
                                          f"{percentile(result['statements'][f'round{rounds}:{name}'], 50)}")
        met = pn <= MAX_SLOWDOWN * p1
        ok &= met
        print(f"{name:<22}{p1:>12.2f}{pn:>14.2f}{pn / p1:>7.2f}x{cn / c1:>9.2f}x{sql:>11}  {verdict[met]}")
    sizes = result["sizes"]
    size_ok = sizes[f"round{rounds}"] < MAX_STATE_BYTES
    print(f"\nstored engine state (largest, bytes): {json.dumps(sizes)}")
    print(f"completion at round {rounds} <= {MAX_SLOWDOWN}x round 1 (p50, per step and overall): {verdict[ok]}")
    print(f"engine state after round {rounds} < {MAX_STATE_BYTES} bytes: {verdict[size_ok]} "
          f"({sizes[f'round{rounds}']} bytes)")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    return ok and size_ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20, help="timed case pairs (default 20)")
    parser.add_argument("--rounds", type=int, default=20, help="the long cases' round measured (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed pairs first (default 2)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file; postgresql://...: schema DROPPED")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON to this path")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="review-rounds-") as tmp:
        url = normalize_url(args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        env = environment(url)
        print(f"database {env['database']} | revision {env['revision']} | {env['cpu_count']} CPUs | "
              f"load {env['load_average'][0]:.2f}", flush=True)
        app = make_app(url, Path(tmp))
        prepare_database(app)
        result = run(app, args.pairs, args.rounds, args.warmup)
        from review_service.extensions import db
        with app.app_context():
            db.engine.dispose()
    ok = report(result, args.rounds, env["load_average"], os.getloadavg())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"environment": env, "sizes": result["sizes"],
                                         "samples_ms": result["timings"].raw_ms()}, indent=2, ensure_ascii=False))
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
