"""Walk the agency tree: ancestors (for pools and supervisors) and descendants (for reach and roll-ups)."""
from sqlalchemy import select

from ..accounts.roles import Actor
from ..extensions import db
from .models import Agency


def ancestor_ids(agency_id: int) -> list[int]:
    """The agency itself and every agency above it, nearest first."""
    chain, current = [], db.session.get(Agency, agency_id)
    while current is not None and current.id not in chain:
        chain.append(current.id)
        current = current.parent
    return chain


def descendant_ids(agency_id: int) -> list[int]:
    """The agency itself and every agency below it, depth first."""
    return _below(agency_id)[0]


def descendants_and_total(agency_id: int) -> tuple[list[int], int]:
    """(descendant_ids, how many agencies there are), in one query."""
    return _below(agency_id)


def descendants_unless_all(agency_id: int) -> list[int] | None:
    """descendant_ids, or None when they are every agency there is (a filter by them would keep every row)."""
    ordered, every = _below(agency_id)
    return None if len(ordered) == every else ordered


def _below(agency_id: int) -> tuple[list[int], int]:
    """(the agency and every agency below it, depth first; how many agencies there are), in one query."""
    children: dict[int | None, list[int]] = {}
    rows = db.session.execute(select(Agency.id, Agency.parent_id).order_by(Agency.code)).all()
    for child_id, parent_id in rows:
        children.setdefault(parent_id, []).append(child_id)
    ordered, seen, stack = [], set(), [agency_id]  # seen: a set, a province has 3,000 agencies
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        ordered.append(current)
        seen.add(current)
        stack.extend(reversed(children.get(current, [])))
    return ordered, len(rows)


def within_reach(actor: Actor, agency_id: int | None) -> bool:
    """Whether the agency is the actor's own or below it; the command-line operator reaches every agency."""
    if getattr(actor, "is_operator", False):
        return True
    return agency_id is not None and actor.agency_id in ancestor_ids(agency_id)
