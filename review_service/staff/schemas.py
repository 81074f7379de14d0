"""Marshmallow schemas of the staff API and of staff CSV rows."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..china_time import plausible
from ..china_time import today_in_china as today
from .models import ENFORCEMENT_OFFICER, KIND_TITLES, KINDS

KIND_CODES = {title: code for code, title in KIND_TITLES.items()}
CSV_COLUMNS = ("kind", "name", "enforcement_certificate_no", "legal_qualification_no", "first_reviewed_on",
               "valid_from", "valid_until", "username", "note")


class StaffSchema(Schema):
    id = fields.Integer()
    agency_code = fields.Function(lambda s: s.agency.code)
    kind = fields.String()
    kind_title = fields.Function(lambda s: KIND_TITLES[s.kind])
    name = fields.String()
    enforcement_certificate_no = fields.String(allow_none=True)
    legal_qualification_no = fields.String(allow_none=True)
    first_reviewed_on = fields.Date(validate=plausible("first_reviewed_on"), allow_none=True)
    valid_from = fields.Date(validate=plausible("valid_from"))
    valid_until = fields.Date(validate=plausible("valid_until"), allow_none=True)
    deactivated_on = fields.Date(validate=plausible("deactivated_on"), allow_none=True)
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
    first_reviewed_on = fields.Date(validate=plausible("first_reviewed_on"), allow_none=True, metadata={"description": "首次从事行政处罚决定法制审核的日期"})
    valid_from = fields.Date(validate=plausible("valid_from"), metadata={"description": "执法证有效期起 / 任职日期"})
    valid_until = fields.Date(validate=plausible("valid_until"), allow_none=True, metadata={"description": "执法证有效期止（含当日）"})
    username = fields.String(allow_none=True, metadata={"description": "关联的登录账号（同一机关）"})
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def dates_in_order(self, data, **_kwargs):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError("有效期止不能早于有效期起", field_name="valid_until")


class StaffCreateSchema(StaffUpdateSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "enforcement_officer | legal_reviewer | legal_advisor | public_lawyer "
                                                  "（CSV 也可写 执法人员/法制审核人员/法律顾问/公职律师）"})
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
    on = fields.Date(validate=plausible("on"), metadata={"description": "停用日期（当日起不再在岗），默认今天"})
    reason = fields.String(validate=validate.Length(max=500))
