"""Notices by e-mail (通知邮件): users' choices, agencies' SMTP servers, the worker's sweep, send and test-mail jobs."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the mail sweep and the send-mail job handlers the worker runs."""
    from ..jobs.registry import register_job_handler
    from .service import MAIL_SWEEP, SEND_MAIL, TEST_MAIL, send_notice_mail, send_test_mail, sweep_notices

    register_job_handler(MAIL_SWEEP, sweep_notices)
    register_job_handler(SEND_MAIL, send_notice_mail)
    register_job_handler(TEST_MAIL, send_test_mail)
