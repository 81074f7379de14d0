"""The two independence rules of a review, each written once as an SQL clause (and a predicate over it).

- Four-eyes (审核人员不得为承办人): whoever worked on the handling side of a case — its handler, or anyone who
  completed a handling-unit task of it — may not review it.
- 回避 (recusal): a reviewer who declared a conflict of interest in a case may not review it.

The clauses take SQL expressions (columns or bind parameters), so one text serves a single check, the
eligibility query and the inbox query alike.
"""
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from ..accounts.roles import Role
from ..cases.models import COMPLETED, Task
from ..extensions import db
from .models import Recusal

HANDLING_ROLE = Role.HANDLER


def handled_case(case_id, user_id, handler_id):
    """SQL: the user is the case's handler or completed one of its handling-unit tasks (four-eyes)."""
    return or_(handler_id == user_id, _completed_handling_task(case_id, user_id))


_DONE = aliased(Task, name="done_task")  # built once: an alias of a table this wide costs ~1 ms to build


def _completed_handling_task(case_id, user_id):
    """Over an alias of tasks: a query over tasks (the inbox) must not correlate it with its own rows."""
    return exists().where(_DONE.case_id == case_id, _DONE.role == HANDLING_ROLE, _DONE.status == COMPLETED,
                          _DONE.completed_by_id == user_id)


def recused(case_id, user_id):
    """SQL: the user declared 回避 in the case."""
    return exists().where(Recusal.case_id == case_id, Recusal.user_id == user_id)


def has_handled_case(user_id: int, case) -> bool:
    """Four-eyes for one user and case (one query unless the user is the handler)."""
    if case.handler_id == user_id:
        return True
    return bool(db.session.scalar(select(_completed_handling_task(case.id, user_id))))


def has_recused(user_id: int, case) -> bool:
    return bool(db.session.scalar(select(recused(case.id, user_id))))


def may_change_handled_case(row, case_id: int, user_id: int) -> bool:
    """Whether an unwritten row could change handled_case's answer for this case and user (flush it first)."""
    return (isinstance(row, Task) and row.case_id == case_id and row.role == HANDLING_ROLE
            and row.completed_by_id == user_id)
