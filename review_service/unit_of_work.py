"""The unit of work: the outermost caller — a request, a CLI command, one worker job — owns the transaction.

Services only add and flush. `unit_of_work()` commits once when the block ends normally and rolls
everything back on any exception (or when the caller discarded the work). It is the one place in the
service that calls `commit()` or `rollback()`; every HTTP view is wrapped in one by `init_app` (Indico's
`RH.process` is the model), CLI commands (`@transactional`) and the worker open their own, probes read
in `reading()`.
"""
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from flask import Flask, request
from sqlalchemy.exc import DBAPIError

from .extensions import db, read_only_transactions

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# deadlock_detected, serialization_failure: two transactions met (e.g. on the dashboard's counter rows, which
# triggers keep); PostgreSQL rolled one back, and running it again is the documented remedy
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
VIEW_ATTEMPTS = 3
log = logging.getLogger(__name__)


class UnitOfWork:
    """Handle of an open unit of work: `discard()` rolls back now, and the unit ends with a rollback too."""

    def __init__(self) -> None:
        self.discarded = False

    def discard(self) -> None:
        db.session.rollback()
        self.discarded = True


_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


def discard() -> None:
    """Throw away what the current unit of work changed, at once: a page that re-renders a refused form
    then shows the rows as they were, and a dry run leaves nothing behind. Nothing of it is committed."""
    work = _current.get()
    if work is None:
        raise RuntimeError("discard() outside a unit of work")
    work.discard()


@contextmanager
def unit_of_work(*, read_only: bool = False, keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[UnitOfWork]:
    """Commit once on success; roll back on any exception, except those in `keep_on`, which commit first.

    keep_on: refusals whose own bookkeeping must stay (a wrong password still counts as a failed attempt).
    """
    token = read_only_transactions.set(read_only)  # SQLite: a deferred BEGIN
    work = UnitOfWork()
    current = _current.set(work)
    try:
        try:
            yield work
        except keep_on:
            _finish(work)
            raise
        except BaseException:
            db.session.rollback()
            raise
        _finish(work)
    finally:
        _current.reset(current)
        read_only_transactions.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """A unit of work that only reads (a readiness check, a metrics scrape): a deferred BEGIN on SQLite,
    always rolled back, so a failed statement never poisons the next check's transaction."""
    with unit_of_work(read_only=True) as work:
        yield
        work.discard()


def _finish(work: UnitOfWork) -> None:
    if work.discarded:
        db.session.rollback()
        return
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def transactional(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a CLI command (or any outermost function) in one unit of work."""
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return command(*args, **kwargs)
    return run


def keeps_changes_on(*refusals: type[BaseException] | int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view whose work is committed even when it ends with one of these refusals: exception
    types it raises, or error statuses it answers with (a page that re-renders its form)."""
    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.keep_changes_on = refusals  # type: ignore[attr-defined]
        return view
    return mark


def init_app(app: Flask) -> None:
    """Wrap every view (API and pages) in a unit of work; call after every blueprint is registered.

    A view that answers with an error status (a refusal re-rendered on a page, a 4xx body) changes nothing. A
    view whose transaction PostgreSQL ended for a deadlock or serialization failure runs again (VIEW_ATTEMPTS).
    """
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _view_in_unit_of_work(app, view)


def _view_in_unit_of_work(app: Flask, view: Callable[..., Any]) -> Callable[..., Any]:
    refusals = getattr(view, "keep_changes_on", ())
    keep_on = tuple(refusal for refusal in refusals if not isinstance(refusal, int))
    keep_statuses = frozenset(refusal for refusal in refusals if isinstance(refusal, int))

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, VIEW_ATTEMPTS + 1):
            try:
                with unit_of_work(read_only=request.method in READ_ONLY_METHODS, keep_on=keep_on) as work:
                    response = app.make_response(view(*args, **kwargs))
                    if response.status_code >= 400 and response.status_code not in keep_statuses:
                        work.discard()
                return response
            except DBAPIError as error:
                if attempt == VIEW_ATTEMPTS or not may_run_again(error):
                    raise
                log.warning("transaction %s (attempt %d of %d): the request runs again", _sqlstate(error), attempt,
                            VIEW_ATTEMPTS)
        raise AssertionError("unreachable")  # the last attempt returned or raised
    return run


def may_run_again(error: DBAPIError) -> bool:
    """PostgreSQL ended the transaction for a deadlock or a serialization failure and asks the client to run
    it again (everything was rolled back); a request with uploaded files is not run again (their streams
    were read)."""
    return _sqlstate(error) in TRANSIENT_SQLSTATES and not request.files


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)
