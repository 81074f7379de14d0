"""Marshmallow schemas of the staffing report and the assignment API."""
from marshmallow import Schema, fields, validate

from ..china_time import plausible


class StaffingQuerySchema(Schema):
    on = fields.Date(validate=plausible("on"), metadata={"description": "统计日期 YYYY-MM-DD，默认今天"})
    rollup = fields.Boolean(load_default=False, metadata={"description": "包含全部下级机关并汇总"})


class StaffingSchema(Schema):
    agency_code = fields.String()
    agency_name = fields.String()
    on = fields.Date()
    enforcement_staff = fields.Integer(metadata={"description": "该日在岗执法人员数"})
    legal_reviewers = fields.Integer(metadata={"description": "本机关在岗法制审核人员数"})
    pooled_advisors = fields.Integer(metadata={"description": "可调用的法律顾问、公职律师数"})
    reviewers = fields.Integer(metadata={"description": "按 rule 计入比例的审核人员数"})
    required_reviewers = fields.Integer(metadata={"description": "ceil(5% × enforcement_staff)"})
    shortfall = fields.Integer()
    compliant = fields.Boolean()
    rule = fields.String(metadata={"description": "reviewers_only | reviewers_and_pooled_advisors"})
    rule_text = fields.String()
    rule_source = fields.String(metadata={"description": "process_profile（流程参数 pooled_advisors_count 决定）| "
                                                         "agency_setting（机关设置 advisors_count_toward_ratio 决定）"})
    warning = fields.Function(lambda s: None if s["compliant"] else
                              f"法制审核人员不足：应不少于 {s['required_reviewers']} 人，尚缺 {s['shortfall']} 人（警示，不影响办案）")


class RollupTotalSchema(Schema):
    enforcement_staff = fields.Integer()
    reviewers = fields.Integer()
    required_reviewers = fields.Integer()
    shortfall = fields.Integer()
    non_compliant_agencies = fields.Integer()


class StaffingRollupSchema(Schema):
    agency_code = fields.String()
    on = fields.Date()
    agencies = fields.List(fields.Nested(StaffingSchema))
    total = fields.Nested(RollupTotalSchema)


class ReassignSchema(Schema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "用户名"})


class HandBackSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RecusalRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "回避理由"})


class RecusalSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    reviewer = fields.Function(lambda r: {"id": r.user.id, "username": r.user.username, "full_name": r.user.full_name})
    reason = fields.String()
    declared_at = fields.DateTime()


class ReasonSchema(Schema):
    code = fields.String()
    message = fields.String()


class CandidateSchema(Schema):
    staff_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    agency_code = fields.String()
    username = fields.String()
    eligible = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))


class ProblemSchema(Schema):
    reason = fields.String()
    task_id = fields.String(allow_none=True)
    raised_at = fields.DateTime()


class EligibleReviewersSchema(Schema):
    case_id = fields.Integer()
    current_reviewer = fields.Dict(allow_none=True)
    problem = fields.Nested(ProblemSchema, allow_none=True, metadata={"description": "无人可审时的标记"})
    reviewers = fields.List(fields.Nested(CandidateSchema))
    pooled_advisors = fields.List(fields.Nested(CandidateSchema))
