"""待办 / 已办: the user's open tasks with their deadlines, and the tasks they finished."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ..casework.inbox import inbox_page, list_completed_tasks
from ..deadlines.service import working_days_left
from .pages import page_blueprint

bp = page_blueprint("web_inbox", __name__)


@bp.route("/")
def home():
    return redirect(url_for("web_inbox.inbox"))


@bp.route("/inbox")
def inbox():
    query = request.args.get("q", "").strip()
    title = request.args.get("title", "")
    only_overdue = request.args.get("overdue") == "1"
    found = inbox_page(current_user, search=query, title=title, only_overdue=only_overdue)
    return render_template("web/inbox.html", rows=[_row(task) for task in found.tasks], titles=found.titles,
                           q=query, title=title, only_overdue=only_overdue, total=found.total)


@bp.route("/inbox/done")
def done():
    return render_template("web/done.html", tasks=list_completed_tasks(current_user))


def _row(task) -> dict:
    deadline = task.deadline
    days_left = working_days_left(deadline)
    return {"task": task, "due_on": deadline.due_on if deadline else None, "days_left": days_left,
            "overdue": bool(deadline and deadline.overdue) or (days_left is not None and days_left < 0),
            "problem": deadline.problem if deadline else None}
