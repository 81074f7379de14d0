"""GET /healthz: the process is alive. GET /readyz: it can serve (database, migrations, calendar)."""
from flask import Blueprint, jsonify

from .observability.readiness import failing, readiness_checks, readiness_warnings

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz():
    """200 when every check passes; 503 otherwise, with `failing` naming the checks that failed (each says
    why in its `detail`, never with SQL).

    `warnings` list what still serves but needs an operator soon (next year's calendar not loaded).
    """
    checks = readiness_checks()
    failed = failing(checks)
    ready = not failed
    warnings = readiness_warnings() if ready else []
    response = jsonify({"status": "ready" if ready else "not_ready", "failing": failed, "checks": checks,
                        "warnings": warnings})
    response.status_code = 200 if ready else 503
    return response
