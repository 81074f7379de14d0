"""Archive packages (案卷): scheduling a build (archiving step, or on demand for a decided case), the worker's
build job, listing and downloading with the case page's permissions.
"""
from pathlib import Path

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..audit.service import record_event
from ..cases.models import Case
from ..cases.service import get_case
from ..cases.workflow import lock_case
from ..db_types import utcnow
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..jobs.models import PENDING, DueJob
from ..jobs.service import add_new_jobs, schedule_job
from .models import ArchivePackage
from .package import PreparedPackage, archives_dir, prepare_package, store_package

ARCHIVE_JOB = "archive.build"
BUILDING_ROLES = (Role.HANDLER, Role.HEAD, Role.REVIEW_HEAD, Role.ADMIN)
DECIDED = ("decided",)


def _payload(case, trigger: str, requested_by) -> dict:
    return {"case_id": case.id, "trigger": trigger, "requested_by_id": requested_by.id if requested_by else None}


def build_pending(case_id: int) -> bool:
    return db.session.scalar(select(DueJob.id).where(DueJob.kind == ARCHIVE_JOB, DueJob.case_id == case_id,
                                                     DueJob.status == PENDING).limit(1)) is not None


def request_package(case_id: int, *, actor: Actor) -> dict:
    """On demand: a decided case's package, built by the worker. 404 for another agency's case."""
    case = get_case(case_id, actor=actor)
    if not any(actor.has_role(role) for role in BUILDING_ROLES) or case.agency_id != actor.agency_id:
        raise Forbidden("只有本机关的承办人员、负责人或管理员可以生成案卷", code="role_required")
    if case.status not in DECIDED or case.decision is None:
        raise Conflict("只有已作出决定的案件可以生成案卷", code="case_not_decided")
    if not build_pending(case.id):  # one build at a time; the one under way gives the newest package
        schedule_job(ARCHIVE_JOB, utcnow(), case_id=case.id, payload=_payload(case, "on_demand", actor),
                     dedupe_key=f"archive-package:{case.id}:on-demand")
    return {"case_id": case.id, "status": "scheduled"}


def prepare_build(payload: dict) -> PreparedPackage:
    """The build job's slow part (gathering, LibreOffice, the ZIP), run before its transaction, reading only."""
    case = db.session.get(Case, payload["case_id"])
    return prepare_package(case, trigger=payload.get("trigger", "on_demand"), requested_by=_requester(payload))


def _requester(payload: dict):
    return db.session.get(User, payload["requested_by_id"]) if payload.get("requested_by_id") else None


def build_job(job: DueJob) -> None:
    """The worker's job (the case locked): record the prepared package and its digest in the case's history."""
    prepared = getattr(job, "prepared", None) or prepare_build({"case_id": job.case_id, **job.payload})
    package = store_package(prepared)
    assert job.case_id is not None  # a package job names its case
    case = lock_case(job.case_id)  # locked already by the worker; read again for the chain's head
    record_event(case, actor=_requester(job.payload), action="archive.package_built",
                 data={"package_id": package.id, "version": package.version, "sha256": package.sha256,
                       "size": package.size, "files": package.files, "trigger": package.trigger,
                       "chain_seq": package.chain_seq, "chain_hash": package.chain_hash})


def archiving_completed(case, task, actor: Actor, data) -> dict:
    """Effect of the archiving step (taskKind archiving): schedule the package; the step stays fast (one
    INSERT: the step completes once per case, so its job's key is new)."""
    add_new_jobs([{"kind": ARCHIVE_JOB, "due_at": utcnow(), "case_id": case.id,
                   "payload": _payload(case, "archiving_step", actor),
                   "dedupe_key": f"archive-package:{case.id}:archiving-step:{task.id}"}])
    return {}


def list_packages(case_id: int, *, actor: Actor) -> dict:
    case = get_case(case_id, actor=actor)
    packages = list(db.session.scalars(select(ArchivePackage).where(ArchivePackage.case_id == case.id)
                                       .order_by(ArchivePackage.version.desc())))
    return {"case_id": case.id, "items": packages, "building": build_pending(case.id),
            "may_request": may_request(actor, case)}


def may_request(actor: Actor, case) -> bool:
    return (case.status in DECIDED and case.agency_id == actor.agency_id
            and any(actor.has_role(role) for role in BUILDING_ROLES))


def get_package(package_id: int, *, actor: Actor) -> ArchivePackage:
    """A package, if the actor may see its case (the case page's rule: another agency gets 404)."""
    package = db.session.get(ArchivePackage, package_id)
    if package is None:
        raise NotFound("案卷不存在", code="archive_package_not_found")
    try:
        get_case(package.case_id, actor=actor)
    except NotFound:
        raise NotFound("案卷不存在", code="archive_package_not_found") from None
    return package


def package_file(package: ArchivePackage) -> Path:
    return archives_dir() / package.stored_as
