"""Job kinds and the functions that do them. Each domain package registers its handlers in its own
`init_app(app)`, called by create_app: the worker needs no blueprint loaded to find them."""
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import DueJob

JobHandler = Callable[["DueJob"], None]  # runs inside the job's transaction; raise to fail
_HANDLERS: dict[str, JobHandler] = {}


def register_job_handler(kind: str, function: JobHandler) -> None:
    """`function` performs jobs of this kind (registering it again replaces it)."""
    _HANDLERS[kind] = function


def handler_for(kind: str) -> JobHandler:
    if kind not in _HANDLERS:
        raise LookupError(f"no handler for job kind {kind!r}")
    return _HANDLERS[kind]
