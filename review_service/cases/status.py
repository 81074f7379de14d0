"""Case status codes (stable API values) and their Chinese titles."""

CASE_STATUSES = {
    "review_not_required": "无需法制审核",
    "awaiting_acceptance": "待受理",
    "awaiting_supplement": "退回补充材料",
    "under_review": "审核中",
    "issues_found": "审核存在问题，待承办机构处理",
    "in_coordination": "协调中",
    "awaiting_correction": "整改中",
    "escalated": "提请负责人裁决或集体讨论",
    "referred_to_higher_agency": "已提请上级机关协调，待记录答复",
    "referred_to_justice_department": "已提请司法行政部门协调，待记录答复",
    "awaiting_collective_discussion": "审核通过，待集体讨论",
    "review_passed": "审核通过，待作出决定",
    "decided": "已作出决定",
    "transferred": "已移送有权机关",
    "closed_without_decision": "终止，不作决定",
}
