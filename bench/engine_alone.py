"""The benchmark's baseline: the legal-review BPMN path on SpiffWorkflow alone, in memory."""
import copy

from common import ROOT, Timings
from payloads import CASE_PATH, engine_initial_data, submission

BPMN_FILE = ROOT / "workflows" / "default" / "legal_review.bpmn"
PROCESS_ID = "legal_review"


def parse_bpmn():
    """(spec, subprocess specs) of legal_review.bpmn, parsed once with XSD validation."""
    from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    return parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)


def default_serializer():
    """SpiffWorkflow's own serializer with the Spiff config (spec included in every state)."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def engine_start(spec, subprocess_specs, serializer, data: dict) -> str:
    """Start an instance with the service's initial data, run to the first user task, serialize."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    workflow = BpmnWorkflow(spec, subprocess_specs)  # default, unrestricted script engine
    workflow.data.update(copy.deepcopy(data))
    workflow.task_tree.data.update(copy.deepcopy(data))
    workflow.do_engine_steps()
    return serializer.serialize_json(workflow)


def engine_step(serializer, state: str, name: str, data: dict):
    """Deserialize, complete the READY user task called name with data, run on, serialize."""
    from SpiffWorkflow.util.task import TaskState
    workflow = serializer.deserialize_json(state)
    ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name]
    assert len(ready) == 1, f"engine: expected one READY {name}, got {ready}"
    ready[0].data[name] = copy.deepcopy(data)
    ready[0].run()
    workflow.do_engine_steps()
    return serializer.serialize_json(workflow), workflow


def engine_case(spec, subprocess_specs, serializer, timings: Timings, case_file: dict) -> None:
    """One instance along CASE_PATH, each step timed under engine:<task name>."""
    with timings.measure("engine:start"):
        state = engine_start(spec, subprocess_specs, serializer, engine_initial_data(case_file))
    workflow = None
    for name, _user, data in CASE_PATH:
        with timings.measure(f"engine:{name}"):
            state, workflow = engine_step(serializer, state, name, data)
    assert workflow.is_completed() and finished_on(workflow) == "end_decided", "engine: did not reach end_decided"


def finished_on(workflow) -> str | None:
    """The BPMN id of the end event a completed instance reached."""
    from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
    from SpiffWorkflow.util.task import TaskState
    ends = workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
    return max(ends, key=lambda t: t.last_state_change).task_spec.name if ends else None


class EngineAlone:
    """The baseline, parsed once; each run_case() drives one instance along CASE_PATH into `timings`."""

    def __init__(self):
        self.spec, self.subprocess_specs = parse_bpmn()
        self.serializer = default_serializer()
        self.case_file = submission("engine")
        self.timings = Timings()

    def run_case(self, timed: bool = True) -> None:
        """One instance; timed=False for a warm-up run (its samples are dropped)."""
        engine_case(self.spec, self.subprocess_specs, self.serializer, self.timings if timed else Timings(),
                    self.case_file)


def run_engine(cases: int, warmup: int) -> Timings:
    """Parse once, then warm-up runs (not counted) and N timed runs of the same path, back to back."""
    engine = EngineAlone()
    for _ in range(warmup):
        engine.run_case(timed=False)
    for _ in range(cases):
        engine.run_case()
    return engine.timings
