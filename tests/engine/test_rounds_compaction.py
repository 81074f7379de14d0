"""Correction rounds do not grow the stored state (review_service/engine/compaction.py).

A round is review_case (issues) -> respond_to_opinion (correct) -> review_case again. Each stores the
instance as the service does (dump, load onto the spec restored from its stored JSON).
"""
import json
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from review_service.engine import Runtime, WorkflowRun, dump_spec, load_spec, parse_process, plan_migration
from review_service.engine.compaction import KEEP_ANCESTORS
from review_service.engine.serializer import SPEC_SERIALIZER

from .paths import ARCHIVED, CORRECT, DECISION, ISSUES, PROCESS, PUBLISHED, Instance

PROFILE = json.loads((PROCESS.parent / "profile.json").read_text(encoding="utf-8"))
OLD_STATE = Path(__file__).parent / "data" / "legal_review_20_rounds_uncompacted.json"  # stored by main, f3afe24
APPROVE = {"opinion": "approve", "opinion_text": "经审核，同意"}
MAX_STATE_BYTES = 30_000


def _runtime(bpmn: bytes) -> Runtime:
    parsed = parse_process({PROCESS.name: bpmn}, "legal_review")
    spec, subprocess_specs = load_spec(dump_spec(parsed.spec, parsed.subprocess_specs))
    return Runtime(spec=spec, subprocess_specs=subprocess_specs, lanes=parsed.lanes_by_name)


def _runtime_default() -> Runtime:
    return _runtime(PROCESS.read_bytes())


def _rounds(instance: Instance, count: int) -> list[int]:
    """count correction rounds; the state's size after each."""
    sizes = []
    for _ in range(count):
        instance.complete("review_case", ISSUES).complete("respond_to_opinion", CORRECT)
        sizes.append(len(instance.state.encode()))
    return sizes


def _to_the_end(instance: Instance) -> Instance:
    instance.complete("review_case", APPROVE).complete("record_decision", DECISION)
    assert instance.ready() == ["archive_case", "publish_decision"]
    instance.complete("publish_decision", PUBLISHED).complete("archive_case", ARCHIVED)
    return instance


def _case(runtime: Runtime) -> Instance:
    """A case with the real default agency profile (the service passes the whole profile.json)."""
    instance = Instance(runtime)
    instance.state = WorkflowRun.start(runtime, {"review_required": True, "agency_profile": PROFILE,
                                                 "case": json.loads(instance.run().dump())["data"]["case"]}).dump()
    return instance.complete("accept_submission", {"result": "accept"})


def test_after_20_rounds_the_state_is_as_small_as_after_one_and_the_case_still_ends_decided():
    runtime = _runtime_default()
    instance = _case(runtime)
    sizes = _rounds(instance, 20)
    assert sizes[-1] < MAX_STATE_BYTES and sizes[-1] <= sizes[0] * 1.05, sizes
    run = instance.run()
    assert len(run._workflow.tasks) <= 12
    assert run.latest_value("time_limits")["review_working_days"] == 5  # set by the first script task
    assert run.latest_value("respond_to_opinion") == CORRECT
    assert _to_the_end(instance).ended_with() == "decided"
    assert len(instance.state.encode()) < MAX_STATE_BYTES


def test_the_tree_keeps_the_ready_task_and_two_tasks_above_it_under_the_root():
    instance = _case(_runtime_default())
    _rounds(instance, 1)
    workflow = instance.run()._workflow
    [ready] = workflow.get_tasks(state=TaskState.READY)
    assert ready.task_spec.name == "review_case" and ready.depth == KEEP_ANCESTORS + 1
    assert workflow.task_tree.task_spec.name == "Start" and len(workflow.task_tree.children) == 1
    assert {"accept_submission", "set_time_limits"} <= set(workflow.pruned_specs)


def test_a_state_stored_before_compaction_loads_completes_and_shrinks_on_its_next_save():
    runtime = _runtime_default()
    old = OLD_STATE.read_text(encoding="utf-8")
    assert "pruned_specs" not in old and len(old) > 40_000
    instance = Instance(runtime)
    instance.state = old
    assert instance.ready() == ["review_case"]
    assert instance.run().latest_value("time_limits")["review_working_days"] == 5
    _rounds(instance, 1)
    assert len(instance.state) < 12_000
    assert _to_the_end(instance).ended_with() == "decided"


def test_the_compacted_state_is_loaded_and_run_to_the_end_by_the_stock_serializer():
    runtime = _runtime_default()
    instance = _case(runtime)
    _rounds(instance, 20)
    dct = json.loads(instance.state)
    dct["spec"] = SPEC_SERIALIZER.to_dict(runtime.spec)  # what the stock format carries besides the instance
    dct["subprocess_specs"] = {}
    stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = stock.deserialize_json(json.dumps(dct))
    path = [("review_case", APPROVE), ("record_decision", DECISION), ("publish_decision", PUBLISHED),
            ("archive_case", ARCHIVED)]
    for name, data in path:
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name]
        task.data[name] = data
        task.run()
        workflow.do_engine_steps()
        workflow = stock.deserialize_json(stock.serialize_json(workflow))
    assert workflow.is_completed()
    assert workflow.last_task.data["respond_to_opinion"] == CORRECT


def test_a_migration_still_refuses_a_change_to_a_step_completed_in_a_dropped_round():
    old = _runtime_default()
    instance = _case(old)
    _rounds(instance, 20)
    workflow = instance.run()._workflow
    assert "accept_submission" in workflow.pruned_specs
    assert not any(t.task_spec.name == "accept_submission" for t in workflow.tasks.values())
    changed = PROCESS.read_bytes().replace('name="受理审查（材料完整性）"'.encode(), 'name="受理审查"'.encode())
    assert changed != PROCESS.read_bytes()
    plan = plan_migration(instance.state, old, _runtime(changed))
    assert not plan.allowed and any(reason.startswith("accept_submission:") for reason in plan.refused)


def test_a_parallel_region_keeps_both_branches_until_they_join():
    instance = _case(_runtime_default())
    instance.complete("review_case", APPROVE).complete("record_decision", DECISION)
    instance.complete("archive_case", ARCHIVED)
    assert instance.ready() == ["publish_decision"] and instance.ended_with() is None
    instance.complete("publish_decision", PUBLISHED)
    assert instance.ended_with() == "decided"
    run = instance.run()
    assert run.end_properties()["caseStatus"] == "decided"
    assert run.latest_value("publish_decision") == PUBLISHED and run.latest_value("archive_case") == ARCHIVED
