"""Shared test helpers, one module per noun: the seeded world, form payloads, the API client and case drivers,
pages and browser steps, documents, process versions. Everything is importable from here.

Test modules import helpers from here (or from a helper module such as processes/overrides.py), never from
another test module or a conftest: tests/test_suite_layout.py checks it.
"""
from .api import (
    ApiClient,
    accepted_case,
    add_user,
    case_documents,
    correct,
    download,
    find_issues,
    in_coordination,
    notifications,
    opinion_issued,
    post_decision,
    return_and_supply,
    review_deadline,
    submit_unfiled,
    three_cases,
    under_review,
    upload_attachment,
)
from .documents import docx_text, pdf_text, require_libreoffice
from .pages import ARTIFACTS, PageClient, browser_login, browser_logout, browser_session, csrf_token, screenshot
from .payloads import CHECKLIST_POINTS, checklist, decision, review, submission
from .processes import DEFAULT_BPMN, publish_agency_process, run_script, version_of_case, with_script_after_acceptance
from .world import (
    BEIJING,
    OFFICERS,
    PASSWORD,
    PDF,
    PG_URL,
    STAFF_FROM,
    TEST_NOW,
    USERS,
    WORKDAYS_EXAMPLE,
    beijing,
    create_agency_with_users,
    run_due_jobs,
    short_of_reviewers,
    statements_sent,
)

__all__ = [
    "ARTIFACTS", "ApiClient", "BEIJING", "CHECKLIST_POINTS", "DEFAULT_BPMN", "OFFICERS", "PASSWORD", "PDF",
    "PG_URL", "PageClient", "STAFF_FROM", "TEST_NOW", "USERS", "WORKDAYS_EXAMPLE", "accepted_case", "add_user",
    "beijing", "browser_login", "browser_logout", "browser_session", "case_documents", "checklist", "correct",
    "create_agency_with_users", "csrf_token", "decision", "docx_text", "download", "find_issues",
    "in_coordination", "notifications", "opinion_issued", "pdf_text", "post_decision", "publish_agency_process",
    "require_libreoffice", "return_and_supply", "review", "review_deadline", "run_due_jobs", "run_script",
    "screenshot", "short_of_reviewers", "statements_sent", "submission", "submit_unfiled", "three_cases",
    "under_review", "upload_attachment", "version_of_case", "with_script_after_acceptance",
]
