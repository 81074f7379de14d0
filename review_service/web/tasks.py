"""任务办理: a task's form page, drafts, claiming, attachment upload."""
from flask import render_template

from .pages import page_blueprint

bp = page_blueprint("web_tasks", __name__, url_prefix="/tasks")


@bp.route("/<task_id>")
def show(task_id):
    return render_template("web/error.html", title="TODO", message="task", code=None)
