"""Roles and statuses are StrEnums whose members are the strings stored and answered: renaming a member's
value would change the database and the API, so the values are pinned here."""
import json

from review_service.accounts.roles import ROLE_TITLES, ROLES, Role
from review_service.cases.models import TaskStatus
from review_service.cases.status import CASE_STATUSES, CaseStatus
from review_service.deadlines.models import DayCount, DeadlineStatus, ExtensionStatus
from review_service.jobs.models import JobStatus


def test_the_stored_values_are_unchanged():
    assert list(ROLES) == ["handler", "reviewer", "review_head", "deputy_head", "head", "designer", "supervisor",
                           "admin"]
    assert list(TaskStatus) == ["open", "completed", "cancelled"]
    assert list(DeadlineStatus) == ["running", "paused", "met", "cancelled"]
    assert list(DayCount) == ["working", "calendar"]
    assert list(ExtensionStatus) == ["pending", "approved", "rejected"]
    assert list(JobStatus) == ["pending", "incident"]
    assert set(CASE_STATUSES) == set(CaseStatus) and len(CaseStatus) == 15


def test_members_work_as_the_plain_strings():
    assert ROLE_TITLES["reviewer"] == ROLE_TITLES[Role.REVIEWER] == "法制审核人员"
    assert json.dumps({"role": Role.REVIEW_HEAD, "status": CaseStatus.DECIDED}) == \
        '{"role": "review_head", "status": "decided"}'
    assert f"extension.{ExtensionStatus.APPROVED}" == "extension.approved"
    assert str(TaskStatus.OPEN) == "open"
