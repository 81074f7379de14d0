"""Submit a case, read it within the actor's reach, and record the decision."""
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.roles import Actor, Role
from ..agencies.tree import descendant_ids, descendants_unless_all
from ..audit.service import record_event
from ..catalog.service import evaluate_review_requirement
from ..engine import ScriptFailed
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..money import to_amount
from ..persistence import built_once
from ..processes.models import ProcessVersion, WorkflowInstance
from ..processes.service import catalog_of, version_for_new_case
from .effects import add_materials, check_preconditions
from .facts import gate_facts
from .forms import validate_form
from .listeners import case_submitted
from .models import OPEN, Case, Decision, Material, Opinion, Task
from .workflow import mirror_tasks, start_run

SUBMISSION_FORM = "case_submission"


def submit_case(*, actor: User, data) -> Case:
    """送审: validate the file, decide whether review is required, start the process. Caller commits."""
    if not actor.has_role(Role.HANDLER):
        raise Forbidden("只有承办人可以送审", code="role_required")
    validate_form(SUBMISSION_FORM, data)
    if db.session.scalar(select(Case.id).where(Case.agency_id == actor.agency_id,
                                               Case.case_number == data["case_number"])) is not None:
        raise Conflict("本机关已有相同案件编号", code="duplicate_case_number",
                       fields={"case_number": ["案件编号已存在"]})
    case = Case(agency_id=actor.agency_id, agency=actor.agency, case_number=data["case_number"],
                title=data["title"], decision_type=data["decision_type"], party_type=data["party"]["type"],
                party_name=data["party"]["name"], facts=data.get("facts"), legal_basis=data.get("legal_basis"),
                proposed_decision=data["proposed_decision"],
                fine_amount=to_amount(data.get("fine_amount"), "fine_amount"),
                confiscation_amount=to_amount(data.get("confiscation_amount"), "confiscation_amount"),
                sanctions=data.get("sanctions", []), hearing_held=bool(data.get("hearing_held")),
                discretion=data.get("discretion"), sector=data.get("sector") or actor.agency.sector,
                power_source=data.get("power_source"),
                filed_on=date.fromisoformat(data["filed_on"]) if data.get("filed_on") else None,
                complexity=data.get("complexity", {}), handler_opinion=data.get("handler_opinion"),
                handler_id=actor.id, status="awaiting_acceptance", round=1)
    version = version_for_new_case(actor.agency)
    gate = evaluate_review_requirement(gate_facts(case), catalog_of(version))
    case.review_required, case.review_required_reasons = gate.review_required, gate.reasons
    db.session.add(case)
    db.session.flush()
    add_materials(case, data["materials"], actor=actor)
    record_event(case, actor=actor, action="case.submitted",
                 data={"form": data, "review_required": gate.review_required, "reasons": gate.reasons,
                       "process_version": version.number})
    try:
        run, runtime = start_run(case, version)
    except ScriptFailed as exc:
        raise InvalidInput(str(exc), code="workflow_script_error", fields={"process": [str(exc)]}) from exc
    mirror_tasks(case, runtime, run)  # tasks' mirror, registered by tasks.init_app
    case_submitted(case, actor=actor, data=data)  # listeners: e.g. documents (送审表)
    db.session.flush()
    return case


@built_once
def _case_with_people() -> tuple:
    return joinedload(Case.agency), joinedload(Case.handler), joinedload(Case.reviewer)


def visible_agency_ids(actor: Actor) -> set[int]:
    """The actor's own agency; supervisors also see every agency below theirs."""
    if actor.has_role(Role.SUPERVISOR):
        return set(descendant_ids(actor.agency_id))
    return {actor.agency_id}


def visible_agency_ids_unless_all(actor: Actor) -> set[int] | None:
    """visible_agency_ids, or None when the actor sees every agency (a province supervisor): no filter needed."""
    if actor.has_role(Role.SUPERVISOR):
        below = descendants_unless_all(actor.agency_id)
        return None if below is None else set(below)
    return {actor.agency_id}


def get_case(case_id: int, *, actor: Actor) -> Case:
    """The case if the actor may see it, with its agency and people (shown with every case) in the same query."""
    case = db.session.get(Case, case_id, options=_case_with_people())
    if case is None or case.agency_id not in visible_agency_ids(actor):
        raise NotFound("案件不存在", code="case_not_found")
    return case


def case_for_display(case_id: int, *, actor: Actor) -> Case:
    """get_case with everything the case's page and answer show loaded per relationship, not per row
    (materials and their attachments, opinions and their reviewers, the decision and who took it, deadlines)."""
    case = get_case(case_id, actor=actor)
    db.session.scalars(select(Case).where(Case.id == case.id).options(
        selectinload(Case.materials).selectinload(Material.attachments),
        selectinload(Case.opinions).joinedload(Opinion.reviewer),
        selectinload(Case.decision).joinedload(Decision.decided_by), selectinload(Case.deadlines))).one()
    return case


def open_tasks_of(case: Case) -> list[Task]:
    """The case's open tasks with what their listing shows (assignee, deadline) loaded in the same query."""
    return list(db.session.scalars(select(Task).where(Task.case_id == case.id, Task.status == OPEN)
                                   .options(joinedload(Task.assignee), joinedload(Task.deadline))
                                   .order_by(Task.created_at)))


def decision_task_for(case_id: int, *, actor: Actor) -> Task:
    """The open decision task of a case; refuse with review_not_passed before a passed review."""
    case = get_case(case_id, actor=actor)
    check_preconditions(case, "decision")
    task = next((t for t in open_tasks_of(case) if t.kind == "decision"), None)
    if task is None:
        raise Conflict("本案当前没有待作出的决定", code="no_decision_pending")
    return task


def case_diagram(case_id: int, *, actor: Actor) -> dict:
    """The BPMN XML of the version the case runs on, with the element ids of its open engine tasks."""
    case = get_case(case_id, actor=actor)
    instance = db.session.get_one(WorkflowInstance, case.id)
    version = db.session.get_one(ProcessVersion, instance.process_version_id)
    diagrams = [text for name, text in sorted(version.sources.items()) if name.endswith(".bpmn")]
    main = next((text for text in diagrams if f'id="{version.process_id}"' in text), diagrams[0])
    return {"process_version": version.number, "process_owner_agency_id": version.agency_id, "bpmn_xml": main,
            "current_task_ids": sorted({t.name for t in open_tasks_of(case) if t.engine_task})}


def running_cases_by_version(agency) -> list[tuple[ProcessVersion, int]]:
    """(version, number of the agency's open cases on it), own and inherited versions alike (one query)."""
    counts = db.session.execute(
        select(WorkflowInstance.process_version_id, func.count())
        .join(Case, Case.id == WorkflowInstance.case_id)
        .where(Case.agency_id == agency.id, Case.closed_at.is_(None))
        .group_by(WorkflowInstance.process_version_id)).all()
    if not counts:
        return []
    versions = {v.id: v for v in db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.id.in_([version_id for version_id, _ in counts])))}
    return sorted(((versions[version_id], n) for version_id, n in counts),
                  key=lambda row: (row[0].agency_id is not None, row[0].agency_id or 0, row[0].number))
