"""Marshmallow schemas of attachments."""
from marshmallow import Schema, fields


class AttachmentSchema(Schema):
    id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    case_id = fields.Integer(allow_none=True)
    uploaded_at = fields.DateTime()
