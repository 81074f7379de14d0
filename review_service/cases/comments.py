"""案件评论: comments on a case, written into its history (so everyone who sees the case sees them) and
announced to the people working on it. The caller commits."""
from sqlalchemy import select

from ..audit.models import CaseEvent
from ..audit.service import record_event
from ..errors import InvalidInput
from ..extensions import db
from ..notifications.service import notify
from .models import OPEN, Task
from .service import get_case
from .workflow import lock_case

COMMENTED = "case.commented"
MAX_COMMENT_CHARS = 2000


def add_comment(case_id: int, *, actor, text: str) -> CaseEvent:
    """Append the comment to the case history and tell the handler, the reviewer and every open task's holder."""
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT_CHARS:
        raise InvalidInput("评论不能为空，且不超过2000字", fields={"text": ["不能为空，且不超过2000字"]})
    case = lock_case(get_case(case_id, actor=actor).id)
    assert case is not None  # get_case found it (and refused one the actor may not see)
    event = record_event(case, actor=actor, action=COMMENTED, data={"text": text})
    holders = db.session.scalars(select(Task.assignee_id).where(Task.case_id == case.id, Task.status == OPEN,
                                                                Task.assignee_id.is_not(None))).all()
    people = {person for person in (case.handler_id, case.reviewer_id, *holders) if person not in (None, actor.id)}
    notify(people, kind=COMMENTED, case_id=case.id, message=f"{actor.full_name}评论了案件“{case.title}”：{text[:100]}")
    db.session.flush()
    return event


def list_comments(case_id: int, *, actor) -> list[dict]:
    """The case's comments, oldest first: who, when, what."""
    case = get_case(case_id, actor=actor)
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == COMMENTED)
                                .order_by(CaseEvent.id)).all()
    return [{"seq": e.seq, "text": e.data.get("text", ""), "occurred_at": e.occurred_at,
             "author": e.actor_name} for e in events]
