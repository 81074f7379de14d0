"""Keep a case, its engine state and its task mirror in step (the case holds the lock)."""
from sqlalchemy import select, update

from ..db_types import utcnow
from ..engine import HumanTask, WorkflowRun
from ..errors import Conflict
from ..extensions import db
from ..processes.models import ProcessVersion, WorkflowInstance
from ..processes.service import LANE_ROLES, lane_id, runtime_for
from ..tasks.models import CANCELLED, OPEN, Task
from .models import Case, Opinion
from .status import CASE_STATUSES

def lock_case(case_id: int) -> Case | None:
    """Load the case holding its row lock for the rest of the transaction.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite: every transaction already began with BEGIN IMMEDIATE.
    """
    locked = db.session.scalar(select(Case.id).where(Case.id == case_id).with_for_update())
    return db.session.get(Case, locked, populate_existing=True) if locked is not None else None


def workflow_data(case: Case) -> dict:
    """The case facts BPMN conditions and scripts may read (plain JSON types only)."""
    return {
        "review_required": case.review_required,
        "case": {
            "agency_code": case.agency.code, "decision_type": case.decision_type, "party_type": case.party_type,
            "fine_amount": float(case.fine_amount), "confiscation_amount": float(case.confiscation_amount),
            "sanctions": list(case.sanctions), "hearing_held": case.hearing_held,
            "filed_on": case.filed_on.isoformat() if case.filed_on else None,
            "complexity": dict(case.complexity),
        },
    }


def start_run(case: Case, version: ProcessVersion) -> WorkflowRun:
    run = WorkflowRun.start(runtime_for(version), workflow_data(case))
    db.session.add(WorkflowInstance(case_id=case.id, process_version_id=version.id, state=run.dump()))
    return run


def load_run(case: Case) -> tuple[WorkflowRun, WorkflowInstance, ProcessVersion]:
    instance = db.session.get(WorkflowInstance, case.id, populate_existing=True)
    version = db.session.get(ProcessVersion, instance.process_version_id)
    return WorkflowRun.load(runtime_for(version), instance.state), instance, version


def save_run(run: WorkflowRun, instance: WorkflowInstance) -> None:
    """Write the state only if nobody saved since we loaded it (compare-and-set on revision)."""
    result = db.session.execute(
        update(WorkflowInstance)
        .where(WorkflowInstance.case_id == instance.case_id, WorkflowInstance.revision == instance.revision)
        .values(state=run.dump(), revision=instance.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("案件已被他人同时修改，请刷新后重试", code="concurrent_update")


def sync_tasks(case: Case, version: ProcessVersion, run: WorkflowRun) -> list[Task]:
    """Mirror READY human tasks into the task table, cancel vanished ones, and set the case status."""
    ready = {task.id: task for task in run.ready_human_tasks()}
    open_rows = list(db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == OPEN)))
    for row in open_rows:
        if row.id not in ready:
            row.status, row.completed_at = CANCELLED, utcnow()
    known = {row.id for row in open_rows}
    created = [_create_task(case, version, task) for task_id, task in ready.items() if task_id not in known]
    _update_status(case, run, list(ready.values()))
    return created


def _create_task(case: Case, version: ProcessVersion, human: HumanTask) -> Task:
    props = human.properties
    kind = props.get("taskKind", "generic")
    if kind == "review_opinion" and _has_opinion(case, case.round):
        case.round += 1  # a new review after an opinion opens the next round
    lane = lane_id(version, human.lane)
    role = LANE_ROLES.get(lane, "admin")
    row = Task(id=human.id, case_id=case.id, agency_id=case.agency_id, name=human.name, title=human.title,
               kind=kind, lane=lane, role=role, form_key=props.get("formJsonSchemaFilename", ""),
               round=case.round, status=OPEN, assignee_id=_default_assignee(case, role))
    db.session.add(row)
    return row


def _default_assignee(case: Case, role: str) -> int | None:
    if role == "handler":
        return case.handler_id
    if role == "reviewer":
        return case.reviewer_id
    return None  # any head of the agency may take it


def _has_opinion(case: Case, round_number: int) -> bool:
    return db.session.scalar(select(Opinion.id).where(Opinion.case_id == case.id,
                                                      Opinion.round == round_number).limit(1)) is not None


def _update_status(case: Case, run: WorkflowRun, ready: list[HumanTask]) -> None:
    """The case status is the caseStatus property of the end event reached, else of the first ready task."""
    if run.is_completed:
        declared = run.end_properties().get("caseStatus")
        case.closed_at = case.closed_at or utcnow()
    else:
        declared = next((t.properties["caseStatus"] for t in ready if t.properties.get("caseStatus")), None)
    if declared in CASE_STATUSES:
        case.status = declared
