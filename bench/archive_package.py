"""How long building one archive package takes, and what the archiving step's request costs.

    python bench/archive_package.py [--runs 3] [--attachment-kib 512]

SQLite in a temporary folder. One case (one attachment of the given size) is decided through the API, the
archiving step is completed (timed: it only schedules the job), then the package job is run by the worker
`--runs` times (each a new version; timed: the first run also holds the documents' PDF conversions, which
the worker takes first), the peak memory of the Python process (tracemalloc) and of the
LibreOffice child (ru_maxrss of children) noted, and the last package verified (timed).
"""
import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from common import PASSWORD, make_app, seed_agency

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.factories import ApiClient, decision, review


def decided_case(client, attachment: bytes) -> tuple[ApiClient, int]:
    handler, reviewer, head = (ApiClient.logged_in(client, name, PASSWORD) for name in ("handler", "reviewer", "head"))
    upload = client.post("/api/v1/attachments", headers=handler.headers,
                         data={"file": (io.BytesIO(attachment), "调查终结报告.txt")}).get_json()
    assert "id" in upload, upload
    materials = [{"name": "调查终结报告", "category": "investigation_report", "attachment_ids": [upload["id"]]}]
    case_id = handler.submit(materials=materials, filed_on=date.today().isoformat())["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    reviewer.complete(case_id, "review_case", review("approve"))
    head.complete(case_id, "record_decision", decision())
    handler.complete(case_id, "publish_decision", {"published": True, "published_on": date.today().isoformat(),
                                                   "platform": "国家企业信用信息公示系统"})
    return handler, case_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--attachment-kib", type=int, default=512)
    args = parser.parse_args()
    from review_service.archives.verify import verify_package
    from review_service.extensions import db
    from review_service.jobs.worker import work_once
    from review_service.unit_of_work import unit_of_work
    workdir = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    app = make_app(f"sqlite:///{workdir / 'bench.db'}", workdir)
    with app.app_context(), unit_of_work():
        db.create_all()
        seed_agency([("handler", "handler"), ("reviewer", "reviewer"), ("head", "head")])
    client = app.test_client()
    line = "经调查，当事人销售不合格电线电缆。\n".encode()  # 52 bytes, whole characters
    attachment = line * (args.attachment_kib * 1024 // len(line))
    handler, case_id = decided_case(client, attachment)
    started = time.perf_counter()
    handler.complete(case_id, "archive_case", {"archived_on": date.today().isoformat(), "archive_number": "B-1"})
    step_ms = (time.perf_counter() - started) * 1000
    builds = []
    tracemalloc.start()
    with app.app_context():
        for run in range(args.runs):
            if run:
                handler.post(f"/api/v1/cases/{case_id}/archive-packages")
            started = time.perf_counter()
            outcomes = []
            while found := work_once("bench"):  # the documents' PDF jobs first (the first run), then the package
                outcomes += [result.outcome for result in found]
            assert outcomes and set(outcomes) == {"done"}, outcomes
            builds.append(time.perf_counter() - started)
        python_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        last = handler.get(f"/api/v1/cases/{case_id}/archive-packages").get_json()["items"][0]
        data = handler.get(f"/api/v1/archive-packages/{last['id']}/download").data
        started = time.perf_counter()
        result = verify_package(io.BytesIO(data))
        verify_ms = (time.perf_counter() - started) * 1000
    child_peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"archiving step request (schedules the job): {step_ms:.0f} ms")
    print(f"package build in the worker, {args.runs} runs: median {statistics.median(builds):.2f} s, "
          f"max {max(builds):.2f} s; ZIP {len(data) / 1024:.0f} KiB, {last['files']} files")
    print(f"peak memory: Python {python_peak / 2**20:.1f} MiB (tracemalloc), "
          f"LibreOffice {child_peak_kib / 1024:.0f} MiB")
    print(f"verification: {verify_ms:.0f} ms, ok={result.ok}")


if __name__ == "__main__":
    main()
