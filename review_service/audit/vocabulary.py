"""The Chinese words of the case history: a name for every event type and for every field events carry.

The history is a Chinese legal record (it goes into the archive's readable PDF, built by the worker with
no page language), so these names are Chinese only, like the forms' titles. The web pages show the same
words (English pages translate the event names through their catalog, web/labels.py). A test checks that
every action the code writes has a name here.
"""

EVENT_ACTIONS = {
    "case.submitted": "送审",
    "task.completed": "办理环节",
    "task.claimed": "领取任务",
    "task.assigned": "分配任务",
    "task.reassigned": "改派任务",
    "task.handed_back": "退回任务",
    "task.unclaimed": "放回任务",
    "task.handed_over": "转交任务",
    "case.commented": "评论",
    "reviewer.recused": "审核人员回避",
    "assignment.no_eligible_reviewer": "无符合条件的审核人员",
    "process.migrated": "迁移到其他流程版本",
    "process.migration_refused": "流程版本迁移被拒绝",
    "deadline.started": "时限开始计算",
    "deadline.paused": "时限暂停",
    "deadline.resumed": "时限恢复计算",
    "deadline.capped": "时限截至法定决定期限",
    "deadline.recomputed": "到期日重新计算",
    "deadline.reminder_sent": "发送到期提醒",
    "deadline.overdue": "时限已超期",
    "deadline.met": "时限内办结",
    "deadline.cancelled": "时限取消",
    "deadline.running": "时限继续计算",
    "deadline.extension_requested": "申请延长审核期限",
    "deadline.withdrawal_opened": "开始撤下公示信息",
    "archive.package_built": "生成电子案卷",
    "document.regenerated": "重新生成文书（新版本）",
    "document.pdf_failed": "文书 PDF 生成失败",
}

EVENT_FIELDS = {
    # steps and people
    "task": "环节", "title": "环节名称", "form": "填写内容", "task_id": "任务", "assignee": "承办人",
    "full_name": "姓名", "id": "编号", "from": "原办理人", "to": "新办理人", "reason": "理由", "rule": "分配规则",
    "why": "分配说明", "pooled_advisors": "可统筹调用的法律顾问、公职律师", "staff_id": "人员编号",
    "notified_user_ids": "已通知人员", "approver_role": "批准人角色", "approval_task_id": "审批任务",
    # submission and effects of steps
    "review_required": "须经法制审核", "reasons": "理由", "process_version": "流程版本", "result": "结果",
    "opinion": "审核意见", "action": "处理方式", "outcome": "结果", "changes": "修改内容",
    "material_ids": "新增材料", "passed_round": "审核通过的轮次",
    "collective_discussion_task_id": "集体讨论环节", "escalated_to": "提请处理", "escalated_to_title": "提请对象",
    "referred_to": "提请机关", "higher_agency": "上级机关", "reply_received_on": "收到答复日期",
    # deadlines
    "kind": "时限种类", "due_on": "到期日", "start_on": "起算日", "capped": "截至法定决定期限",
    "problem": "问题", "mode": "补充材料后时限计算方式", "days_used": "已用工作日", "late": "超期办结",
    "old_due_on": "原到期日", "working_days": "工作日数", "cap_on": "法定决定期限",
    "received_on": "收到日期", "document": "文件", "deadline_id": "时限",
    # process migration
    "case_id": "案件", "case_number": "案号", "from_version": "原版本", "to_version": "新版本", "number": "版本号",
    "agency_id": "机关", "changed_tasks": "变化的环节", "added_tasks": "新增的环节",
    "refused_because": "不能迁移的原因",
    # documents (审核意见书 ...)
    "document_id": "文书", "previous_version": "原版本", "template": "模板", "attempt": "第几次生成",
    "final": "不再重试", "error": "错误",
    # archive packages
    "package_id": "案卷编号", "version": "版本", "sha256": "SHA-256 摘要", "size": "字节数", "files": "文件数",
    "trigger": "生成原因", "chain_seq": "封存时的历史记录序号", "chain_hash": "封存时的历史记录摘要",
    "decided_on": "决定日期", "document_number": "决定书文号", "collective_discussion_held": "经集体讨论",
    "decided_by": "决定人", "met": "按期办结",
    "agency_code": "机关代码", "name": "名称", "code": "代码", "text": "内容", "source": "来源", "matched": "符合",
}

VALUE_NAMES = {  # codes that appear as values in events (outside forms, whose schemas name their own)
    "approve": "同意", "issues": "存在问题", "transfer": "移送有权机关",
    "correct": "整改", "disagree": "提出异议", "escalate": "提请处理",
    "review": "审核期限", "publication": "公示期限", "archiving": "归档期限", "withdrawal": "撤下公示期限",
    "extension": "延期审批", "RESTART": "重新计算", "SUSPEND": "中止后继续计算",
    "fewest_open_reviews": "在办审核最少者", "archiving_step": "归档环节完成", "on_demand": "依申请生成",
    "agency_head": "机关负责人", "collective_discussion": "集体讨论", "justice_department": "司法行政部门",
    "accept": "受理", "return": "退回补充材料",
}


def action_name(code: str) -> str:
    return EVENT_ACTIONS.get(code, code)


def field_name(key: str) -> str:
    return EVENT_FIELDS.get(key, key)
