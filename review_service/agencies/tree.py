"""Walk the agency tree: ancestors (for pools and supervisors) and descendants (for reach and roll-ups)."""
from sqlalchemy import literal, select

from ..accounts.roles import Actor
from ..extensions import db
from .models import Agency

MAX_DEPTH = 32  # far more levels than 国家/省/市/县 have; stops a parent cycle in the recursive query


def ancestor_ids(agency_id: int) -> list[int]:
    """The agency itself and every agency above it, nearest first: from the agencies the session holds
    already, else in one recursive query (not one query per level)."""
    chain, current = [], agency_id
    while current is not None and current not in chain:
        agency = db.session.identity_map.get(db.session.identity_key(Agency, current))
        if agency is None:
            return _ancestors_in_one_query(agency_id)
        chain.append(current)
        current = agency.parent_id
    return chain


def _chain(agency_id, *, nesting: bool = False):
    """The agency and every agency above it with their depth (a recursive CTE); agency_id is a value or a column
    of an enclosing query (nesting: the CTE is written inside the subquery that uses it, correlated)."""
    start = select(Agency.id, Agency.parent_id, literal(0).label("depth")).where(Agency.id == agency_id)
    chain = start.correlate_except(Agency).cte("chain", recursive=True, nesting=nesting)
    return chain.union_all(select(Agency.id, Agency.parent_id, chain.c.depth + 1)
                           .join(chain, Agency.id == chain.c.parent_id).where(chain.c.depth < MAX_DEPTH))


def ancestors_of(agency_id_column):
    """SQL: the ids ancestor_ids gives (as a set), for an agency id column of the enclosing query: one short
    index walk up the tree per row, inside the query that lists the rows."""
    return select(_chain(agency_id_column, nesting=True).c.id)


def _ancestors_in_one_query(agency_id: int) -> list[int]:
    chain = _chain(agency_id)
    ordered: list[int] = []
    for found in db.session.scalars(select(chain.c.id).order_by(chain.c.depth)):
        if found in ordered:  # a parent cycle: stop where it closes
            break
        ordered.append(found)
    return ordered


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
