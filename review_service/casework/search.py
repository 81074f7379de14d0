"""The case list: search, filters, sort and paging, all in SQL, within the agencies the caller may see.

`search_cases` is what `GET /api/v1/cases` and the case list page call; each listed case comes with its
current steps (open tasks) and its earliest running due date, loaded for the page's cases in one query.
A search text's work is capped: at most SEARCH_CAP + 1 matches are gathered, and above the cap the total is
reported as a lower bound ("more than 1,000") and the list walks the cases in its order (see search_cases).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..agencies.models import Agency
from ..agencies.tree import descendants_unless_all
from ..cases.models import OPEN, Case, Task
from ..cases.service import visible_agency_ids, visible_agency_ids_unless_all
from ..deadlines.models import RUNNING, Deadline
from ..extensions import db
from ..persistence import among, plan_for_the_values_given

BEIJING = ZoneInfo("Asia/Shanghai")
SORTS = ("submitted", "due", "case_number")
ORDERS = ("asc", "desc")
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
SEARCH_CAP = 1000  # a search text gathers at most this many matches (+1 to know there are more)


@dataclass
class ListedCase:
    """A case as the list shows it; other attributes are the case's own."""
    case: Case
    current_steps: list[str] = field(default_factory=list)
    due_on: date | None = None
    overdue: bool = False

    def __getattr__(self, name):
        return getattr(self.case, name)


@dataclass
class CasePage:
    items: list[ListedCase]
    total: int
    page: int
    page_size: int
    total_is_lower_bound: bool = False  # more than `total` cases match; only the first `total` are listed

    @property
    def pages(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)


def _due_on():
    """The case's earliest due date among its running deadlines (a correlated subquery)."""
    return (select(func.min(Deadline.due_on))
            .where(Deadline.case_id == Case.id, Deadline.status == RUNNING).scalar_subquery())


def _running_overdue():
    return exists().where(Deadline.case_id == Case.id, Deadline.status == RUNNING, Deadline.overdue.is_(True))


def _start_of(day: date) -> datetime:
    """The first instant of a Beijing day, in UTC (created_at is stored in UTC)."""
    return datetime.combine(day, time.min, BEIJING).astimezone(ZoneInfo("UTC"))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _agency_conditions(actor, agency: str | None, under: str | None) -> list[ColumnElement[bool]]:
    """Visible agencies only; `agency`: that agency's cases; `under`: that agency's and its descendants'."""
    visible = visible_agency_ids_unless_all(actor)
    conditions: list[ColumnElement[bool]] = [] if visible is None else [among(Case.agency_id, visible)]
    for code, tree in ((agency, False), (under, True)):
        if code:
            found = db.session.scalar(select(Agency.id).where(Agency.code == code))
            ids = [] if found is None else descendants_unless_all(found) if tree else [found]
            conditions.extend([] if ids is None else [among(Case.agency_id, ids)])
    return conditions


def _text_matches(q: str) -> ColumnElement[bool]:
    """The text in the case number, title or party name (substring, any case).

    On PostgreSQL the number also matches the text with every character but letters and digits spelled 'x': true
    whenever the number holds the text, it is what ix_cases_case_number_words_trgm serves (see its migration).
    """
    pattern = _like(q)

    def matches(column, text):  # a text without letters of two cases (Chinese, digits) needs no ILIKE: 4x faster
        return column.like(text, escape="\\") if q.lower() == q.upper() else column.ilike(text, escape="\\")
    number: ColumnElement[bool] = matches(Case.case_number, pattern)
    if db.session.get_bind().dialect.name == "postgresql":
        number = and_(number, matches(_number_words(Case.case_number), "%" + _number_words(q) + "%"))
    return or_(number, *(matches(column, pattern) for column in (Case.title, Case.party_name)))


def _number_words(text):
    """The spelling the number's trigram index holds: no % _ or \\ is left to escape."""
    return func.regexp_replace(text, "[^[:alnum:]]", "x", "g")


def _conditions(actor, *, status=None, step=None, overdue=None, reviewer_id=None,  # noqa: PLR0913  (one keyword per filter of the list)
                submitted_from=None, submitted_to=None, agency=None, under=None, due_before=None) -> list:
    conditions = _agency_conditions(actor, agency, under)
    if status:
        conditions.append(Case.status == status)
    if step:
        conditions.append(exists().where(Task.case_id == Case.id, Task.status == OPEN, Task.name == step))
    if overdue is not None:
        conditions.append(_running_overdue() if overdue else ~_running_overdue())
    if reviewer_id is not None:
        conditions.append(Case.reviewer_id == reviewer_id)
    if due_before:
        conditions.append(exists().where(Deadline.case_id == Case.id, Deadline.status == RUNNING,
                                         Deadline.due_on < due_before))
    if submitted_from:
        conditions.append(Case.created_at >= _start_of(submitted_from))
    if submitted_to:
        conditions.append(Case.created_at < _start_of(submitted_to + timedelta(days=1)))
    return conditions


def _ordering(sort: str, order: str) -> list:
    key = {"submitted": Case.created_at, "case_number": Case.case_number}.get(sort)
    direction = (lambda c: c.desc()) if order == "desc" else (lambda c: c.asc())
    if key is None:  # due: cases without a running deadline come last either way
        due = _due_on()
        return [due.is_(None), direction(due), direction(Case.id)]
    return [direction(key), direction(Case.id)]


def search_cases(*, actor, sort: str = "submitted", order: str = "desc", page: int = 1,
                 page_size: int = PAGE_SIZE, **filters) -> CasePage:
    """One page of the cases the actor may see that match every filter given (see _conditions).

    The page's ids are chosen first and only their due dates and overdue flags computed (per row, not a hash of
    every running deadline). A search text goes through _text_page: its work is capped.
    """
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page = max(page, 1)
    plan_for_the_values_given()  # a generic plan ANDed the search's few rows with a bitmap of every visible case
    q = (filters.pop("q", None) or "").strip()
    conditions = _conditions(actor, **filters)
    if q:
        return _text_page(conditions, _text_matches(q), sort, order, page, page_size)
    total = db.session.scalar(select(func.count()).select_from(Case).where(*conditions))
    assert total is not None  # count() always answers one row
    page_ids = (select(Case.id).where(*conditions).order_by(*_ordering(sort, order))
                .limit(page_size).offset((page - 1) * page_size))
    return CasePage(items=_listed(page_ids, sort, order), total=total, page=page, page_size=page_size)


def _text_page(conditions: list, text: ColumnElement[bool], sort: str, order: str,
               page: int, page_size: int) -> CasePage:
    """A search text's page: at most SEARCH_CAP + 1 matches gathered, whatever their number.

    The matches are gathered first, in no order, by the trigram indexes (MATERIALIZED on PostgreSQL: the
    planner, which misjudges how many rows an ILIKE keeps, would otherwise walk ix_cases_list_order through
    every case looking for them), stopping at SEARCH_CAP + 1. Up to the cap the total is exact and the page is
    cut from those matches. Above it (a broad text: `贸易有限公司` matches some 100,000 of 500,000 cases) the total
    is the cap, flagged as a lower bound, and only the first SEARCH_CAP cases of the list are reachable: sorted
    by submission date the page walks ix_cases_list_order in that direction until it holds its matches (the
    matches are dense, so that is quick); sorted otherwise, it is cut from the SEARCH_CAP newest matches.
    """
    found = select(Case.id).where(*conditions, text).cte("found").prefix_with("MATERIALIZED", dialect="postgresql")
    gathered = list(db.session.scalars(select(found.c.id).limit(SEARCH_CAP + 1)))
    offset = (page - 1) * page_size
    if len(gathered) <= SEARCH_CAP:
        page_ids = (select(Case.id).where(among(Case.id, gathered)).order_by(*_ordering(sort, order))
                    .limit(page_size).offset(offset))
        return CasePage(items=_listed(page_ids, sort, order), total=len(gathered), page=page, page_size=page_size)
    capped = CasePage(items=[], total=SEARCH_CAP, page=page, page_size=page_size, total_is_lower_bound=True)
    if offset >= SEARCH_CAP:
        return capped
    walked = [*conditions, func.coalesce(text, false())]  # the text opaque to the indexes: a walk in the list's order
    size = min(page_size, SEARCH_CAP - offset)
    if sort == "submitted":
        page_ids = select(Case.id).where(*walked).order_by(*_ordering(sort, order)).limit(size).offset(offset)
    else:
        newest = (select(Case.id).where(*walked).order_by(*_ordering("submitted", "desc")).limit(SEARCH_CAP)
                  .cte("newest"))
        page_ids = (select(Case.id).where(Case.id.in_(select(newest.c.id))).order_by(*_ordering(sort, order))
                    .limit(size).offset(offset))
    capped.items = _listed(page_ids, sort, order)
    return capped


def _listed(page_ids, sort: str, order: str) -> list[ListedCase]:
    """The page's cases, with due dates, overdue flags and current steps."""
    chosen = page_ids.subquery()
    query = (select(Case, _due_on().label("due_on"), _running_overdue().label("overdue"))
             .join(chosen, chosen.c.id == Case.id).options(joinedload(Case.agency))
             .order_by(*_ordering(sort, order)))
    items = [ListedCase(case, due_on=due, overdue=bool(late)) for case, due, late in db.session.execute(query).all()]
    _add_current_steps(items)
    return items


def _add_current_steps(items: list[ListedCase]) -> None:
    by_id = {item.case.id: item for item in items}
    if not by_id:
        return
    rows = db.session.execute(select(Task.case_id, Task.title).where(Task.case_id.in_(by_id), Task.status == OPEN)
                              .order_by(Task.created_at, Task.id))
    for case_id, title in rows:
        if title not in by_id[case_id].current_steps:
            by_id[case_id].current_steps.append(title)


def list_choices(*, actor) -> dict:
    """What the list's filters offer: the steps open now, the reviewers of the visible cases and, for a
    supervisor, the agencies in reach."""
    agencies = visible_agency_ids(actor)
    steps = db.session.execute(select(Task.name, func.min(Task.title)).join(Case, Case.id == Task.case_id)
                               .where(among(Case.agency_id, agencies), Task.status == OPEN)
                               .group_by(Task.name).order_by(Task.name)).all()
    reviewers = db.session.execute(select(User.id, User.full_name).where(
        User.id.in_(select(Case.reviewer_id).where(among(Case.agency_id, agencies)))).order_by(User.full_name)).all()
    codes = db.session.execute(select(Agency.code, Agency.name).where(among(Agency.id, agencies))
                               .order_by(Agency.id)).all() if len(agencies) > 1 else []
    return {"steps": [(name, title) for name, title in steps], "reviewers": [(i, n) for i, n in reviewers],
            "agencies": [(code, name) for code, name in codes]}
