"""Job kinds and the functions that do them. Domain packages register their handlers at import."""
from collections.abc import Callable

JobHandler = Callable[["DueJob"], None]  # noqa: F821  (runs inside the job's transaction; raise to fail)
_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str):
    """Decorator: the function that performs jobs of this kind."""
    def register(function: JobHandler) -> JobHandler:
        _HANDLERS[kind] = function
        return function
    return register


def handler_for(kind: str) -> JobHandler:
    if kind not in _HANDLERS:
        raise LookupError(f"no handler for job kind {kind!r}")
    return _HANDLERS[kind]
