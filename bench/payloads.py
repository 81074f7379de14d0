"""Form payloads of the benchmark cases (see tests/factories/payloads.py, forms/) and the path a case takes."""
import json

from common import AGENCY, ROOT

from review_service.china_time import today_in_china

CHECKLIST_POINTS = ("subject_and_qualification", "procedure", "facts_and_evidence",
                    "legal_basis_and_discretion", "authority", "documents", "crime_referral")


def submission(case_number: str) -> dict:
    """A case file that requires legal review (fine of 150,000 yuan).

    No 立案 date: with one, Art. 60's 90-day decision deadline depends on the day of the run; from
    2026-12-01 it passed for a fixed 2026-09-01 (every review clock capped and overdue at once), and a
    date relative to today may reach a year the calendar does not cover yet (the cap then waits for it).
    """
    return {
        "case_number": case_number,
        "title": "某公司销售不合格产品案",
        "decision_type": "administrative_penalty",
        "party": {"type": "legal_person", "name": "某某贸易有限公司"},
        "facts": "当事人销售不合格电线电缆。",
        "legal_basis": "《产品质量法》第四十九条",
        "proposed_decision": "没收违法所得二万元，并处罚款十五万元。",
        "fine_amount": 150000,
        "confiscation_amount": 20000,
        "sanctions": [],
        "hearing_held": False,
        "materials": [{"name": "调查终结报告", "category": "investigation_report"},
                      {"name": "行政处罚决定书（代拟稿）", "category": "decision_draft"}],
    }


def review(opinion: str) -> dict:
    """A review_case form: every checklist point passes, except one when opinion is 'issues'."""
    checklist = {point: {"verdict": "pass"} for point in CHECKLIST_POINTS}
    data = {"checklist": checklist, "opinion": opinion, "opinion_text": "经审核，" + opinion}
    if opinion == "issues":
        checklist["legal_basis_and_discretion"] = {"verdict": "issue", "note": "裁量过重"}
        data["suggestions"] = ["罚款数额超出裁量基准，建议调整"]
    return data


CORRECTION = {"action": "correct", "correction_summary": "已按审核意见将罚款调整为十万元。",
              "updated": {"fine_amount": 100000, "proposed_decision": "没收违法所得二万元，并处罚款十万元。"}}
DECISION = {"decision_text": "没收违法所得二万元，并处罚款十万元。", "decided_on": today_in_china().isoformat(),
            "document_number": "市监罚决〔2026〕1号"}
PUBLICATION = {"published": True, "published_on": "2026-10-22", "platform": "国家企业信用信息公示系统"}
ARCHIVING = {"archived_on": "2026-10-30", "archive_number": "2026-永久-001"}

# The realistic path with one correction round: (task name, user who completes it, form data).
CASE_PATH = (
    ("accept_submission", "reviewer", {"result": "accept"}),
    ("review_case", "reviewer", review("issues")),
    ("respond_to_opinion", "handler", CORRECTION),
    ("review_case", "reviewer", review("approve")),
    ("record_decision", "head", DECISION),
    ("publish_decision", "handler", PUBLICATION),
    ("archive_case", "handler", ARCHIVING),
)


def engine_initial_data(case_file: dict) -> dict:
    """What review_service/cases/workflow.py workflow_data() gives the engine for this case file."""
    return {
        "review_required": True,
        "agency_profile": json.loads((ROOT / "workflows" / "default" / "profile.json").read_text(encoding="utf-8")),
        "case": {"agency_code": AGENCY[0], "decision_type": case_file["decision_type"],
                 "party_type": case_file["party"]["type"], "fine_amount": float(case_file["fine_amount"]),
                 "confiscation_amount": float(case_file["confiscation_amount"]),
                 "sanctions": list(case_file["sanctions"]), "hearing_held": case_file["hearing_held"],
                 "filed_on": case_file.get("filed_on"), "complexity": {}},
    }
