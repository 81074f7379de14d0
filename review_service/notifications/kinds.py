"""Every notice kind, with the Chinese name a mail subject shows (pages translate their own English labels)."""
NOTICE_KINDS = {
    "task.assigned": "任务已分配给您",
    "task.handed_over": "任务已转交给您",
    "opinion.returned": "审核意见已返回",
    "materials.requested": "需要补充材料",
    "case.resubmitted": "案件已重新送审",
    "dispute.raised": "意见分歧待处理",
    "decision.waiting": "待作出执法决定",
    "case.commented": "案件有新评论",
    "deadline.reminder": "期限即将届满",
    "deadline.overdue": "已超期",
    "deadline.capped": "审核期限受法定期限限制",
    "extension.requested": "延期申请待审批",
    "extension.approved": "延期申请已批准",
    "extension.rejected": "延期申请未批准",
    "case.escalated": "争议已提请协调",
    "assignment.no_eligible_reviewer": "没有符合条件的审核人员",
}
