"""The slowest SQL statements of each request of bench/province_costs.py, with EXPLAIN ANALYZE plans.

    .venv/bin/python bench/province_explain.py                 # on h_scale_province (bench/province_data.py)
    .venv/bin/python bench/province_explain.py --top 2 --database-url postgresql://postgres@127.0.0.1:5432/x

Runs each request once in process (app.test_client(), warmed up by a first call), records every
statement the engine sends with its parameters and time, then prints for each request its statement
count, total SQL time, and the plan of its slowest statements (EXPLAIN (ANALYZE, BUFFERS) on the same
connection settings; read-only statements only).
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, make_app, normalize_url
from province_costs import FULL_URL, USERS, probes, username_of


def requests_of(found: dict) -> list[tuple[str, str, str]]:
    """(label, user, path) of every read the costs bench times."""
    case_id, texts = found["case_ids"][0], found["texts"]
    return [("inbox reviewer", "reviewer", "/api/v1/tasks"), ("inbox handler", "handler", "/api/v1/tasks"),
            ("get case", "handler", f"/api/v1/cases/{case_id}"),
            ("search number (province)", "province", "/api/v1/cases?q=" + quote(texts[0])),
            ("search title (province)", "province", "/api/v1/cases?q=" + quote(texts[1])),
            ("search party (province)", "province", "/api/v1/cases?q=" + quote(texts[2])),
            ("search title (county)", "handler", "/api/v1/cases?q=" + quote(texts[1])),
            ("dashboard city", "city", "/api/v1/dashboard"), ("dashboard province", "province", "/api/v1/dashboard"),
            ("staffing province", "province", "/api/v1/agencies/P/staffing?rollup=true")]


class Recorder:
    """Statements with their parameters and elapsed time, while on."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.rows: list[tuple[float, str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn, _cursor, _statement, _parameters, context, _many):
        context._bench_start = time.perf_counter()

    def _after(self, _conn, _cursor, statement, parameters, context, _many):
        if self.on:
            self.rows.append((time.perf_counter() - context._bench_start, statement, parameters))


def explain(app, statement: str, parameters) -> str:
    from review_service.extensions import db
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            connection.rollback()
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=FULL_URL)
    parser.add_argument("--top", type=int, default=1, help="plans of the N slowest statements of each request")
    parser.add_argument("--only", default="", help="only the requests whose label contains this, e.g. dashboard")
    args = parser.parse_args()
    from review_service.extensions import db
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(normalize_url(args.database_url), Path(tmp))
        with app.app_context():
            recorder = Recorder(db.engine)
        client, headers = app.test_client(), {}
        for name, uid in USERS.items():
            token = client.post("/api/v1/auth/login", json={"username": username_of(uid), "password": PASSWORD})
            headers[name] = {"Authorization": f"Bearer {token.get_json()['token']}"}
        for label, user, path in requests_of(probes(args.database_url, 10)):
            if args.only not in label:
                continue
            client.get(path, headers=headers[user])  # warm
            recorder.rows, recorder.on = [], True
            start = time.perf_counter()
            response = client.get(path, headers=headers[user])
            elapsed, recorder.on = time.perf_counter() - start, False
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            sql = sum(row[0] for row in recorder.rows)
            print(f"\n=== {label}: {path[:80]}\n    {elapsed * 1000:.1f} ms, {len(recorder.rows)} statements, "
                  f"{sql * 1000:.1f} ms in SQL")
            for seconds, statement, parameters in sorted(recorder.rows, key=lambda r: -r[0])[:args.top]:
                print(f"--- {seconds * 1000:.1f} ms: {' '.join(statement.split())[:300]}")
                print(explain(app, statement, parameters))


if __name__ == "__main__":
    main()
