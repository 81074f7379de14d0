"""Job kinds and the functions that do them. Each domain package registers its handlers in its own
`init_app(app)`, called by create_app: the worker needs no blueprint loaded to find them."""
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import DueJob

JobHandler = Callable[["DueJob"], None]  # runs inside the job's transaction; raise to fail
JobPreparer = Callable[[dict], object]  # the job's payload -> job.prepared (runs before, in a read-only unit of work)
_HANDLERS: dict[str, JobHandler] = {}
_PREPARERS: dict[str, JobPreparer] = {}


def register_job_handler(kind: str, function: JobHandler, *, prepare: JobPreparer | None = None) -> None:
    """`function` performs jobs of this kind (registering it again replaces it).

    prepare: slow work done first, outside the job's transaction (it may read, not write); the handler finds
    its result as job.prepared. E.g. a PDF conversion must not hold SQLite's write lock or a case lock.
    """
    _HANDLERS[kind] = function
    if prepare is not None:
        _PREPARERS[kind] = prepare


def handler_for(kind: str) -> JobHandler:
    if kind not in _HANDLERS:
        raise LookupError(f"no handler for job kind {kind!r}")
    return _HANDLERS[kind]


def preparer_for(kind: str) -> JobPreparer | None:
    return _PREPARERS.get(kind)
