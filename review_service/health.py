"""GET /healthz: the process is alive. GET /readyz: it can serve (database, migrations, calendar)."""
from flask import Blueprint, jsonify

from .observability.readiness import readiness_checks

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz():
    """200 when every check passes; 503 with the checks (the failing ones say why) otherwise."""
    checks = readiness_checks()
    ready = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    return response
