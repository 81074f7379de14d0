"""暂存: save, read and discard a user's draft of an open task's form. The caller commits."""
from sqlalchemy import delete

from ..accounts.roles import Actor
from ..cases.models import OPEN
from ..db_types import utcnow
from ..errors import Conflict
from ..extensions import db
from .models import TaskDraft
from .permissions import check_can_work
from .service import get_task

MAX_DRAFT_CHARS = 200_000


def save_draft(task_id: str, *, actor: Actor, data: dict) -> TaskDraft:
    """Keep the form data as the actor's draft; only the person who may work the task can save one."""
    task = get_task(task_id, actor=actor)
    if task.status != OPEN:
        raise Conflict("任务已办结，不能再暂存", code="task_not_open")
    check_can_work(actor, task)
    if len(repr(data)) > MAX_DRAFT_CHARS:
        raise Conflict("暂存内容过大", code="draft_too_large")
    draft = db.session.get(TaskDraft, (task_id, actor.id))
    if draft is None:
        draft = TaskDraft(task_id=task_id, user_id=actor.id, data=data)
        db.session.add(draft)
    else:
        draft.data, draft.saved_at = data, utcnow()
    db.session.flush()
    return draft


def draft_of(task_id: str, *, actor: Actor) -> TaskDraft | None:
    return db.session.get(TaskDraft, (task_id, actor.id))


def discard_drafts(task_id: str) -> None:
    """Every draft of a task, once it is completed."""
    db.session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))
