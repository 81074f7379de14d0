"""Notification bodies for the API."""
from marshmallow import Schema, fields


class NotificationSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    kind = fields.String()
    message = fields.String()
    data = fields.Dict()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer()


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread notifications"})

