"""流程设计: the agency's process versions, the BPMN modeler, validation and publishing."""
from flask import render_template

from .pages import page_blueprint
from .session import roles_required

bp = page_blueprint("web_designer", __name__, url_prefix="/designer")


@bp.route("")
@roles_required("designer")
def versions():
    return render_template("web/error.html", title="TODO", message="designer pages", code=None)
