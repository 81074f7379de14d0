"""Marshmallow schemas of the cases API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..accounts.schemas import person_ref
from ..attachments.schemas import AttachmentSchema
from ..cases.service import open_tasks_of
from ..cases.status import CASE_STATUSES
from ..deadlines.models import DeadlineStatus
from ..deadlines.schemas import DeadlineSchema
from ..edge import DATABASE_INT_MAX
from ..tasks.schemas import TaskSchema
from ..tasks.service import shown_all
from .search import MAX_PAGE_SIZE, ORDERS, PAGE_SIZE, SORTS


class MaterialSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    round = fields.Integer()
    submitted_at = fields.DateTime()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class OpinionSchema(Schema):
    round = fields.Integer()
    kind = fields.String(metadata={"description": "review: 审核意见; revision: 协调后修改的意见"})
    opinion = fields.String(metadata={"description": "approve | issues | transfer"})
    text = fields.String()
    suggestions = fields.List(fields.String())
    checklist = fields.Dict()
    transfer_target = fields.String(allow_none=True)
    reasons = fields.String(allow_none=True)
    reviewer = fields.Function(lambda o: person_ref(o.reviewer))
    issued_at = fields.DateTime()


class DecisionSchema(Schema):
    text = fields.String()
    decided_on = fields.Date()
    document_number = fields.String(allow_none=True)
    collective_discussion_held = fields.Boolean()
    collective_discussion_minutes = fields.String(allow_none=True)
    passed_round = fields.Integer()
    decided_by = fields.Function(lambda d: person_ref(d.decided_by))
    recorded_at = fields.DateTime()


class CaseSummarySchema(Schema):
    id = fields.Integer()
    case_number = fields.String()
    title = fields.String()
    agency = fields.Function(lambda c: {"code": c.agency.code, "name": c.agency.name})
    decision_type = fields.String()
    status = fields.String(metadata={"description": "Stable codes: " + ", ".join(CASE_STATUSES)})
    status_title = fields.Function(lambda c: CASE_STATUSES.get(c.status, c.status))
    round = fields.Integer()
    review_required = fields.Boolean()
    review_required_reasons = fields.List(fields.Dict())
    created_at = fields.DateTime()


class CaseSchema(CaseSummarySchema):
    party = fields.Function(lambda c: {"type": c.party_type, "name": c.party_name})
    facts = fields.String(allow_none=True)
    legal_basis = fields.String(allow_none=True)
    proposed_decision = fields.String()
    fine_amount = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal",
                                                           "description": "元, a decimal string (e.g. \"405.00\")"})
    confiscation_amount = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal",
                                                                   "description": "元, a decimal string"})
    sanctions = fields.List(fields.String())
    hearing_held = fields.Boolean()
    discretion = fields.String(allow_none=True)
    sector = fields.String(allow_none=True)
    power_source = fields.String(allow_none=True)
    filed_on = fields.Date(allow_none=True)
    complexity = fields.Dict()
    handler_opinion = fields.String(allow_none=True)
    review_passed = fields.Boolean()
    passed_round = fields.Integer(allow_none=True)
    handler = fields.Function(lambda c: person_ref(c.handler))
    reviewer = fields.Function(lambda c: person_ref(c.reviewer))
    materials = fields.List(fields.Nested(MaterialSchema))
    open_tasks = fields.Function(lambda c: TaskSchema(many=True).dump(shown_all(open_tasks_of(c))))
    opinions = fields.List(fields.Nested(OpinionSchema))
    decision = fields.Nested(DecisionSchema, allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    overdue = fields.Function(lambda c: any(d.overdue and d.status == DeadlineStatus.RUNNING for d in c.deadlines),
                              metadata={"description": "some running deadline of the case is past due"})


class CaseListItemSchema(CaseSummarySchema):
    party_name = fields.String()
    current_steps = fields.List(fields.String(), metadata={"description": "titles of the case's open steps"})
    due_on = fields.Date(allow_none=True, metadata={"description": "earliest due date of a running time limit"})
    overdue = fields.Boolean(metadata={"description": "some running time limit is past due"})


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseListItemSchema))
    total = fields.Integer(metadata={"description": "cases matching the query, on all pages; with a search text "
                                                    "at most 1,000 (see total_is_lower_bound)"})
    total_is_lower_bound = fields.Boolean(metadata={
        "description": "true: more than `total` cases match the search text (the search stopped counting at "
                       "1,000); only the first `total` are listed: sorted by submission date the list's first "
                       "1,000 matches, sorted otherwise the 1,000 most recently submitted matches in that order"})
    page = fields.Integer()
    page_size = fields.Integer()


class CaseQuerySchema(Schema):
    """The case list's query parameters; a malformed one is refused (422, by field); unknown ones are ignored."""
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "text in the case number, title or party name (substring)"})
    status = fields.String(validate=validate.OneOf(list(CASE_STATUSES)), metadata={"description": "status code"})
    step = fields.String(validate=validate.Length(max=100),
                         metadata={"description": "BPMN id of a step the case has open (e.g. review_case)"})
    overdue = fields.Boolean(metadata={"description": "true: some running time limit is past due; false: none"})
    reviewer_id = fields.Integer(validate=validate.Range(min=1, max=DATABASE_INT_MAX),
                                 metadata={"description": "the case's reviewer"})
    agency = fields.String(validate=validate.Length(max=64),
                           metadata={"description": "code of the case's agency (that agency only)"})
    under = fields.String(validate=validate.Length(max=64),
                          metadata={"description": "code of an agency: its cases and those of the agencies below it"})
    due_before = fields.Date(metadata={"description": "some running time limit is due before this Beijing date "
                                                      "(the dashboard's overdue figure: due before today)"})
    submitted_from = fields.Date(metadata={"description": "submitted on or after this Beijing date"})
    submitted_to = fields.Date(metadata={"description": "submitted on or before this Beijing date"})
    sort = fields.String(load_default="submitted", validate=validate.OneOf(SORTS),
                         metadata={"description": "submitted | due (earliest running due date) | case_number"})
    order = fields.String(load_default="desc", validate=validate.OneOf(ORDERS))
    # the offset stays a database integer
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))

    @validates_schema
    def _range(self, data, **kwargs):
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            raise ValidationError("起始日期不能晚于截止日期", field_name="submitted_to")


class EventSchema(Schema):
    seq = fields.Integer()
    occurred_at = fields.DateTime()
    actor = fields.Function(lambda e: {"id": e.actor_id, "full_name": e.actor_name})
    action = fields.String()
    task_id = fields.String(allow_none=True)
    round = fields.Integer()
    data = fields.Dict()
    hash = fields.String()


class HistorySchema(Schema):
    case_id = fields.Integer()
    chain_intact = fields.Boolean()
    broken_at_seq = fields.Integer(allow_none=True)
    events = fields.List(fields.Nested(EventSchema))


class DecisionRequestSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "record_decision 表单数据"})


class DiagramVisitSchema(Schema):
    task_id = fields.String()
    title = fields.String()
    round = fields.Integer()
    status = fields.String(metadata={"description": "open | completed | cancelled"})
    role = fields.String()
    opened_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True, metadata={"description": "full name of who completed it"})
    assignee = fields.String(allow_none=True, metadata={"description": "full name of who holds it"})
    due_on = fields.Date(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "open and its running time limit is past due"})


class DiagramStepSchema(Schema):
    element_id = fields.String(metadata={"description": "BPMN element id"})
    title = fields.String()
    state = fields.String(metadata={"description": "done | current | overdue | cancelled"})
    visits = fields.List(fields.Nested(DiagramVisitSchema), metadata={"description": "its tasks, oldest first"})


class DiagramSchema(Schema):
    process_version = fields.Integer(metadata={"description": "the version number the case runs on"})
    process_owner_agency_id = fields.Integer(allow_none=True, metadata={"description": "null: the national default"})
    bpmn_xml = fields.String()
    current_task_ids = fields.List(fields.String(), metadata={"description": "BPMN element ids of open tasks"})
    steps = fields.List(fields.Nested(DiagramStepSchema),
                        metadata={"description": "every step the case has had a task on, with who and when"})


class CommentRequestSchema(Schema):
    text = fields.String(required=True, metadata={"description": "评论内容（不超过2000字）"})


class CommentSchema(Schema):
    seq = fields.Integer(metadata={"description": "the event's number in the case history"})
    text = fields.String()
    occurred_at = fields.DateTime()
    author = fields.String()


class CommentListSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema))
