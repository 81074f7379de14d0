"""The province data set's history: each copied case's events re-chained with the service's SHA-256 (as
review_service/audit/service.py does) and written with COPY; a sample of cases checked afterwards."""
import io
import json
from datetime import timedelta

EVENT_COLUMNS = ("case_id", "seq", "occurred_at", "actor_id", "actor_name", "action", "task_id", "round", "data",
                 "prev_hash", "hash")


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class EventShape:
    """One template event, with the parts of its canonical JSON that do not change between copies."""

    def __init__(self, row):
        self.seq, self.occurred_at, self.actor_id, self.task_id = row.seq, row.occurred_at, row.actor_id, row.task_id
        self.head = f'{{"action":{_dumps(row.action)},"actor_id":'
        self.middle = f',"actor_name":{_dumps(row.actor_name)},"case_id":'
        self.data = f',"data":{_dumps(row.data)},"occurred_at":"'
        self.tail = f',"round":{row.round},"seq":{row.seq},"task_id":'
        self.fixed = (_copy_text(row.actor_name), _copy_text(row.action), str(row.round), _copy_text(_dumps(row.data)))


def chain_copy(shapes: list[EventShape], new_id: int, k_prefix: str, user_delta: int, shift: timedelta,
               out: io.StringIO) -> tuple[int, str]:
    """Write a copied case's events as COPY lines; return its head (seq, hash)."""
    import hashlib
    previous = "0" * 64
    for shape in shapes:
        actor = "null" if shape.actor_id is None else str(shape.actor_id + user_delta)
        task = None if shape.task_id is None else k_prefix + shape.task_id[8:]
        at = (shape.occurred_at - shift).isoformat()
        canonical = (f'{shape.head}{actor}{shape.middle}{new_id}{shape.data}{at}","prev_hash":"{previous}"'
                     f'{shape.tail}{"null" if task is None else chr(34) + task + chr(34)}}}')
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        name, action, round_, data = shape.fixed
        out.write(f"{new_id}\t{shape.seq}\t{at}\t{actor if actor != 'null' else chr(92) + 'N'}\t{name}\t{action}\t"
                  f"{task if task is not None else chr(92) + 'N'}\t{round_}\t{data}\t{previous}\t{digest}\n")
        previous = digest
    return (shapes[-1].seq if shapes else 0), previous


def template_shapes(app) -> dict[int, list[EventShape]]:
    """The templates' events as the service reads them; each shape checked against the service's own digest."""
    from sqlalchemy import select

    from review_service.audit.models import CaseEvent
    from review_service.audit.service import _chained_fields, _digest
    from review_service.extensions import db
    shapes: dict[int, list[EventShape]] = {}
    with app.app_context():
        for row in db.session.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq)):
            shapes.setdefault(row.case_id, []).append(EventShape(row))
            probe = io.StringIO()
            chain_copy([shapes[row.case_id][-1]], row.case_id, row.task_id[:8] if row.task_id else "", 0,
                       timedelta(0), probe) if row.seq == 1 else None
            if row.seq == 1:  # a first event re-chained as itself must hash as the service hashed it
                assert probe.getvalue().rstrip("\n").split("\t")[-1] == _digest(_chained_fields(row)), row.case_id
        db.session.remove()
    return shapes


def start_history(raw_url: str, shapes: dict[int, list[EventShape]], workers: int = 2):
    """Re-chain and COPY the copied cases' events in `workers` processes (copy number k modulo workers), each
    also writing its cases' heads (seq, hash) to bench_heads; returns the pool and its pending result (the
    events written), so that the other tables can be copied meanwhile."""
    import multiprocessing
    global _SHAPES
    _SHAPES = shapes  # inherited by the forked workers
    pool = multiprocessing.get_context("fork").Pool(workers)
    return pool, pool.starmap_async(_write_part, [(raw_url, part, workers) for part in range(workers)])


_SHAPES: dict[int, list[EventShape]] = {}


def _write_part(raw_url: str, part: int, parts: int) -> tuple[int, float]:
    """COPY the events and heads of the copies whose k is `part` modulo `parts`. Returns (events, seconds)."""
    import time

    import psycopg
    written, start = 0, time.perf_counter()
    with psycopg.connect(raw_url) as conn:  # one transaction, committed when the block ends normally
        copies = conn.execute("SELECT template_id, new_id, prefix, user_delta, shift_s FROM bench_copies "
                              "WHERE k %% %s = %s ORDER BY template_id, k", (parts, part)).fetchall()
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        heads = io.StringIO()
        with conn.cursor().copy(f"COPY case_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            out = io.StringIO()
            for number, (template_id, new_id, prefix, delta, shift_s) in enumerate(copies, 1):
                events = _SHAPES.get(template_id, [])
                seq, head = chain_copy(events, new_id, prefix, delta, timedelta(seconds=shift_s), out)
                heads.write(f"{new_id}\t{seq}\t{head}\n")
                written += len(events)
                if number % 2000 == 0:
                    copy.write(out.getvalue())
                    out = io.StringIO()
            copy.write(out.getvalue())
        with conn.cursor().copy("COPY bench_heads FROM STDIN") as copy:
            copy.write(heads.getvalue())
    return written, time.perf_counter() - start


# ---------------------------------------------------------------- 6: size, checks, main


def check_sample(app, sample: int = 300) -> int:
    """verify_case_history on a random sample of copied cases; returns how many were checked (all intact)."""
    from sqlalchemy import func, select

    from review_service.audit.service import verify_case_history
    from review_service.cases.models import Case
    from review_service.extensions import db
    with app.app_context():
        cases = db.session.scalars(select(Case).order_by(func.random()).limit(sample)).all()
        for case in cases:
            _events, broken = verify_case_history(case)
            assert broken is None, f"case {case.id}: history broken at {broken}"
        db.session.remove()
    return len(cases)
