"""The case's written documents (审核意见书, 送审表, 协调记录, 集体讨论记录) from agency templates, numbered,
as DOCX and PDF."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the PDF job, the task-completion and submission listeners and the publishing check."""
    from ..cases.listeners import on_case_submitted, on_task_completed
    from ..jobs.registry import register_job_handler
    from ..processes.validation import register_publish_check
    from . import jobs, service, validation

    register_job_handler(jobs.CONVERT_JOB, jobs.convert_document, prepare=jobs.prepare_conversion)
    on_task_completed(service.record_task_documents)
    on_case_submitted(service.record_submission_document)
    register_publish_check(validation.publish_problems)
