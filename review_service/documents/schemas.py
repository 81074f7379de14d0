"""Documents as the API shows them."""
from marshmallow import Schema, fields


class DocumentSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "opinion | submission | coordination | discussion"})
    title = fields.String()
    version = fields.Integer()
    latest = fields.Boolean(metadata={"description": "the newest version of this document"})
    round = fields.Integer()
    number = fields.String(allow_none=True, metadata={"description": "文号 (opinions)"})
    created_at = fields.DateTime()
    created_by = fields.Function(lambda entry: entry.created_by.full_name if entry.created_by else None)
    pdf_status = fields.String(
        metadata={"description": "pending | done | failed | off (made while REVIEW_DOCUMENT_PDF=0)"})
    pdf_error = fields.String(allow_none=True)
    docx_url = fields.Function(lambda entry: f"/api/v1/documents/{entry.id}/docx")
    pdf_url = fields.Function(lambda entry: f"/api/v1/documents/{entry.id}/pdf" if entry.has_pdf else None)


class DocumentListSchema(Schema):
    items = fields.List(fields.Nested(DocumentSchema))
