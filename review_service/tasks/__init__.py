"""Tasks: the mirror of a case's run into its task rows (cases.models.Task), and claiming, completing, drafting
and handing off those tasks. The inbox and the tasks API, which also need staffing and deadlines, are casework's."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the task mirror with cases (submitting a case mirrors its first tasks; cases sits below tasks)."""
    from ..cases.workflow import register_task_mirror
    from .mirror import sync_tasks

    register_task_mirror(sync_tasks)
