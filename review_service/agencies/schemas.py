"""Marshmallow schemas of the agencies API and of agency CSV rows."""
from marshmallow import Schema, fields, pre_load, validate

from .models import LEVEL_TITLES, LEVELS

TRUTHY, FALSY = {"true", "1", "yes", "y", "是", True}, {"false", "0", "no", "n", "否", False}
LEVEL_CODES = {title: code for code, title in LEVEL_TITLES.items()}
CSV_COLUMNS = ("code", "name", "level", "parent_code", "sector", "advisors_count_toward_ratio",
               "grandfather_pre_2021_reviewers", "acceptance_from_queue")


def flag(description: str) -> fields.Boolean:
    return fields.Boolean(truthy=TRUTHY, falsy=FALSY, metadata={"description": description})


class AgencySchema(Schema):
    code = fields.String(dump_only=True)
    name = fields.String()
    level = fields.String()
    parent_code = fields.Function(lambda a: a.parent.code if a.parent else None)
    sector = fields.String(allow_none=True)
    advisors_count_toward_ratio = fields.Boolean()
    grandfather_pre_2021_reviewers = fields.Boolean()
    acceptance_from_queue = fields.Boolean()


class AgencyListSchema(Schema):
    items = fields.List(fields.Nested(AgencySchema))


class AgencyUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    level = fields.String(validate=validate.OneOf(LEVELS),
                          metadata={"description": "province/city/county/township 或 省/市/县/乡镇"})
    parent_code = fields.String(allow_none=True, validate=validate.Length(max=64))
    sector = fields.String(allow_none=True, validate=validate.Length(max=64), metadata={"description": "所属领域"})
    advisors_count_toward_ratio = flag("5% 比例是否计入可调用的法律顾问、公职律师（默认否；适用的流程参数 "
                                       "profile.json 写明 pooled_advisors_count 时以流程参数为准）")
    grandfather_pre_2021_reviewers = flag("2021-07-15 前已从事处罚决定审核的人员免于法律职业资格要求（默认是）")
    acceptance_from_queue = flag("受理任务进入审核机构共享队列，由审核人员领取（默认否：按工作量自动分配）")

    @pre_load
    def chinese_level(self, data, **_kwargs):
        if isinstance(data, dict) and data.get("level") in LEVEL_CODES:
            data = {**data, "level": LEVEL_CODES[data["level"]]}
        return data


class AgencyCreateSchema(AgencyUpdateSchema):
    code = fields.String(required=True, validate=[
        validate.Length(min=1, max=64), validate.Regexp(r"^[A-Za-z0-9._-]+$", error="只能包含字母、数字、. _ -")])
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))


class ImportResultSchema(Schema):
    imported = fields.Integer()
    codes = fields.List(fields.String())
