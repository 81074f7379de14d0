"""Mail settings bodies for the API."""
from marshmallow import Schema, fields, validate


class PreferencesSchema(Schema):
    email = fields.Email(allow_none=True, load_default=None)
    mail_kinds = fields.List(fields.String(), load_default=list)


class MailServerSchema(Schema):
    host = fields.String(required=True, validate=validate.Length(min=1, max=255))
    port = fields.Integer(load_default=587, validate=validate.Range(min=1, max=65535))
    sender = fields.Email(required=True, metadata={"description": "From: address"})
    starttls = fields.Boolean(load_default=True)
    username = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=254))
    password_env = fields.String(allow_none=True, load_default=None, metadata={
        "description": "name of the environment variable holding the password on the worker's machine"})


class NoticeKindSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "notice kind code, e.g. opinion.returned"})
    name = fields.String(required=True, metadata={"description": "its Chinese name"})


class NoticeKindListSchema(Schema):
    items = fields.List(fields.Nested(NoticeKindSchema), required=True)
