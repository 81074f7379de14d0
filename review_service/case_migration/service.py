"""Move an agency's running cases onto one of its process versions: explicit, audited, with a dry run.

A case is refused when a step it has already completed changed or was removed in the target version
(engine.migration decides); a dry run changes nothing and reports per case what would happen.
"""
from sqlalchemy import select

from ..accounts.roles import Actor
from ..audit.service import record_event
from ..cases.models import Case
from ..cases.workflow import load_run, lock_case, save_run
from ..engine import ScriptFailed, migrate_instance, plan_migration
from ..errors import InvalidInput
from ..extensions import db
from ..processes.models import ProcessVersion, WorkflowInstance
from ..processes.permissions import check_designer
from ..processes.service import runtime_for
from ..processes.versions import version_by_number
from ..tasks.mirror import sync_tasks


def migrate_cases(agency, number: int, *, actor: Actor, dry_run: bool) -> list[dict]:
    """One report per running case of the agency not yet on version `number`. Caller commits."""
    check_designer(actor, agency)
    target = version_by_number(agency, number)
    rows = db.session.execute(
        select(Case, WorkflowInstance, ProcessVersion)
        .join(WorkflowInstance, WorkflowInstance.case_id == Case.id)
        .join(ProcessVersion, ProcessVersion.id == WorkflowInstance.process_version_id)
        .where(Case.agency_id == agency.id, Case.closed_at.is_(None), WorkflowInstance.process_version_id != target.id)
        .order_by(Case.id)).all()
    return [_migrate_case(case, version, target, actor=actor, dry_run=dry_run) for case, _, version in rows]


def _migrate_case(case, current: ProcessVersion, target: ProcessVersion, *, actor: Actor, dry_run: bool) -> dict:
    report = {"case_id": case.id, "case_number": case.case_number, "from_version": _label(current),
              "to_version": _label(target)}
    old, new = runtime_for(current.id, current.content_hash), runtime_for(target.id, target.content_hash)
    if dry_run:
        plan = plan_migration(db.session.get_one(WorkflowInstance, case.id).state, old, new)
        return {**report, **_plan_fields(plan), "result": "would_migrate" if plan.allowed else "refused"}
    lock_case(case.id)
    _, instance, _ = load_run(case)
    try:
        plan, run = migrate_instance(instance.state, old, new)
    except ScriptFailed as exc:
        raise InvalidInput(f"案件 {case.case_number} 迁移时流程脚本失败: {exc}", code="workflow_script_error",
                           fields={"process": [f"{exc.element_id or '-'}: {exc}"]}) from exc
    if run is None:
        record_event(case, actor=_audit_actor(actor), action="process.migration_refused",
                     data={**report, **_plan_fields(plan)})
        return {**report, **_plan_fields(plan), "result": "refused"}
    save_run(run, instance)
    instance.process_version_id, instance.process_hash = target.id, target.content_hash
    db.session.flush()
    sync_tasks(case, new, run)
    record_event(case, actor=_audit_actor(actor), action="process.migrated",
                 data={**report, **_plan_fields(plan)})
    return {**report, **_plan_fields(plan), "result": "migrated"}


def _plan_fields(plan) -> dict:
    return {"changed_tasks": plan.changed, "added_tasks": plan.added, "refused_because": plan.refused}


def _label(version: ProcessVersion) -> dict:
    return {"id": version.id, "number": version.number, "agency_id": version.agency_id}


def _audit_actor(actor: Actor):
    return None if getattr(actor, "is_operator", False) else actor

