"""CPU of bench/multi_node.py's clusters, per kind of process, and the CPU-per-request comparison (issue 18, item 6).

Kinds (ROLES): "web" (the gunicorn masters and their workers), "workers" (the `--queue default` job workers:
breaches, notifications) and "documents" (the `--queue documents` worker: archive packages, LibreOffice
included). Each connects to PostgreSQL as application_name review-<kind>, so the backends serving it are counted
as "db:<kind>"; this script's own connections (backdating, waiting) are "db:bench" and backends of no kind of
ours (autovacuum) "db:other": neither is the service's. PostgreSQL's background processes (WAL writer,
checkpointer, ...) serve every database of the server, other engineers' too: "db:shared", printed, not counted.
SQLite works in-process: its "db:" parts are 0, its CPU is in the app processes.
"""
import os
from pathlib import Path

ROLES = ("web", "workers", "documents")
DB_ROLES = {f"review-{role}": f"db:{role}" for role in (*ROLES, "bench")} | {"shared": "db:shared"}
CONVERTERS = ("soffice", "oosplash")  # LibreOffice: counted with the documents worker once it ended (cutime)
JUDGED = ("web", "workers", "db:web", "db:workers")  # the service's CPU per request: the target's figure


def cpu_by_role(procs: list[tuple[str, int]], backends: list[tuple[int, str]]) -> dict[str, float]:
    """CPU seconds so far of the cluster's processes [(role, pid)] with their live children (gunicorn workers;
    documents workers also with their ended children, the LibreOffice conversions; a conversion alive now is left
    for later, when it ended), and of the PostgreSQL backends [(pid, application_name)] of this database."""
    cpu = dict.fromkeys((*ROLES, *DB_ROLES.values(), "db:other"), 0.0)
    children = _children()
    for role, pid in procs:
        cpu[role] += sum(_cpu_of(found) for found in _with_descendants(pid, children))
        if role == "documents":
            cpu[role] += _cpu_of(pid, ended_children=True) - _cpu_of(pid)
    for pid, name in backends:
        cpu[DB_ROLES.get(name, "db:other")] += _cpu_of(pid)
    return cpu


def _cpu_of(pid: int, *, ended_children: bool = False) -> float:
    """User + system CPU seconds of one process (/proc/PID/stat; 0 when it is gone), with those of its children
    it waited for when ended_children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(value) for value in fields[11:15 if ended_children else 13])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children() -> dict[int, list[int]]:
    """Parent pid -> its child pids (from /proc/*/stat), LibreOffice's processes left out."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
                parent = int(rest.split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if not name.startswith(CONVERTERS):
                children.setdefault(parent, []).append(int(entry.name))
    return children


def _with_descendants(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], [pid]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


# ---------------------------------------------------------------- the comparison

CPU_TARGET = 1.5  # the service's CPU per request on PostgreSQL at most 1.5x that of a single SQLite process
PARTS = (("web", "web nodes (gunicorn)"), ("workers", "job workers --queue default"),
         ("db:web", "PostgreSQL backends of the web nodes"), ("db:workers", "PostgreSQL backends of the job workers"))


def per_request_ms(cpu: dict, parts=JUDGED) -> float:
    """CPU milliseconds per request of these parts, over the requests' window."""
    return sum(cpu["served"][part] for part in parts) / cpu["requests"] * 1000


def print_cpu(cpu: dict, baseline: dict | None) -> None:
    """The CPU per request of each part and the judged figure (MET/MISSED), the archive packages apart."""
    sides = [("PostgreSQL", cpu)] + ([("SQLite", baseline)] if baseline else [])
    print("CPU per request, from the first request until the default queue's jobs were done ("
          + "; ".join(f"{name} {c['served_seconds']:.1f} s, {c['requests']} requests = {c['driver_requests']} driver + "
                      f"{c['scrapes']} /metrics" for name, c in sides) + "):")
    print(f"{'part (ms per request)':<42}" + "".join(f"{name:>12}" for name, _c in sides)
          + ("       ratio" if baseline else ""))
    rows = [*((label, (part,)) for part, label in PARTS), ("service: the TARGET's figure", JUDGED),
            ("  of which app processes", ("web", "workers")),
            ("  of which PostgreSQL backends", ("db:web", "db:workers"))]
    for label, parts in rows:
        values = [per_request_ms(c, parts) for _name, c in sides]
        ratio = f"{values[0] / values[1]:>11.2f}x" if baseline and values[1] else ""
        print(f"{label:<42}" + "".join(f"{value:>12.2f}" for value in values) + ratio)
    for name, c in sides:
        built, idle = c["built"], c["idle_per_second"]
        print(f"{name}: {c['packages']} archive packages (documents worker with LibreOffice, and its backends; until "
              f"the last was built, {c['built_seconds']:.1f} s after the first measured request): "
              f"{built['documents']:.2f} s + {built['db:documents']:.2f} s = "
              f"{(built['documents'] + built['db:documents']) / c['packages'] * 1000:.0f} ms per package, not in the "
              f"figure; not the service's: this script's connections {c['served']['db:bench']:.2f} s, other backends "
              f"{c['served']['db:other']:.2f} s, the server's background processes (shared with other databases) "
              f"{c['served']['db:shared']:.2f} s; idle, per second: "
              + ", ".join(f"{part} {idle[part] * 1000:.1f} ms" for part in (*ROLES, "db:web", "db:workers"))
              + f"; warm-up ({c['warmup_cases']} cases first, not measured): "
              + ", ".join(f"{part} {c['warmup'][part]:.2f} s" for part in JUDGED))
    if baseline is None:
        return
    ratio = per_request_ms(cpu) / per_request_ms(baseline)
    same = cpu["requests"] == baseline["requests"]
    print(f"TARGET service CPU per request on PostgreSQL (2 nodes x 2 gunicorn workers, 2 job workers, their backends) "
          f"within {CPU_TARGET}x of a single SQLite process (1 gunicorn worker, 1 job worker): "
          f"{'MET' if ratio <= CPU_TARGET else 'MISSED'} ({ratio:.2f}x; app processes only "
          f"{per_request_ms(cpu, ('web', 'workers')) / per_request_ms(baseline):.2f}x)"
          + ("" if same else f" -- NOT the same requests ({cpu['requests']} / {baseline['requests']})"))
    if baseline["problems"]:
        print(f"SQLite baseline problems: {baseline['problems']}")
