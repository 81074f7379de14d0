"""Job kinds and the functions that do them. Each domain package registers its handlers in its own
`init_app(app)`, called by create_app: the worker needs no blueprint loaded to find them."""
from collections.abc import Callable
from typing import TYPE_CHECKING

from .models import JobQueue

if TYPE_CHECKING:
    from .models import DueJob

JobHandler = Callable[["DueJob"], None]  # runs inside the job's transaction; raise to fail
JobPreparer = Callable[[dict], object]  # the job's payload -> job.prepared (runs before, in a read-only unit of work)
JobPreloader = Callable[[list["DueJob"]], None]  # a batch's jobs of this kind: read what they need, set job.prepared
_HANDLERS: dict[str, JobHandler] = {}
_PREPARERS: dict[str, JobPreparer] = {}
_PRELOADERS: dict[str, JobPreloader] = {}
_QUEUES: dict[str, JobQueue] = {}


def register_job_handler(kind: str, function: JobHandler, *, prepare: JobPreparer | None = None,
                         preload: JobPreloader | None = None) -> None:
    """`function` performs jobs of this kind (registering it again replaces it).

    prepare: slow work done first, outside the job's transaction (it may read, not write); the handler finds
    its result as job.prepared. E.g. a PDF conversion must not hold SQLite's write lock or a case lock.
    A kind with a preparer is slow: its jobs go to the `documents` queue, one job per transaction.
    preload: the kind only writes to the database (no mail, no file, nothing a rollback cannot undo), so its
    jobs may run many to a transaction (jobs.service.run_batch); the preloader reads what a batch of them
    needs in a few queries after their cases are locked, and sets each job.prepared for the handler.
    """
    _HANDLERS[kind] = function
    _PREPARERS.pop(kind, None)
    _PRELOADERS.pop(kind, None)
    if prepare is not None:
        _PREPARERS[kind] = prepare
    if preload is not None:
        _PRELOADERS[kind] = preload
    _QUEUES[kind] = JobQueue.DOCUMENTS if prepare is not None else JobQueue.DEFAULT


def handler_for(kind: str) -> JobHandler:
    if kind not in _HANDLERS:
        raise LookupError(f"no handler for job kind {kind!r}")
    return _HANDLERS[kind]


def preparer_for(kind: str) -> JobPreparer | None:
    return _PREPARERS.get(kind)


def preloader_for(kind: str) -> JobPreloader | None:
    """The kind's batch preloader; None: its jobs run one per transaction."""
    return _PRELOADERS.get(kind)


def queue_for(kind: str) -> JobQueue:
    """The queue a new job of this kind goes to (a kind not registered in this process: the default one)."""
    return _QUEUES.get(kind, JobQueue.DEFAULT)
