"""Deadline bodies: every task and case carries its due date, working days left and overdue flag."""
from marshmallow import Schema, fields, validate

from .service import KIND_TITLES, working_days_left


class DeadlineSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String(metadata={"description": "review | publication | archiving | withdrawal"})
    kind_title = fields.Function(lambda d: KIND_TITLES.get(d.kind, d.kind))
    round = fields.Integer()
    task_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "running | paused | met | cancelled"})
    unit = fields.String(metadata={"description": "working | calendar (days)"})
    period_days = fields.Integer()
    extension_days = fields.Integer()
    days_used = fields.Integer(metadata={"description": "working days kept across a SUSPEND pause"})
    start_on = fields.Date()
    due_on = fields.Date(allow_none=True)
    cap_from_on = fields.Date(allow_none=True, metadata={"description": "立案 date the statutory period counts from"})
    cap_calendar_days = fields.Integer(allow_none=True, metadata={"description": "statutory period (calendar days)"})
    cap_on = fields.Date(allow_none=True, metadata={
        "description": "statutory decision deadline (Art. 60); null while its year has no calendar data"})
    capped = fields.Boolean(metadata={"description": "the period would run past cap_on and was cut to it"})
    working_days_left = fields.Function(working_days_left, allow_none=True)
    overdue = fields.Boolean()
    overdue_since = fields.Date(allow_none=True)
    problem = fields.String(allow_none=True, metadata={"description": "why due_on is unknown (calendar data)"})
    warnings = fields.Function(lambda d: (["exceeds_statutory_deadline"] if d.capped else []))


class DeadlineListSchema(Schema):
    items = fields.List(fields.Nested(DeadlineSchema))


class UpcomingQuerySchema(Schema):
    within_working_days = fields.Integer(load_default=3, validate=validate.Range(min=0, max=60))


class ExtensionRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class ExtensionResultSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    working_days = fields.Integer()
    approval_task_id = fields.String()


class WithdrawalRequestSchema(Schema):
    received_on = fields.Date(required=True, metadata={"description": "收到变更/撤销决定的日期"})
    document = fields.String(required=True, validate=validate.Length(min=2, max=200))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
