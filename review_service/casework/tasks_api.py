"""GET /api/v1/tasks, GET /api/v1/tasks/{id}, POST .../claim, POST .../complete."""
from flask import g
from flask_smorest import Blueprint

from ..accounts.auth import current_actor, require_actor
from ..tasks.schemas import (
    CompletedTaskSchema,
    CompleteTaskSchema,
    TaskDetailSchema,
    TaskListQuerySchema,
    TaskListSchema,
)
from ..tasks.service import claim_task, complete_task, get_task, shown, shown_all
from .inbox import open_tasks_page

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="待办任务")
blp.before_request(require_actor)


@blp.route("", methods=["GET"])
@blp.arguments(TaskListQuerySchema, location="query")
@blp.response(200, TaskListSchema)
def inbox(query):
    """The caller's open tasks (assigned to them, or claimable by their role), oldest first, a page at a time."""
    tasks, next_after = open_tasks_page(current_actor(), limit=query["limit"], after=query["after"])
    return {"items": shown_all(tasks), "next_after": next_after}


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def show(task_id):
    """One task with the JSON Schema of its form."""
    return shown(get_task(task_id, actor=current_actor()), with_form=True)


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskDetailSchema)
def claim(task_id):
    """Take an unassigned task; it then appears only in the caller's inbox."""
    task = shown(claim_task(task_id, actor=current_actor()), with_form=True)
    return task


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema())  # an instance: a class would be instantiated on every request
@blp.response(200, CompletedTaskSchema)
@blp.alt_response(403, description="Not the caller's task")
@blp.alt_response(404, description="No such task in the caller's agency")
@blp.alt_response(409, description="Already completed, changed meanwhile, or a guard refused it")
@blp.alt_response(422, description="Form data invalid; error.fields names each failing field")
def complete(payload, task_id):
    """Complete a READY task with its form data; one transaction."""
    task = complete_task(task_id, actor=current_actor(), data=payload["data"])
    g.case_id = task.case_id  # for the logs (observability.requests), instead of parsing the answer again
    return task
