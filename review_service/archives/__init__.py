"""Archive packages (电子案卷): the case file as one sealed ZIP, built by the worker, verifiable offline."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the build job and the archiving step's effect (explicitly, not at import)."""
    from ..cases.effects import register_effect
    from ..jobs.registry import register_job_handler
    from .service import ARCHIVE_JOB, archiving_completed, build_job, prepare_build
    register_job_handler(ARCHIVE_JOB, build_job, prepare=prepare_build)
    register_effect("archiving", archiving_completed)
