"""Form payloads of the benchmark cases and the path a case takes: the tests' own payloads
(tests/factories/payloads.py), so a benchmark measures the case the tests check."""
import json
import sys

from common import AGENCY, ROOT

sys.path.insert(0, str(ROOT))
from tests.factories.payloads import decision, review
from tests.factories.payloads import submission as filed_submission


def submission(case_number: str) -> dict:
    """A case file that requires legal review (fine of 150,000 yuan).

    No 立案 date: with one, Art. 60's 90-day decision deadline depends on the day of the run; from
    2026-12-01 it passed for a fixed 2026-09-01 (every review clock capped and overdue at once), and a
    date relative to today may reach a year the calendar does not cover yet (the cap then waits for it).
    """
    data = filed_submission(case_number=case_number)
    del data["filed_on"]
    return data


CORRECTION = {"action": "correct", "correction_summary": "已按审核意见将罚款调整为十万元。",
              "updated": {"fine_amount": 100000, "proposed_decision": "没收违法所得二万元，并处罚款十万元。"}}
DECISION = decision()
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
