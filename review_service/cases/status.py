"""Case status codes (stable API values) and their Chinese titles."""
from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case stands; set by the diagram's `caseStatus` properties. A member equals its stored string."""

    REVIEW_NOT_REQUIRED = "review_not_required"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    UNDER_REVIEW = "under_review"
    ISSUES_FOUND = "issues_found"
    IN_COORDINATION = "in_coordination"
    AWAITING_CORRECTION = "awaiting_correction"
    ESCALATED = "escalated"
    REFERRED_TO_HIGHER_AGENCY = "referred_to_higher_agency"
    REFERRED_TO_JUSTICE_DEPARTMENT = "referred_to_justice_department"
    AWAITING_COLLECTIVE_DISCUSSION = "awaiting_collective_discussion"
    REVIEW_PASSED = "review_passed"
    DECIDED = "decided"
    TRANSFERRED = "transferred"
    CLOSED_WITHOUT_DECISION = "closed_without_decision"


CASE_STATUSES = {
    CaseStatus.REVIEW_NOT_REQUIRED: "无需法制审核",
    CaseStatus.AWAITING_ACCEPTANCE: "待受理",
    CaseStatus.AWAITING_SUPPLEMENT: "退回补充材料",
    CaseStatus.UNDER_REVIEW: "审核中",
    CaseStatus.ISSUES_FOUND: "审核存在问题，待承办机构处理",
    CaseStatus.IN_COORDINATION: "协调中",
    CaseStatus.AWAITING_CORRECTION: "整改中",
    CaseStatus.ESCALATED: "提请负责人裁决或集体讨论",
    CaseStatus.REFERRED_TO_HIGHER_AGENCY: "已提请上级机关协调，待记录答复",
    CaseStatus.REFERRED_TO_JUSTICE_DEPARTMENT: "已提请司法行政部门协调，待记录答复",
    CaseStatus.AWAITING_COLLECTIVE_DISCUSSION: "审核通过，待集体讨论",
    CaseStatus.REVIEW_PASSED: "审核通过，待作出决定",
    CaseStatus.DECIDED: "已作出决定",
    CaseStatus.TRANSFERRED: "已移送有权机关",
    CaseStatus.CLOSED_WITHOUT_DECISION: "终止，不作决定",
}
