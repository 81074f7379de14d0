"""A loaded holiday arrangement or an agency's local adjustment moves the open deadlines it affects;
each move goes into the case history."""
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from ..agencies.tree import descendant_ids
from ..audit.service import record_event
from ..cases.workflow import lock_case
from ..extensions import db
from .models import OPEN_STATUSES, Deadline
from .service import recompute_due, warn_capped


def recompute_open_deadlines(changed_days: Sequence[date], agency_id: int | None = None) -> int:
    """Recompute every open deadline whose period or statutory cap can contain a changed day; return how
    many changed.

    agency_id: only that agency's and its subordinates' deadlines (a local adjustment); None: all.
    """
    if not changed_days:
        return 0
    first, last = min(changed_days), max(changed_days)
    query = (select(Deadline.id, Deadline.case_id).where(Deadline.status.in_(OPEN_STATUSES),
                                                         Deadline.start_on < last)
             .order_by(Deadline.case_id, Deadline.id))
    if agency_id is not None:
        query = query.where(Deadline.agency_id.in_(descendant_ids(agency_id)))
    moved = 0
    for deadline_id, case_id in db.session.execute(query).all():
        case = lock_case(case_id)
        assert case is not None  # a deadline's case is never deleted
        deadline = db.session.get(Deadline, deadline_id, populate_existing=True)
        assert deadline is not None  # its case is locked: an open deadline is not deleted
        if _ends_before(deadline.due_on, first) and (deadline.cap_from_on is None
                                                      or _ends_before(deadline.cap_on, first)):
            continue
        old, was_capped = (deadline.due_on, deadline.problem, deadline.cap_on), deadline.capped
        if (recompute_due(deadline), deadline.problem, deadline.cap_on) != old:
            moved += 1
            record_event(case, actor=None, action="deadline.recomputed",
                         data={"kind": deadline.kind, "old_due_on": old[0], "due_on": deadline.due_on,
                               "cap_on": deadline.cap_on, "problem": deadline.problem, "reason": "节假日安排更新"})
            if deadline.capped and not was_capped:
                warn_capped(case, deadline)
    return moved


def _ends_before(day: date | None, first: date) -> bool:
    """A known day before the first changed day cannot move (an unknown one may become known)."""
    return day is not None and day < first

