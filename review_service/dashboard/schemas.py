"""Marshmallow schemas of the dashboard query and body (GET /api/v1/dashboard)."""
from marshmallow import Schema, fields, validate

from ..cases.status import CASE_STATUSES
from ..staffing.schemas import RollupTotalSchema, StaffingSchema, dump_staffing_rows
from .service import DEFAULT_LIMIT, DEFAULT_PERIOD_DAYS, DEFAULT_WITHIN_WORKING_DAYS


class DashboardQuerySchema(Schema):
    agency = fields.String(validate=validate.Length(min=1, max=64),
                           metadata={"description": "机关代码：只看该机关及其下级（须在可见范围内），默认本机关"})
    within_working_days = fields.Integer(load_default=DEFAULT_WITHIN_WORKING_DAYS,
                                         validate=validate.Range(min=0, max=60),
                                         metadata={"description": "即将到期：今天起多少个工作日内到期"})
    period_days = fields.Integer(load_default=DEFAULT_PERIOD_DAYS, validate=validate.Range(min=1, max=366),
                                 metadata={"description": "平均用时：统计最近多少天内办结的任务"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=500),
                           metadata={"description": "超期、即将到期各列出多少条（按到期日先后）；总数见 *_total"})


class DashboardAgencySchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()


class DeadlineHolderSchema(Schema):
    id = fields.Integer()
    full_name = fields.String()


class WatchedDeadlineSchema(Schema):
    deadline_id = fields.Integer()
    case_id = fields.Integer()
    case_number = fields.String()
    case_title = fields.String()
    agency_code = fields.String()
    agency_name = fields.String()
    kind = fields.String(metadata={"description": "review | publication | archiving | withdrawal"})
    kind_title = fields.String()
    round = fields.Integer()
    step = fields.String(metadata={"description": "the open task the clock runs for (its title)"})
    holder = fields.Nested(DeadlineHolderSchema, allow_none=True,
                           metadata={"description": "the task's assignee; null: waiting in the shared queue"})
    holder_role = fields.String(allow_none=True, metadata={"description": "the role that works the task"})
    start_on = fields.Date()
    due_on = fields.Date()
    capped = fields.Boolean(metadata={"description": "cut to the statutory decision deadline (Art. 60)"})
    working_days_left = fields.Integer(allow_none=True, metadata={"description": "negative once overdue"})
    working_days_overdue = fields.Integer(allow_none=True)


class AgencyCountSchema(Schema):
    agency_code = fields.String()
    cases = fields.Integer()


class StageCountSchema(Schema):
    status = fields.String()
    status_title = fields.Function(lambda row: CASE_STATUSES.get(row["status"], row["status"]))
    total = fields.Integer()
    by_agency = fields.List(fields.Nested(AgencyCountSchema))


class StageTimeSchema(Schema):
    kind = fields.String(metadata={"description": "the task kind (taskKind of the BPMN task)"})
    title = fields.String(metadata={"description": "the task title most tasks of this kind had"})
    tasks = fields.Integer(metadata={"description": "tasks of this kind completed in the period"})
    average_working_days = fields.Float()
    max_working_days = fields.Integer()
    average_hours = fields.Float(metadata={"description": "elapsed clock hours from opened to completed, averaged "
                                                          "(one decimal): same-day work is not 0"})
    max_hours = fields.Float()


class StageTimesSchema(Schema):
    from_on = fields.Date()
    to_on = fields.Date()
    period_days = fields.Integer()
    stages = fields.List(fields.Nested(StageTimeSchema))
    unmeasured_tasks = fields.Integer(metadata={"description": "completed tasks whose days lack calendar data"})


class DashboardStaffingSchema(Schema):
    on = fields.Date()
    agencies = fields.List(fields.Nested(StaffingSchema))
    total = fields.Nested(RollupTotalSchema)


class CalendarGapsSchema(Schema):
    missing_years = fields.List(fields.Integer(), metadata={
        "description": "years from today to 120 days ahead without a holiday arrangement"})
    deadlines_without_due_date = fields.Integer(metadata={
        "description": "open deadlines whose due date waits for a year's arrangement"})


class DashboardSchema(Schema):
    on = fields.Date(metadata={"description": "today in Beijing"})
    agency_code = fields.String(metadata={"description": "the agency at the top of the scope"})
    agencies = fields.List(fields.Nested(DashboardAgencySchema), metadata={"description": "the agencies counted"})
    within_working_days = fields.Integer()
    overdue = fields.List(fields.Nested(WatchedDeadlineSchema), metadata={"description": "the first `limit`"})
    overdue_total = fields.Integer()
    upcoming = fields.List(fields.Nested(WatchedDeadlineSchema), metadata={"description": "the first `limit`"})
    upcoming_total = fields.Integer()
    cases_per_stage = fields.List(fields.Nested(StageCountSchema))
    working_days_per_stage = fields.Nested(StageTimesSchema)
    staffing = fields.Nested(DashboardStaffingSchema)
    calendar = fields.Nested(CalendarGapsSchema)


def dump_dashboard(figures: dict) -> dict:
    """DashboardSchema().dump(figures), with the per-agency lists (a province: 3,000 agencies, 15 statuses each)
    built directly: their values are plain strings and integers, and marshmallow's per-field cost made them
    most of the request."""
    body = DashboardSchema(exclude=("agencies", "cases_per_stage", "staffing.agencies")).dump(figures)
    body["agencies"] = [{"code": a["code"], "name": a["name"], "level": a["level"]} for a in figures["agencies"]]
    body["cases_per_stage"] = [
        {"status": stage["status"], "status_title": CASE_STATUSES.get(stage["status"], stage["status"]),
         "total": stage["total"], "by_agency": stage["by_agency"]} for stage in figures["cases_per_stage"]]
    body["staffing"]["agencies"] = dump_staffing_rows(figures["staffing"]["agencies"])
    return body
