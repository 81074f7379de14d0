"""Time limits (期限): the review deadline, extensions, post-decision deadlines, reminders and overdue flags."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register what this package does for others, explicitly (never on importing an api module): the
    reminder and breach job handlers the worker runs, the effects of completing an extension approval or a
    withdrawal task, the calendar listener that moves open deadlines when the calendar changes, and the clock
    the task mirror (tasks, below deadlines) starts and stops."""
    from ..cases.effects import register_effect
    from ..jobs.registry import register_job_handler
    from ..tasks.hooks import register_deadline_clock
    from ..workdays.service import register_calendar_listener
    from .alerts import flag_overdue, preload_deadlines, send_reminder
    from .extension_requests import APPROVAL_KIND, decide_extension
    from .open_clocks import open_clocks
    from .recompute import recompute_open_deadlines
    from .service import BREACH_JOB, REMINDER_JOB, sync_deadlines, working_days_left
    from .withdrawals import WITHDRAWAL_KIND, withdrawn

    register_job_handler(REMINDER_JOB, send_reminder, preload=preload_deadlines)  # database work only: batched
    register_job_handler(BREACH_JOB, flag_overdue, preload=preload_deadlines)
    register_effect(APPROVAL_KIND, decide_extension)
    register_effect(WITHDRAWAL_KIND, withdrawn)
    register_calendar_listener(recompute_open_deadlines)
    register_deadline_clock(sync=sync_deadlines, days_left=working_days_left, open_clocks=open_clocks)
