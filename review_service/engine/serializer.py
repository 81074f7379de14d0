"""Instance state without the spec: the spec is stored once per process version, not per case."""
import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .compaction import compact


class InstanceOnlyWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """Writes tasks, data and subprocesses; the caller supplies the spec when loading."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["spec_name"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        if getattr(workflow, "pruned_specs", None):
            dct["pruned_specs"] = list(workflow.pruned_specs)  # see compaction.py; absent in older states
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: dict[str, Any] | None = None) -> Any:
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        workflow.pruned_specs = list(dct.pop("pruned_specs", []))
        return workflow


SPEC_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_instance_config = dict(SPIFF_CONFIG)
_instance_config[BpmnWorkflow] = InstanceOnlyWorkflowConverter
INSTANCE_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_instance_config))


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """JSON for a parsed process spec and its subprocess specs."""
    return json.dumps({
        "spec": SPEC_SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SPEC_SERIALIZER.to_dict(sub) for name, sub in subprocess_specs.items()},
    })


def load_spec(text: str) -> tuple[Any, dict[str, Any]]:
    """(spec, subprocess_specs) from dump_spec's JSON; parsed fresh because from_dict mutates its input."""
    dct = json.loads(text)
    spec = SPEC_SERIALIZER.from_dict(dct["spec"])
    subs = {name: SPEC_SERIALIZER.from_dict(sub) for name, sub in dct["subprocess_specs"].items()}
    return spec, subs


def dump_instance(workflow: Any) -> str:
    """The instance's JSON, after dropping finished tasks far behind where it stands (compaction.py)."""
    compact(workflow)
    dct = INSTANCE_SERIALIZER.to_dict(workflow)
    dct[INSTANCE_SERIALIZER.VERSION_KEY] = INSTANCE_SERIALIZER.VERSION
    return json.dumps(dct, separators=(",", ":"))


def load_instance(text: str, spec: Any, subprocess_specs: dict[str, Any], script_engine: Any) -> Any:
    """Restore an instance onto a cached spec, always with the restricted script engine."""
    dct = json.loads(text)
    INSTANCE_SERIALIZER.migrate(dct)
    workflow = INSTANCE_SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow
