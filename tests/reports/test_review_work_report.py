"""The review-work XLSX for the justice department, checked against cases with known figures.

October 2026 (Beijing; 国庆 10-01..10-07 off, Saturday 10-10 a make-up working day), agency "city":
- A: submitted and accepted Mon 10-12, issues Wed 10-14 (法律依据和裁量), corrected Thu 10-15, approved in
     round 2 Fri 10-16, decided Mon 10-19. Review clocks: 10-12 -> 10-14 = 2 working days, 10-15 -> 10-16 = 1.
- B: submitted and accepted Mon 10-12, approved Tue 10-13 (1 working day), decided Wed 10-14.
- C: submitted and accepted Mon 10-12, due Mon 10-19, flagged overdue by the worker on Tue 10-20, transfer
  opinion Tue 10-20 (10-12 -> 10-20 = 6 working days).
- D (agency "other"): approved and decided; never in the city's report, in the province supervisor's.
City: 3 cases reviewed, 1 passed in round 1, 4 opinions, average (2 + 1 + 1 + 6) / 4 = 2.5 working days,
1 overdue, 1 transferred, 2 decisions, 1 issue at legal_basis_and_discretion.
"""
import io
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from review_service.jobs.worker import work_once

from ..factories import decision, review, submission

BEIJING = timezone(timedelta(hours=8))
PERIOD = "from=2026-10-01&to=2026-10-31"


def at(day: str, hour: int = 10):
    return freeze_time(datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING))


def submit(client, number):
    data = {k: v for k, v in submission(case_number=number).items() if k != "filed_on"}
    response = client.post("/api/v1/cases", json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def review_by_assignee(as_user, case_id, data):
    task = as_user("reviewer").open_task(case_id, "review_case")
    as_user(task["assignee"]["full_name"]).complete(case_id, "review_case", data)


@pytest.fixture
def october(as_user, app):
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    other_handler, other_reviewer = as_user("other.handler"), as_user("other.reviewer")
    with at("2026-10-12", 9):
        a, b, c = (submit(handler, f"市监罚〔2026〕{n}号") for n in (201, 202, 203))
        d = submit(other_handler, "环罚〔2026〕9号")
        for case_id in (a, b, c):
            reviewer.complete(case_id, "accept_submission", {"result": "accept"})
        other_reviewer.complete(d, "accept_submission", {"result": "accept"})
    with at("2026-10-13"):
        review_by_assignee(as_user, b, review("approve"))
        other_reviewer.complete(d, "review_case", review("approve"))
    with at("2026-10-14"):
        review_by_assignee(as_user, a, review("issues"))
        head.complete(b, "record_decision", decision(decided_on="2026-10-14"))
        as_user("other.head").complete(d, "record_decision", decision(decided_on="2026-10-14"))
    with at("2026-10-15"):
        handler.complete(a, "respond_to_opinion", {"action": "correct", "correction_summary": "已整改"})
    with at("2026-10-16"):
        review_by_assignee(as_user, a, review("approve"))
    with at("2026-10-19", 11):
        head.complete(a, "record_decision", decision(decided_on="2026-10-19"))
    with at("2026-10-20", 9), app.app_context():
        while work_once("report-test"):
            pass
    with at("2026-10-20", 11):
        review_by_assignee(as_user, c, review("transfer"))
    return {"a": a, "b": b, "c": c, "d": d}


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def test_the_heads_report_has_the_known_figures(october, as_user):
    response = as_user("head").get(f"/api/v1/reports/review-work.xlsx?{PERIOD}")
    assert response.status_code == 200, response.get_json()
    assert response.mimetype.endswith("spreadsheetml.sheet")
    summary = dict(row[:2] for row in sheet_rows(response.data, "概况") if row[0])
    assert summary["机关"] == "市市场监督管理局" and summary["统计期间"] == "2026年10月1日至2026年10月31日"
    assert (summary["审核案件数"], summary["首轮审核通过数"], summary["出具审核意见数"]) == (3, 1, 4)
    assert (summary["平均审核用时（工作日）"], summary["计入用时的审核轮次"]) == (2.5, 4)
    assert (summary["超期数"], summary["移送有权机关数"], summary["作出决定数"]) == (1, 1, 2)
    agencies = sheet_rows(response.data, "分机关")
    assert [row[0] for row in agencies] == ["机关代码", "city", "合计"]  # the other agency is never included
    points = sheet_rows(response.data, "审核要点问题")[1:]
    assert len(points) == 7 and [count for _, count in points] == [0, 0, 0, 1, 0, 0, 0]
    assert "裁量" in points[3][0]  # legal_basis_and_discretion, by the checklist's own title
    roster = sheet_rows(response.data, "审核人员名册")
    assert roster[0][:5] == ("机关", "姓名", "类别", "法律职业资格证书编号", "执法证号")
    assert sorted(row[1] for row in roster[1:]) == ["handler_reviewer", "reviewer", "reviewer2"]
    assert all(row[2] == "法制审核人员" and row[3].startswith("A2019") for row in roster[1:])


def test_the_province_supervisor_sees_every_agency_below(october, as_user):
    response = as_user("supervisor").get(f"/api/v1/reports/review-work.xlsx?{PERIOD}")
    assert response.status_code == 200
    agencies = {row[0]: row for row in sheet_rows(response.data, "分机关")}
    assert set(agencies) == {"机关代码", "province", "city", "other", "合计"}
    assert (agencies["other"][2], agencies["other"][9]) == (1, 1)  # reviewed, decisions
    assert agencies["合计"][2] == 4
    narrowed = as_user("supervisor").get(f"/api/v1/reports/review-work.xlsx?{PERIOD}&agency=other")
    assert [row[0] for row in sheet_rows(narrowed.data, "分机关")] == ["机关代码", "other", "合计"]


def test_only_supervisors_and_heads_and_never_another_agency(as_user):
    for user in ("handler", "reviewer", "admin", "designer"):
        response = as_user(user).get(f"/api/v1/reports/review-work.xlsx?{PERIOD}")
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "role_required")
    forbidden = as_user("head").get(f"/api/v1/reports/review-work.xlsx?{PERIOD}&agency=other")
    assert (forbidden.status_code, forbidden.get_json()["error"]["code"]) == (403, "agency_forbidden")
    backwards = as_user("head").get("/api/v1/reports/review-work.xlsx?from=2026-10-31&to=2026-10-01")
    assert backwards.status_code == 422


def test_a_transfer_decided_in_a_settlement_counts_as_transferred(as_user):
    """Issues, objection, coordination fails, the head settles by transferring the case (November 2, 2026)."""
    handler, reviewer, head = as_user("handler"), as_user("reviewer"), as_user("head")
    case_id = handler.submit()["id"]
    reviewer.complete(case_id, "accept_submission", {"result": "accept"})
    review_by_assignee(as_user, case_id, review("issues"))
    handler.complete(case_id, "respond_to_opinion", {"action": "disagree", "disagreement_reasons": "不同意"})
    reviewer.complete(case_id, "record_coordination", {"outcome": "escalate", "minutes": "协调未达成一致"})
    head.complete(case_id, "settle_dispute", {"method": "head_decision", "outcome": "transfer", "reasons": "涉嫌犯罪",
                                              "transfer_target": "市公安局"})
    assert head.case(case_id)["status"] == "transferred"
    response = head.get("/api/v1/reports/review-work.xlsx?from=2026-11-01&to=2026-11-30")
    summary = dict(row[:2] for row in sheet_rows(response.data, "概况") if row[0])
    assert (summary["审核案件数"], summary["首轮审核通过数"], summary["移送有权机关数"], summary["作出决定数"]) == \
        (1, 0, 1, 0)
