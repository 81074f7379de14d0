"""Query of the review-work report."""
from marshmallow import Schema, fields


class ReportQuerySchema(Schema):
    from_ = fields.Date(required=True, data_key="from", metadata={"description": "first day (Beijing), YYYY-MM-DD"})
    to = fields.Date(required=True, metadata={"description": "last day, inclusive"})
    agency = fields.String(metadata={"description": "one visible agency's code (and the agencies below it)"})
