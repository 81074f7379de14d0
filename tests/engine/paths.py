"""The default process driven through review_service.engine alone, stored as text between steps as the service
stores it: the instance helper and form data shared by tests/engine's path and compaction tests."""
from pathlib import Path

from review_service.engine import Runtime, WorkflowRun

PROCESS = Path(__file__).resolve().parents[2] / "workflows" / "default" / "legal_review.bpmn"
HANDLER, REVIEW_UNIT, HEAD = "承办机构", "法制审核机构", "机关负责人"
CASE = {"agency_code": "city", "decision_type": "administrative_penalty", "party_type": "legal_person",
        "fine_amount": 150000.0, "confiscation_amount": 20000.0, "sanctions": [], "hearing_held": False,
        "filed_on": "2026-09-01", "complexity": {}}
PROFILE = {"escalation_target": "agency_head", "collective_discussion_after_review": False, "time_limits": {}}

APPROVE = {"opinion": "approve", "opinion_text": "经审核，同意"}
ISSUES = {"opinion": "issues", "opinion_text": "裁量过重", "suggestions": ["罚款数额超出裁量基准，建议调整"]}
TRANSFER = {"opinion": "transfer", "opinion_text": "涉嫌犯罪", "transfer_target": "市公安局",
            "transfer_reasons": "涉嫌生产、销售伪劣产品罪"}
CORRECT = {"action": "correct", "correction_summary": "已按审核意见整改", "updated": {"fine_amount": 100000}}
DISAGREE = {"action": "disagree", "disagreement_reasons": "裁量适当，不同意审核意见"}
DECISION = {"decision_text": "没收违法所得二万元，并处罚款十万元。", "decided_on": "2026-11-02",
            "document_number": "市监罚决〔2026〕1号"}
PUBLISHED = {"published": True, "published_on": "2026-11-05", "platform": "国家企业信用信息公示系统"}
ARCHIVED = {"archived_on": "2026-11-20", "archive_number": "2026-永久-001"}
ESCALATION_TASKS = {"agency_head": "settle_dispute", None: "settle_dispute",
                    "collective_discussion": "settle_by_discussion", "higher_agency": "refer_to_higher_agency",
                    "justice_department": "refer_to_justice_department"}



class Instance:
    """One process instance, stored as text between steps as the service stores it."""

    def __init__(self, runtime: Runtime, *, review_required: bool = True, **profile):
        self.runtime = runtime
        data = {"review_required": review_required, "agency_profile": {**PROFILE, **profile}, "case": dict(CASE)}
        self.state = WorkflowRun.start(runtime, data).dump()

    def run(self) -> WorkflowRun:
        return WorkflowRun.load(self.runtime, self.state)

    def ready(self) -> list[str]:
        return sorted(task.name for task in self.run().ready_human_tasks())

    def lane_of(self, name: str) -> str:
        [task] = [task for task in self.run().ready_human_tasks() if task.name == name]
        return task.lane

    def complete(self, name: str, data: dict) -> "Instance":
        run = self.run()
        [task] = [task for task in run.ready_human_tasks() if task.name == name]
        run.complete(task.id, name, data)
        self.state = run.dump()
        return self

    def ended_with(self) -> str | None:
        """The caseStatus of the end event reached (None while the instance runs)."""
        run = self.run()
        return run.end_properties().get("caseStatus") if run.is_completed else None


def accepted(runtime, **profile) -> Instance:
    instance = Instance(runtime, **profile).complete("accept_submission", {"result": "accept"})
    assert instance.ready() == ["review_case"]
    return instance


def in_coordination(runtime, **profile) -> Instance:
    """Issues, correction, issues again, then the handler disagrees."""
    instance = accepted(runtime, **profile).complete("review_case", ISSUES).complete("respond_to_opinion", CORRECT)
    instance.complete("review_case", ISSUES).complete("respond_to_opinion", DISAGREE)
    assert instance.ready() == ["record_coordination"]
    return instance


def escalated(runtime, target: str | None) -> Instance:
    instance = in_coordination(runtime, escalation_target=target)
    instance.complete("record_coordination", {"outcome": "escalate", "minutes": "协调未达成一致"})
    assert instance.ready() == [ESCALATION_TASKS[target]]
    return instance


def decided(instance: Instance) -> Instance:
    """record_decision opens publication and archiving side by side; the instance ends when both are done."""
    instance.complete("record_decision", DECISION)
    assert instance.ready() == ["archive_case", "publish_decision"]
    return instance
