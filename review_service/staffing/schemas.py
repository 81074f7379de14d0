"""Marshmallow schemas of the staff records API and their CSV rows, the staffing report and the assignment API."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..china_time import plausible
from ..china_time import today_in_china as today
from .models import ENFORCEMENT_OFFICER, KIND_TITLES, KINDS

KIND_CODES = {title: code for code, title in KIND_TITLES.items()}
CSV_COLUMNS = ("kind", "name", "enforcement_certificate_no", "legal_qualification_no", "first_reviewed_on",
               "valid_from", "valid_until", "username", "note", "roles")  # roles: read by the account import only


class StaffSchema(Schema):
    id = fields.Integer()
    agency_code = fields.Function(lambda s: s.agency.code)
    kind = fields.String()
    kind_title = fields.Function(lambda s: KIND_TITLES[s.kind])
    name = fields.String()
    enforcement_certificate_no = fields.String(allow_none=True)
    legal_qualification_no = fields.String(allow_none=True)
    first_reviewed_on = fields.Date(allow_none=True)
    valid_from = fields.Date()
    valid_until = fields.Date(allow_none=True)
    deactivated_on = fields.Date(allow_none=True)
    username = fields.Function(lambda s: s.user.username if s.user else None)
    active_today = fields.Function(lambda s: s.active_on(today()))
    note = fields.String(allow_none=True)


class StaffListSchema(Schema):
    items = fields.List(fields.Nested(StaffSchema))


class StaffQuerySchema(Schema):
    on = fields.Date(validate=plausible("on"), metadata={"description": "只列出该日在岗的人员 (YYYY-MM-DD)"})
    kind = fields.String(validate=validate.OneOf(KINDS))


class StaffUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    enforcement_certificate_no = fields.String(allow_none=True, validate=validate.Length(max=64),
                                               metadata={"description": "执法证号"})
    legal_qualification_no = fields.String(allow_none=True, validate=validate.Length(max=64),
                                           metadata={"description": "法律职业资格证书编号"})
    first_reviewed_on = fields.Date(validate=plausible("first_reviewed_on"), allow_none=True,
                                    metadata={"description": "首次从事行政处罚决定法制审核的日期"})
    valid_from = fields.Date(validate=plausible("valid_from"), metadata={"description": "执法证有效期起 / 任职日期"})
    valid_until = fields.Date(validate=plausible("valid_until"), allow_none=True,
                              metadata={"description": "执法证有效期止（含当日）"})
    username = fields.String(allow_none=True, metadata={"description": "关联的登录账号（同一机关）"})
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError("有效期止不能早于有效期起", field_name="valid_until")


class StaffCreateSchema(StaffUpdateSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "enforcement_officer | legal_reviewer | legal_advisor | "
                                                  "public_lawyer （CSV 也可写 "
                                                  "执法人员/法制审核人员/法律顾问/公职律师）"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    valid_from = fields.Date(validate=plausible("valid_from"), required=True)

    @pre_load
    def chinese_kind(self, data, **_kwargs):
        if isinstance(data, dict) and data.get("kind") in KIND_CODES:
            data = {**data, "kind": KIND_CODES[data["kind"]]}
        return data

    @validates_schema
    def officers_hold_a_certificate(self, data, **_kwargs):
        if data.get("kind") == ENFORCEMENT_OFFICER and not data.get("enforcement_certificate_no"):
            raise ValidationError("执法人员必须填写执法证号", field_name="enforcement_certificate_no")


class DeactivateSchema(Schema):
    on = fields.Date(validate=plausible("deactivated_on"),
                     metadata={"description": "停用日期（当日起不再在岗），默认今天"})
    reason = fields.String(validate=validate.Length(max=500))


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
    warning = fields.Function(lambda s: staffing_warning(s))


def staffing_warning(row: dict) -> str | None:
    return None if row["compliant"] else (f"法制审核人员不足：应不少于 {row['required_reviewers']} 人，"
                                          f"尚缺 {row['shortfall']} 人（警示，不影响办案）")


def dump_staffing_rows(rows: list[dict]) -> list[dict]:
    """StaffingSchema(many=True).dump(rows) without marshmallow's per-field cost (a province has 3,000 rows):
    every field is the row's own scalar, the date as ISO text, plus the warning."""
    return [{**row, "on": row["on"].isoformat(), "warning": staffing_warning(row)} for row in rows]


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


class HandOverSchema(Schema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "用户名"})
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
