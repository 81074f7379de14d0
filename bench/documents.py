"""Documents: the cost of one 审核意见书 (DOCX + PDF), and what issuing an opinion costs with and without documents.

From the project root:
    .venv/bin/python bench/documents.py                       # SQLite file in a temporary folder
    .venv/bin/python bench/documents.py --database-url postgresql://postgres@127.0.0.1:5432/h_docs --cases 60

1. One opinion: rendering the DOCX from the template (time, peak Python heap by tracemalloc), then the
   LibreOffice conversion (wall time, peak RSS of the soffice processes), `--repeat` times, p50 reported.
2. Issuing: `--cases` cases are submitted and accepted (not timed), then each review opinion is issued
   through POST /api/v1/tasks/{id}/complete and timed. Cases alternate between "with documents" (the
   listener numbers the opinion and queues the PDF job, as in production) and "without" (the documents
   listeners unregistered for that request), so both samples see the same load on a shared machine.
   The PDF conversion is never on this path (it is the worker's job); the verdict compares the p50s.
"""
import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, RESULTS_DIR, check, environment, make_app, normalize_url, percentile
from payloads import review, submission
from run_cases import prepare_database

USERS = ("handler", "reviewer")
LIMIT = 1.10  # issuing with documents may be at most 10% slower at p50


def one_document(app, repeat: int) -> dict:
    """Render the national opinion template `repeat` times and convert it to PDF as the worker does."""
    from review_service.documents.context import SAMPLES
    from review_service.documents.render import convert_to_pdf, render_docx
    template = app.config["WORKFLOWS_DIR"] / "default" / "documents" / "opinion.docx"
    docx_ms, heap, pdf_ms = [], [], []
    with app.app_context():
        for _ in range(repeat):
            start = time.perf_counter()
            docx = render_docx(template, SAMPLES["opinion"])
            docx_ms.append((time.perf_counter() - start) * 1000)
            tracemalloc.start()  # a second rendering for the memory (tracing slows Python down several times)
            render_docx(template, SAMPLES["opinion"])
            heap.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
            start = time.perf_counter()
            pdf = convert_to_pdf(docx)
            pdf_ms.append((time.perf_counter() - start) * 1000)
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB (Linux)
    return {"repeat": repeat, "docx_bytes": len(docx), "pdf_bytes": len(pdf),
            "docx_p50_ms": percentile(docx_ms, 50), "docx_peak_heap_mib": max(heap),
            "pdf_p50_ms": percentile(pdf_ms, 50), "pdf_max_ms": max(pdf_ms), "soffice_peak_rss_mib": children_rss,
            "docx_ms": docx_ms, "pdf_ms": pdf_ms}


class Driver:
    def __init__(self, app):
        self.clients, self.headers = {}, {}
        for user in USERS:
            self.clients[user] = app.test_client()
            response = self.clients[user].post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
            check(response, 200, f"login {user}")
            self.headers[user] = {"Authorization": f"Bearer {response.get_json()['token']}"}

    def send(self, user, method, path, expect, body=None) -> dict:
        response = self.clients[user].open(path, method=method, json=body, headers=self.headers[user])
        check(response, expect, f"{method} {path}")
        return response.get_json()

    def review_task(self, n: int) -> str:
        case = self.send("handler", "POST", "/api/v1/cases", 201, submission(f"市监罚〔2026〕{n + 1}号"))
        acceptance = case["open_tasks"][0]["id"]
        self.send("reviewer", "POST", f"/api/v1/tasks/{acceptance}/complete", 200, {"data": {"result": "accept"}})
        case = self.send("reviewer", "GET", f"/api/v1/cases/{case['id']}", 200)
        return next(t["id"] for t in case["open_tasks"] if t["name"] == "review_case")


def issuing(app, cases: int) -> dict:
    """Issue `cases` opinions, alternating with and without the documents listeners; wall times in ms."""
    from sqlalchemy import event

    from review_service.cases import listeners
    from review_service.extensions import db
    driver = Driver(app)
    with app.app_context():
        engine = db.engine
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    tasks = [driver.review_task(n) for n in range(cases)]
    registered = list(listeners._COMPLETED)
    samples, cpu, sql = {"with": [], "without": []}, {"with": [], "without": []}, {"with": [], "without": []}
    for n, task_id in enumerate(tasks):
        mode = "with" if n % 2 == 0 else "without"
        listeners._COMPLETED[:] = registered if mode == "with" else []
        start, start_cpu, before = time.perf_counter(), time.thread_time(), statements[0]
        driver.send("reviewer", "POST", f"/api/v1/tasks/{task_id}/complete", 200, {"data": review("approve")})
        sql[mode].append(statements[0] - before)
        samples[mode].append((time.perf_counter() - start) * 1000)
        cpu[mode].append((time.thread_time() - start_cpu) * 1000)
    listeners._COMPLETED[:] = registered
    warm = {mode: values[2:] for mode, values in samples.items()}  # the first requests fill caches
    p50 = {mode: percentile(values, 50) for mode, values in warm.items()}
    cpu_p50 = {mode: percentile(values[2:], 50) for mode, values in cpu.items()}
    return {"cases": cases, "p50_ms": p50, "p95_ms": {m: percentile(v, 95) for m, v in warm.items()},
            "cpu_p50_ms": cpu_p50, "sql_statements_p50": {m: percentile(v, 50) for m, v in sql.items()},
            "ratio_cpu_p50": cpu_p50["with"] / cpu_p50["without"],
            "ratio_p50": p50["with"] / p50["without"], "within_limit": p50["with"] <= p50["without"] * LIMIT,
            "samples_ms": samples, "cpu_ms": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--cases", type=int, default=80, help="opinions issued (half with documents)")
    parser.add_argument("--repeat", type=int, default=5, help="opinion documents rendered and converted")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = normalize_url(args.database_url or f"sqlite:///{Path(workdir) / 'bench.db'}")
        app = make_app(url, Path(workdir))
        prepare_database(app)
        document = one_document(app, args.repeat)
        issued = issuing(app, args.cases)
    report = {"environment": environment(url), "one_opinion_document": document, "issuing_an_opinion": issued}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"documents-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"one opinion: DOCX {document['docx_p50_ms']:.1f} ms (peak heap {document['docx_peak_heap_mib']:.1f} MiB), "
          f"PDF {document['pdf_p50_ms']:.0f} ms p50 / {document['pdf_max_ms']:.0f} ms max "
          f"(soffice peak RSS {document['soffice_peak_rss_mib']:.0f} MiB), {document['pdf_bytes']} PDF bytes")
    print(f"issuing an opinion, p50: with documents {issued['p50_ms']['with']:.2f} ms, without "
          f"{issued['p50_ms']['without']:.2f} ms, ratio {issued['ratio_p50']:.3f} "
          f"({'within' if issued['within_limit'] else 'OVER'} the 10% limit); "
          f"CPU p50 {issued['cpu_p50_ms']['with']:.2f} "
          f"vs {issued['cpu_p50_ms']['without']:.2f} ms (ratio {issued['ratio_cpu_p50']:.3f}); SQL statements "
          f"{issued['sql_statements_p50']['with']} vs {issued['sql_statements_p50']['without']}")
    print(f"written to {out}")
    return 0 if issued["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
