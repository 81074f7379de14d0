"""Marshmallow schemas of the account-management API."""
from marshmallow import Schema, fields, validate

from ..accounts.roles import ROLES

ROLE_LIST = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1), metadata={"description": " | ".join(ROLES)})


class AccountSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    roles = fields.Function(lambda user: sorted(user.roles))
    agency = fields.Function(lambda user: {"code": user.agency.code, "name": user.agency.name})
    is_active = fields.Boolean()
    must_change_password = fields.Boolean(metadata={"description": "holds a one-time password not yet changed"})
    created_at = fields.DateTime()
    password_changed_at = fields.DateTime(allow_none=True)
    deactivated_at = fields.DateTime(allow_none=True)


class AccountListSchema(Schema):
    items = fields.List(fields.Nested(AccountSchema))


class AccountQuerySchema(Schema):
    agency = fields.String(metadata={"description": "agency code; default: every agency in reach"})
    active = fields.Boolean(metadata={"description": "true: only active accounts"})


class AccountCreateSchema(Schema):
    agency = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "agency code (yours or one below it)"})
    username = fields.String(required=True, validate=[validate.Length(min=1, max=64),
                                                      validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                                                      error="只能包含字母、数字、点、下划线和连字符")])
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    roles = ROLE_LIST


class RolesSchema(Schema):
    roles = ROLE_LIST


class OneTimePasswordSchema(Schema):
    user = fields.Nested(AccountSchema)
    one_time_password = fields.String(metadata={"description": "shown once; the holder must change it at first login"})


class ImportedAccountsSchema(Schema):
    items = fields.List(fields.Nested(OneTimePasswordSchema))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class AccountEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    actor = fields.Function(lambda event: {"id": event.actor_id, "full_name": event.actor_name})
    user = fields.Function(lambda event: {"id": event.user_id, "username": event.user.username})
    action = fields.String(metadata={"description": "user.created | user.imported | user.roles_set | "
                                                    "user.password_reset | user.password_changed | "
                                                    "user.deactivated | user.reactivated | staff.linked | "
                                                    "staff.unlinked"})
    data = fields.Dict()


class AccountEventListSchema(Schema):
    items = fields.List(fields.Nested(AccountEventSchema))
