"""Marshmallow schemas of the tasks API. Dumping reads attributes only: tasks.service.shown computes the rest."""
from marshmallow import Schema, fields, validate

from ..accounts.schemas import person_ref


class TaskSchema(Schema):
    id = fields.String(dump_only=True)
    case_id = fields.Integer()
    case_number = fields.Function(lambda t: t.case.case_number)
    case_title = fields.Function(lambda t: t.case.title)
    name = fields.String()
    title = fields.String()
    kind = fields.String()
    lane = fields.String()
    role = fields.String()
    round = fields.Integer()
    status = fields.String()
    form_key = fields.String()
    assignee = fields.Function(lambda t: person_ref(t.assignee))
    completed_by = fields.Function(lambda t: person_ref(t.completed_by))
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    due_on = fields.Function(lambda t: t.deadline.due_on.isoformat() if t.deadline and t.deadline.due_on else None,
                             metadata={"description": "the date this task's time limit ends (期限届满日)"})
    working_days_left = fields.Function(lambda t: t.working_days_left)  # set by tasks.service.shown
    overdue = fields.Function(lambda t: bool(t.deadline and t.deadline.overdue))


class TaskDetailSchema(TaskSchema):
    form_schema = fields.Function(lambda t: t.form_schema,  # set by tasks.service.shown(..., with_form=True)
                                  metadata={"description":
                                            "JSON Schema of the form; opinion titles in the agency's words"})
    data = fields.Dict(allow_none=True)


class CompletedTaskSchema(TaskSchema):
    data = fields.Dict(allow_none=True)
    case_status = fields.Function(lambda t: t.case.status)
    case_round = fields.Function(lambda t: t.case.round)


class TaskListSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    next_after = fields.String(allow_none=True, metadata={
        "description": "pass as `after` for the next page; null: this was the last page"})


INBOX_PAGE, MAX_INBOX_PAGE = 20, 100  # tasks per page of the inbox (GET /api/v1/tasks): by default, at most


class TaskListQuerySchema(Schema):
    limit = fields.Integer(load_default=INBOX_PAGE, validate=validate.Range(min=1, max=MAX_INBOX_PAGE),
                           metadata={"description": "tasks per page (the last page may hold fewer: see next_after)"})
    after = fields.String(load_default=None, metadata={"description": "next_after of the previous page"})


class CompleteTaskSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "表单数据，按任务的 JSON Schema 校验"})
