"""GET /api/v1/incidents, POST /api/v1/incidents/{id}/retry (administrators)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..accounts.auth import current_actor, require_actor
from ..accounts.roles import Role
from ..errors import Forbidden
from .service import list_incidents, retry_incident

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="作业故障")
blp.before_request(require_actor)


class IncidentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    case_id = fields.Integer(allow_none=True)
    due_at = fields.DateTime()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    status = fields.String()


class IncidentListSchema(Schema):
    items = fields.List(fields.Nested(IncidentSchema))


def _require_admin():
    if not current_actor().has_role(Role.ADMIN):
        raise Forbidden("需要系统管理员角色", code="role_required")


@blp.route("", methods=["GET"])
@blp.response(200, IncidentListSchema)
def index():
    """Jobs that failed every attempt and wait for an operator."""
    _require_admin()
    return {"items": list_incidents({current_actor().agency_id})}


@blp.route("/<int:job_id>/retry", methods=["POST"])
@blp.response(200, IncidentSchema)
def retry(job_id):
    """Make a failed job due again now."""
    _require_admin()
    job = retry_incident(job_id, {current_actor().agency_id})
    return job
