"""The profile settings a running case or an agency acts on (profile.json of the version in force).

A case reads the profile of the version it started on (cases keep their version); an agency's staffing
reads the profile a new case of it would use. Defaults apply where a profile is silent.
"""
import json
from functools import cache, lru_cache

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key

from ..accounts.roles import Role
from ..extensions import db
from .models import ProcessVersion, WorkflowInstance
from .service import (
    PROCESS_ID,
    invalid_agency_process,
    latest_version,
    nearest_up_the_tree,
    profile_of,
    profile_of_version,
)
from .validation import PROFILE_FILE, human_task_kinds, profile_problems

DEFAULT_ESCALATION_TARGET = "agency_head"
DEFAULT_EXTENSION_APPROVER = Role.DEPUTY_HEAD


def _version_of_case(case_id: int) -> tuple[int, str] | None:
    """The case's (version id, hash); from its engine state row when this transaction holds it (no query)."""
    held = db.session.identity_map.get(identity_key(WorkflowInstance, case_id)) if case_id is not None else None
    if held is not None and "process_version_id" in held.__dict__ and "process_hash" in held.__dict__:
        return held.process_version_id, held.process_hash
    return db.session.execute(_version_of_case_statement(), {"case_id": case_id}).first()


@cache
def _version_of_case_statement():
    return (select(WorkflowInstance.process_version_id, WorkflowInstance.process_hash)
            .where(WorkflowInstance.case_id == bindparam("case_id")))


def profile_of_case(case_id: int) -> dict:
    """The profile of the process version the case runs on (one small query; the file is cached)."""
    found = _version_of_case(case_id)
    return profile_of_version(*found) if found is not None else {}


def case_needs_collective_discussion(case_id: int) -> bool:
    """The profile of the case's version requires a 集体讨论 after the review, and its diagram has that step.

    Versions published before the setting was acted on have no such step; their cases finish as they began.
    """
    found = _version_of_case(case_id)
    if found is None or not collective_discussion_required(profile_of_version(*found)):
        return False
    return "collective_discussion" in _task_kinds_of_version(*found)


@lru_cache(maxsize=64)
def _task_kinds_of_version(version_id: int, digest: str) -> frozenset:
    sources = db.session.scalar(select(ProcessVersion.sources).where(ProcessVersion.id == version_id,
                                                                     ProcessVersion.content_hash == digest))
    return frozenset(human_task_kinds(sources or {}, PROCESS_ID))


def escalation_target(profile: dict) -> str:
    """Where a dispute goes when coordination fails (协调不成): agency_head unless the profile says otherwise."""
    return profile.get("escalation_target") or DEFAULT_ESCALATION_TARGET


def extension_approver(profile: dict) -> str:
    """The role that approves a review-period extension (延期): deputy_head (分管负责人) unless set."""
    return profile.get("extension_approver") or DEFAULT_EXTENSION_APPROVER


def collective_discussion_required(profile: dict) -> bool:
    """Whether a 集体讨论 must follow a passed review before the head records the decision."""
    return profile.get("collective_discussion_after_review") is True


def profile_in_force(agency) -> dict:
    """The profile a new case of the agency would use, read without publishing anything.

    The agency's latest published version, else its own folder's profile.json (published at its first
    case), else the same for each ancestor, else the national default.
    """
    return nearest_up_the_tree(agency, _profile_at, _default_profile)


def profiles_in_force(agencies: list) -> dict[int, dict]:
    """profile_in_force of many agencies (a roll-up over a province): one query finds the agencies with
    versions of their own and one listing the agency folders, instead of a walk up the tree per agency."""
    owners = set(db.session.scalars(select(ProcessVersion.agency_id).distinct().where(
        ProcessVersion.process_id == PROCESS_ID, ProcessVersion.agency_id.is_not(None))))
    root = current_app.config["WORKFLOWS_DIR"]
    folders = {path.name for path in root.iterdir() if (path / PROFILE_FILE).is_file()} if root.is_dir() else set()
    memo: dict[int | None, dict] = {}

    def of(agency) -> dict:
        key = agency.id if agency is not None else None
        if key not in memo:
            if agency is None:
                memo[key] = _default_profile()
            else:
                found = _profile_at(agency) if agency.id in owners or agency.code in folders else None
                memo[key] = found if found is not None else of(agency.parent)
        return memo[key]
    return {agency.id: of(agency) for agency in agencies}


def _profile_at(agency) -> dict | None:
    version = latest_version(agency.id)
    if version is not None:
        return profile_of(version)
    own_file = current_app.config["WORKFLOWS_DIR"] / agency.code / PROFILE_FILE
    if agency.code != "default" and own_file.is_file():
        return _folder_profile(own_file)
    return None


def _default_profile() -> dict:
    version = latest_version(None)
    if version is not None:
        return profile_of(version)
    return json.loads((current_app.config["WORKFLOWS_DIR"] / "default" / PROFILE_FILE).read_text(encoding="utf-8"))


def _folder_profile(path) -> dict:
    """An agency folder's profile.json not published yet, checked as publishing checks it (409 if invalid)."""
    payload = path.read_bytes()
    problems = profile_problems(payload)
    if problems:
        raise invalid_agency_process(problems)
    return json.loads(payload)
