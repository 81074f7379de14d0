"""What the task mirror and the task checks need from the packages above tasks, registered by their init_app.

tasks sits below staffing and deadlines (both read the task rows), yet a new review task needs a reviewer, a
reviewer must be eligible to work one, and the mirror starts and stops deadlines. Those packages hand their
functions in here, explicitly from init_app; an app built without them refuses rather than skip the rules.
"""
from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, Callable[..., Any]] = {}


def register_reviewer_rules(*, check_eligible: Callable[..., None], assign: Callable[..., None]) -> None:
    """staffing: check_eligible(actor, case) raises Forbidden unless the actor may review the case;
    assign(case, task, eligible=user_id|None) gives a new review-lane task its reviewer."""
    _HOOKS.update(check_reviewer_eligible=check_eligible, assign_review_task=assign)


def register_deadline_clock(*, sync: Callable[..., None], days_left: Callable[..., int | None],
                            open_clocks: Callable[[], tuple[Any, Any]]) -> None:
    """deadlines: sync(case, run, ready, task_rows, record_change, open_rows=None) starts, stops and pauses the
    case's deadlines as its tasks change (open_rows: its open clocks, read with the case lock); days_left(
    deadline|None) gives the working days left to a due date; open_clocks() is (the clock model, the SQL
    condition of an open clock), for the mirror to read a case's open clocks together with its lock."""
    _HOOKS.update(sync_deadlines=sync, working_days_left=days_left, open_clocks=open_clocks)


def _hook(name: str) -> Callable[..., Any]:
    try:
        return _HOOKS[name]
    except KeyError:
        raise RuntimeError(f"tasks.hooks: no {name} registered (staffing/deadlines init_app not called)") from None


def check_reviewer_eligible(actor, case) -> None:
    _hook("check_reviewer_eligible")(actor, case)


def assign_review_task(case, task, *, eligible: int | None) -> None:
    _hook("assign_review_task")(case, task, eligible=eligible)


def sync_deadlines(case, run, ready: list, task_rows: dict, record_change: Callable[[dict], None], *,
                   open_rows: list | None = None) -> None:
    _hook("sync_deadlines")(case, run, ready, task_rows, record_change, open_rows=open_rows)


def open_clocks() -> tuple[Any, Any]:
    return _hook("open_clocks")()


def working_days_left(deadline) -> int | None:
    return _hook("working_days_left")(deadline)
