"""Marshmallow schemas of the accounts API."""
from marshmallow import Schema, fields, validate


def person_ref(user) -> dict | None:
    """How a user appears inside other resources."""
    return {"id": user.id, "full_name": user.full_name} if user else None


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_in_hours = fields.Integer()
    user = fields.Nested(lambda: UserSchema())


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    full_name = fields.String()
    roles = fields.Function(lambda user: sorted(user.roles))
    agency = fields.Function(lambda user: {"code": user.agency.code, "name": user.agency.name})
    must_change_password = fields.Boolean(metadata={"description": "true: only POST /api/v1/auth/password is "
                                                                   "allowed until the one-time password is changed"})
