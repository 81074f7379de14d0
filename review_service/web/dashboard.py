"""监督看板: deadlines, cases per stage, working days per stage, staffing compliance."""
from flask import render_template

from .labels import DASHBOARD_ROLES
from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_dashboard", __name__, url_prefix="/dashboard")


@bp.route("")
@roles_required(*DASHBOARD_ROLES)
def dashboard():
    return render_template("web/error.html", title="TODO", message="dashboard", code=None)
