"""待办 and 已办: the open tasks a user may work (filtered and ordered in SQL), and the tasks they finished."""
from dataclasses import dataclass

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..cases.models import COMPLETED, OPEN, Case, Task
from ..china_time import today_in_china
from ..deadlines.models import Deadline
from ..deadlines.service import overdue_clause
from ..extensions import db
from ..persistence import built_once
from ..staffing.eligibility import may_review
from ..tasks.schemas import INBOX_PAGE


@dataclass(frozen=True)
class Inbox:
    """One page of the inbox: the tasks that pass the filters, and what the filters offer."""

    tasks: list[Task]  # nearest due date first (none: last), then oldest first
    titles: list[str]  # the step titles of all the user's open tasks
    total: int  # all the user's open tasks, before the filters


def _open_tasks(*, lean: bool = False):
    """Open tasks of the actor's roles, of their agency and assigned to them or to nobody, or assigned to them
    elsewhere (pooled advisors); review tasks only where they may review the case (staffing.eligibility.may_review:
    a reviewing staff record for the case's agency, qualification, four-eyes, 回避), decided in the same query.
    Parameters: _params(actor). lean: of the case, the assignee and the deadline only what the API's task shows
    (the case's facts, draft decision, ... and the account's password hash are not read).

    Each branch is one short index range however many tasks the database holds: the agency's open tasks of the
    role (ix_tasks_inbox), and the actor's own open ones (ix_tasks_review_load: assignee, role, no completed_at,
    which only an open task lacks). Written as `agency OR assignee` the planner ANDed every open task of the
    province (a bitmap of ix_tasks_completed) with the actor's tasks.
    """
    me: BindParameter[int] = bindparam("me")
    mine = and_(Task.assignee_id == me, Task.completed_at.is_(None))
    return (select(Task).join(Case, Case.id == Task.case_id)
            .where(Task.status == OPEN, Task.role.in_(bindparam("roles", expanding=True)),
                   or_(and_(Task.agency_id == bindparam("agency_id"), or_(Task.assignee_id == me,
                                                                          Task.assignee_id.is_(None))), mine),
                   or_(Task.role != Role.REVIEWER, may_review(Case, me, bindparam("today"))))
            .options(*_LEAN if lean else (contains_eager(Task.case), joinedload(Task.assignee),
                                          joinedload(Task.deadline))))


_LEAN = (contains_eager(Task.case).load_only(Case.case_number, Case.title),
         joinedload(Task.assignee).load_only(User.full_name),
         joinedload(Task.deadline).load_only(Deadline.agency_id, Deadline.due_on, Deadline.overdue))


def _params(actor: Actor) -> dict:
    return {"me": actor.id, "roles": list(actor.roles), "agency_id": actor.agency_id, "today": today_in_china()}


@built_once
def _listing():
    return _open_tasks().order_by(Task.created_at, Task.id)


def list_open_tasks(actor: Actor) -> list[Task]:
    """The actor's inbox in the order the tasks appeared."""
    return list(db.session.scalars(_listing(), _params(actor)))


@built_once
def _page(after: bool):
    """A page of _listing, lean (what tasks.schemas.TaskSchema shows): `limit` rows, from the one after task
    `after` on."""
    query = (_open_tasks(lean=True)
             .order_by(Task.created_at, Task.id).limit(bindparam("limit")))
    if after:
        mark = aliased(Task)  # an unknown `after` has no created_at: an empty page
        since = select(mark.created_at).where(mark.id == bindparam("after")).scalar_subquery()
        query = query.where(or_(Task.created_at > since, and_(Task.created_at == since, Task.id > bindparam("after"))))
    return query


def open_tasks_page(actor: Actor, *, limit: int = INBOX_PAGE,
                    after: str | None = None) -> tuple[list[Task], str | None]:
    """At most `limit` tasks of the inbox in the order they appeared, from the one after task `after` on, and the
    `after` of the next page (None: no more). Keyset paging, so a page costs the same however busy the agency."""
    rows = list(db.session.scalars(_page(after is not None), {**_params(actor), "limit": limit + 1, "after": after}))
    more = len(rows) > limit
    return rows[:limit], rows[limit - 1].id if more else None


def inbox_page(actor: Actor, *, search: str = "", title: str = "", only_overdue: bool = False) -> Inbox:
    """The inbox page: search is part of the case number or title, title a step title; overdue means flagged
    overdue or past the due date in working days."""
    every = list_open_tasks(actor)  # the filters below narrow these rows
    query = (select(Task).join(Case, Case.id == Task.case_id).outerjoin(Deadline, Deadline.id == Task.deadline_id)
             .options(contains_eager(Task.case), contains_eager(Task.deadline), joinedload(Task.assignee))
             .where(Task.id.in_([task.id for task in every]))
             .order_by(Deadline.due_on.is_(None), Deadline.due_on, Task.created_at, Task.id))
    if search:
        query = query.where(or_(_contains(Case.case_number, search), _contains(Case.title, search)))
    if title:
        query = query.where(Task.title == title)
    if only_overdue:
        agencies = {task.deadline.agency_id for task in every if task.deadline is not None}
        query = query.where(overdue_clause(agencies, today_in_china()))
    return Inbox(tasks=list(db.session.scalars(query)), titles=sorted({task.title for task in every}), total=len(every))


def _contains(column, text: str):
    """Case-sensitive substring test (LIKE ignores case on SQLite)."""
    position = func.strpos if db.session.get_bind().dialect.name == "postgresql" else func.instr
    return position(column, text) > 0


def list_completed_tasks(actor: Actor, *, limit: int = 100) -> list[Task]:
    """已办: tasks the actor completed, newest first."""
    query = (select(Task).where(Task.completed_by_id == actor.id, Task.status == COMPLETED)
             .options(joinedload(Task.case), joinedload(Task.deadline))
             .order_by(Task.completed_at.desc(), Task.id).limit(limit))
    return list(db.session.scalars(query))
