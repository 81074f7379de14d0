"""Display names of the stable codes (statuses, roles, opinions, ...) in the page's language.

The msgids are English; the zh_Hans_CN catalog gives the Chinese terms of the law and the guidance.
Enumerations of the case file itself (decision types, sanctions, material categories) are read from
forms/case_submission.schema.json, whose titles are the agencies' own Chinese words.
"""
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from ..accounts.roles import Role
from ..audit.vocabulary import action_name
from ..cases.forms import form_schema
from ..dashboard.service import VIEWING_ROLES
from ..reports.service import REPORT_ROLES as REPORT_ROLE_NAMES

CASE_STATUS = {
    "review_not_required": _l("No review required"),
    "awaiting_acceptance": _l("Awaiting acceptance"),
    "awaiting_supplement": _l("Returned for supplementary materials"),
    "under_review": _l("Under review"),
    "issues_found": _l("Issues found, awaiting the handling unit"),
    "in_coordination": _l("In coordination"),
    "awaiting_correction": _l("Being corrected"),
    "escalated": _l("Referred to the head or a collective discussion"),
    "referred_to_higher_agency": _l("Referred to the higher agency, awaiting its reply"),
    "referred_to_justice_department": _l("Referred to the justice department, awaiting its reply"),
    "awaiting_collective_discussion": _l("Review passed, awaiting the collective discussion"),
    "review_passed": _l("Review passed, awaiting the decision"),
    "decided": _l("Decided"),
    "transferred": _l("Transferred to the competent authority"),
    "closed_without_decision": _l("Closed without a decision"),
}
ROLE = {
    Role.HANDLER: _l("Case handler"), Role.REVIEWER: _l("Legal reviewer"),
    Role.REVIEW_HEAD: _l("Head of the review unit"), Role.DEPUTY_HEAD: _l("Deputy head"), Role.HEAD: _l("Agency head"),
    Role.DESIGNER: _l("Process designer"),
    Role.SUPERVISOR: _l("Supervisor"), Role.ADMIN: _l("Administrator"),
}
OPINION = {"approve": _l("Approve"), "issues": _l("Issues found"),
           "transfer": _l("Transfer to the competent authority")}
DEADLINE_KIND = {
    "review": _l("Review period"), "publication": _l("Publication period"), "archiving": _l("Archiving period"),
    "withdrawal": _l("Withdrawal period"), "extension": _l("Extension approval"),
}
DEADLINE_STATUS = {"running": _l("Running"), "paused": _l("Paused"), "met": _l("Met"), "cancelled": _l("Cancelled")}
VERDICT = {"pass": _l("No problem"), "issue": _l("Problem"), "not_applicable": _l("Not applicable")}
STAFF_KIND = {"enforcement_officer": _l("Enforcement officer"), "legal_reviewer": _l("Legal reviewer"),
              "legal_advisor": _l("Legal advisor"), "public_lawyer": _l("Public lawyer")}
ACCOUNT_EVENT = {"user.created": _l("Account created"), "user.imported": _l("Account imported"),
                 "user.roles_set": _l("Roles changed"), "user.password_reset": _l("Password reset"),
                 "user.password_changed": _l("Password changed by its holder"),
                 "user.deactivated": _l("Account deactivated"), "user.reactivated": _l("Account reactivated"),
                 "staff.linked": _l("Staff record linked"),
                 "staff.unlinked": _l("Staff record unlinked")}
DAY_KIND = {"holiday": _l("Holiday"), "make_up": _l("Make-up working day"), "weekend": _l("Weekend"),
            "workday": _l("Working day")}
MIGRATION_RESULT = {"would_migrate": _l("Can move"), "migrated": _l("Moved"), "refused": _l("Cannot move")}


def name(table: dict, code) -> str:
    """The label of code in table, or the code itself when it is unknown (never an error on a page)."""
    return str(table.get(code, code)) if code is not None else ""


def enum_choices(prop: dict) -> list[tuple]:
    """(value, title) of a schema enum, titled by json-editor's options.enum_titles (else the value)."""
    values = prop.get("enum", [])
    return list(zip(values, prop.get("options", {}).get("enum_titles", values), strict=False))


@lru_cache(maxsize=8)
def _submission_enum(*path: str) -> dict:
    node = form_schema("case_submission")
    for key in path:
        node = node[key]
    return dict(enum_choices(node))


def decision_type(code: str) -> str:
    return _submission_enum("properties", "decision_type").get(code, code)


def party_type(code: str) -> str:
    return _submission_enum("properties", "party", "properties", "type").get(code, code)


def sanction(code: str) -> str:
    return _submission_enum("properties", "sanctions", "items").get(code, code)


def material_category(code: str) -> str:
    return _submission_enum("properties", "materials", "items", "properties", "category").get(code, code)


# Which roles see which navigation entries (the services check every action again).
TASK_ROLES = {Role.HANDLER, Role.REVIEWER, Role.REVIEW_HEAD, Role.DEPUTY_HEAD, Role.HEAD}
DASHBOARD_ROLES = set(VIEWING_ROLES)
REPORT_ROLES = set(REPORT_ROLE_NAMES)  # the justice department's XLSX: supervisors and heads


def any_role(user_roles, allowed: set[str]) -> bool:
    return bool(set(user_roles) & allowed)


EVENT_ACTION = {
    "case.submitted": _l("Case submitted"), "task.completed": _l("Step completed"), "task.claimed": _l("Task claimed"),
    "task.assigned": _l("Task assigned"), "task.reassigned": _l("Task reassigned"),
    "task.handed_back": _l("Task handed back"), "reviewer.recused": _l("Reviewer recused"),
    "task.unclaimed": _l("Task put back in the queue"), "task.handed_over": _l("Task handed over"),
    "case.commented": _l("Comment"),
    "process.migrated": _l("Moved to another process version"),
    "process.migration_refused": _l("Move to another process version refused"),
    "deadline.started": _l("Time limit started"), "deadline.paused": _l("Time limit paused"),
    "deadline.resumed": _l("Time limit resumed"), "deadline.capped": _l("Time limit cut to the statutory deadline"),
    "deadline.recomputed": _l("Due date recomputed"), "deadline.reminder_sent": _l("Reminder sent"),
    "deadline.overdue": _l("Time limit overdue"), "deadline.extension_requested": _l("Extension requested"),
    "deadline.withdrawal_opened": _l("Withdrawal from publication opened"),
    "document.regenerated": _l("Document made again as a new version"),
    "document.pdf_failed": _l("PDF of a document could not be made"),
}


def event_action(code: str) -> str:
    """The event's name in the page's language; actions without an English msgid use the record's Chinese name."""
    return str(EVENT_ACTION[code]) if code in EVENT_ACTION else action_name(code)


def checklist_point(code: str) -> str:
    points = form_schema("review_case")["properties"]["checklist"]["properties"]
    return points.get(code, {}).get("title", code)
