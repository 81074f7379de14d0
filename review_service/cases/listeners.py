"""Other packages' reactions to a case's steps, registered explicitly from their init_app.

A listener runs inside the step's transaction, after the step's own effects; it adds and flushes only.
"""
from collections.abc import Callable

_COMPLETED: list[Callable] = []
_SUBMITTED: list[Callable] = []


def on_task_completed(listener: Callable) -> None:
    """listener(case, task, *, actor, data): after a task's effects are recorded."""
    if listener not in _COMPLETED:
        _COMPLETED.append(listener)


def on_case_submitted(listener: Callable) -> None:
    """listener(case, *, actor, data): after a submitted case and its materials are stored."""
    if listener not in _SUBMITTED:
        _SUBMITTED.append(listener)


def task_completed(case, task, *, actor, data: dict) -> None:
    for listener in _COMPLETED:
        listener(case, task, actor=actor, data=data)


def case_submitted(case, *, actor, data: dict) -> None:
    for listener in _SUBMITTED:
        listener(case, actor=actor, data=data)
