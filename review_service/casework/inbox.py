"""待办 and 已办: the open tasks a user may work (filtered and ordered in SQL), and the tasks they finished."""
from dataclasses import dataclass

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..accounts.roles import Actor, Role
from ..cases.models import COMPLETED, OPEN, Case, Task
from ..china_time import today_in_china
from ..deadlines.models import Deadline
from ..deadlines.service import overdue_clause
from ..extensions import db
from ..staffing.eligibility import eligible_tasks_only
from ..staffing.independence import handled_case
from ..tasks.schemas import INBOX_PAGE


@dataclass(frozen=True)
class Inbox:
    """One page of the inbox: the tasks that pass the filters, and what the filters offer."""

    tasks: list[Task]  # nearest due date first (none: last), then oldest first
    titles: list[str]  # the step titles of all the user's open tasks
    total: int  # all the user's open tasks, before the filters


def _open_tasks(actor: Actor):
    """Open tasks of the actor's roles, of their agency and assigned to them or to nobody, or assigned to them
    elsewhere (pooled advisors); review tasks not of a case they worked on (four-eyes; the other eligibility
    rules are applied by eligible_tasks_only).

    Each branch is one short index range however many tasks the database holds: the agency's open tasks of the
    role (ix_tasks_inbox), and the actor's own open ones (ix_tasks_review_load: assignee, role, no completed_at,
    which only an open task lacks). Written as `agency OR assignee` the planner ANDed every open task of the
    province (a bitmap of ix_tasks_completed) with the actor's tasks.
    """
    mine = and_(Task.assignee_id == actor.id, Task.completed_at.is_(None))
    return (select(Task).join(Case, Case.id == Task.case_id)
            .where(Task.status == OPEN, Task.role.in_(actor.roles),
                   or_(and_(Task.agency_id == actor.agency_id, or_(Task.assignee_id == actor.id,
                                                                    Task.assignee_id.is_(None))), mine),
                   or_(Task.role != Role.REVIEWER, not_(handled_case(Case.id, actor.id, Case.handler_id))))
            .options(contains_eager(Task.case), joinedload(Task.assignee)))


def list_open_tasks(actor: Actor) -> list[Task]:
    """The actor's inbox in the order the tasks appeared."""
    query = _open_tasks(actor).options(joinedload(Task.deadline)).order_by(Task.created_at, Task.id)
    return eligible_tasks_only(actor, list(db.session.scalars(query)))


def open_tasks_page(actor: Actor, *, limit: int = INBOX_PAGE,
                    after: str | None = None) -> tuple[list[Task], str | None]:
    """At most `limit` tasks of the inbox in the order they appeared, from the one after task `after` on, and the
    `after` of the next page (None: no more). Keyset paging, so a page costs the same however busy the agency;
    a page may hold fewer tasks than `limit` where review tasks the actor may not work are left out."""
    query = _open_tasks(actor).options(joinedload(Task.deadline)).order_by(Task.created_at, Task.id).limit(limit + 1)
    if after is not None:
        mark = aliased(Task)  # an unknown `after` has no created_at: an empty page
        since = select(mark.created_at).where(mark.id == after).scalar_subquery()
        query = query.where(or_(Task.created_at > since, and_(Task.created_at == since, Task.id > after)))
    rows = list(db.session.scalars(query))
    more = len(rows) > limit
    return eligible_tasks_only(actor, rows[:limit]), rows[limit - 1].id if more else None


def inbox_page(actor: Actor, *, search: str = "", title: str = "", only_overdue: bool = False) -> Inbox:
    """The inbox page: search is part of the case number or title, title a step title; overdue means flagged
    overdue or past the due date in working days."""
    every = list_open_tasks(actor)
    query = (_open_tasks(actor).outerjoin(Deadline, Deadline.id == Task.deadline_id)
             .options(contains_eager(Task.deadline))
             .where(Task.id.in_([task.id for task in every]))
             .order_by(Deadline.due_on.is_(None), Deadline.due_on, Task.created_at, Task.id))
    if search:
        query = query.where(or_(_contains(Case.case_number, search), _contains(Case.title, search)))
    if title:
        query = query.where(Task.title == title)
    if only_overdue:
        agencies = {task.deadline.agency_id for task in every if task.deadline is not None}
        query = query.where(overdue_clause(agencies, today_in_china()))
    return Inbox(tasks=list(db.session.scalars(query)), titles=sorted({task.title for task in every}),
                 total=len(every))


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
