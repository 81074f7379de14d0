"""Run workflow instances: start, list ready human tasks, complete one, report where it ended.

Nothing outside engine/ sees a SpiffWorkflow object; callers get dataclasses and JSON text.
"""
import copy
from dataclasses import dataclass, field
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from .scripting import ScriptRejected, ScriptTooLong, make_script_engine
from .serializer import dump_instance, load_instance


class TaskNotReady(Exception):
    """The task exists but is not a READY human task (completed, cancelled or not reached)."""


class UnknownTask(Exception):
    """No task with that id in this instance."""


class ScriptFailed(Exception):
    """A BPMN script or expression failed or was refused by the sandbox; nothing was saved."""

    def __init__(self, message: str, element_id: str | None = None, line: int | None = None):
        super().__init__(message)
        self.element_id = element_id
        self.line = line


@dataclass(frozen=True)
class HumanTask:
    """A READY user or manual task, with the BPMN properties the service routes on."""

    id: str
    name: str
    title: str
    lane: str | None
    properties: dict = field(default_factory=dict)
    instructions: str | None = None


@dataclass(frozen=True)
class Runtime:
    """Everything needed to run instances of one process version."""

    spec: object
    subprocess_specs: dict
    lanes: dict = field(default_factory=dict)  # lane label -> lane id
    helpers: dict = field(default_factory=dict)

    def lane_id(self, lane_label: str | None) -> str:
        return self.lanes.get(lane_label or "", lane_label or "")


class WorkflowRun:
    """One loaded instance. Create with start() or load(); persist with dump()."""

    def __init__(self, workflow: BpmnWorkflow):
        self._workflow = workflow
        self._ready = None  # the READY tasks the last engine run stopped at (None: not looked up yet)

    @classmethod
    def start(cls, runtime: Runtime, data: dict) -> "WorkflowRun":
        workflow = BpmnWorkflow(runtime.spec, runtime.subprocess_specs,
                                script_engine=make_script_engine(runtime.helpers))
        workflow.data.update(copy.deepcopy(data))
        workflow.task_tree.data.update(copy.deepcopy(data))
        run = cls(workflow)
        run._advance()
        return run

    @classmethod
    def load(cls, runtime: Runtime, state: str) -> "WorkflowRun":
        return cls(load_instance(state, runtime.spec, runtime.subprocess_specs,
                                 make_script_engine(runtime.helpers)))

    def dump(self) -> str:
        return dump_instance(self._workflow)

    def ready_human_tasks(self) -> list[HumanTask]:
        ready = self._ready if self._ready is not None else self._workflow.get_tasks(state=TaskState.READY)
        return [_human_task(task) for task in ready if task.task_spec.manual]

    def complete(self, task_id: str, key: str, data: dict) -> None:
        """Store a deep copy of data under task data[key], run the task and the engine until it blocks."""
        task = self._find(task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(f"task {task_id} is {TaskState.get_name(task.state)}")
        self._ready = None
        task.data[key] = copy.deepcopy(data)
        self._guard(task.run)
        self._advance()

    def evaluate(self, task_id: str, expression: str, context: dict | None = None):
        """Evaluate a designer's expression (e.g. a deadline property) in a task's data, sandboxed."""
        task = self._find(task_id)
        try:
            return self._workflow.script_engine.environment.evaluate(expression, task.data, context or {})
        except (ScriptRejected, SyntaxError) as exc:
            raise ScriptFailed(f"表达式被安全沙箱拒绝: {exc}", task.task_spec.name) from exc
        except Exception as exc:  # noqa: BLE001  (any failure of designer code is reported, not raised raw)
            raise ScriptFailed(f"表达式求值失败（{expression}）: {exc}", task.task_spec.name) from exc

    def latest_value(self, name: str):
        """What `name` holds in the data of the last task that ran (None if no task set it): e.g. the
        time limits a script task computed, read after the instance moved on or ended."""
        holders = [task for task in self._workflow.get_tasks(state=TaskState.COMPLETED) if name in task.data]
        if not holders:
            return copy.deepcopy(self._workflow.data.get(name))
        return copy.deepcopy(max(holders, key=lambda task: task.last_state_change).data[name])

    def fire_due_timers(self) -> None:
        self._advance()

    @property
    def is_completed(self) -> bool:
        return self._workflow.is_completed()

    def end_properties(self) -> dict:
        """The BPMN properties of the end event the instance finished on ({} while running)."""
        ends = [t for t in self._workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)]
        if not ends:
            return {}
        last = max(ends, key=lambda t: t.last_state_change)
        return dict(last.task_spec.extensions.get("properties", {}))

    def _find(self, task_id: str):
        try:
            return self._workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, SpiffWorkflowException) as exc:
            raise UnknownTask(task_id) from exc

    def _advance(self) -> None:
        # do_engine_steps marks expired timers READY only at its end (refresh_timers); a second call runs
        # them. Without such a task it would only walk the tree again to find nothing to do.
        # The READY tasks found here are kept for ready_human_tasks (one walk of the task tree less).
        self._ready = None
        self._guard(self._workflow.do_engine_steps)
        ready = self._workflow.get_tasks(state=TaskState.READY)
        if any(not task.task_spec.manual for task in ready):
            self._guard(self._workflow.do_engine_steps)
        else:
            self._ready = ready

    @staticmethod
    def _guard(step) -> None:
        try:
            step()
        except (ScriptRejected, SyntaxError) as exc:
            raise ScriptFailed(f"流程脚本被安全沙箱拒绝: {exc}") from exc
        except ScriptTooLong as exc:
            raise ScriptFailed(f"流程脚本超出资源上限: {exc}") from exc
        except WorkflowException as exc:
            task = getattr(exc, "task", None)
            element = task.task_spec.name if task is not None else None
            raise ScriptFailed(f"流程脚本执行失败: {exc}", element, getattr(exc, "line_number", None)) from exc
        except Exception as exc:  # a bad timer value or data type inside an engine step
            raise ScriptFailed(f"流程执行失败: {exc}") from exc


def _human_task(task) -> HumanTask:
    spec = task.task_spec
    extensions = getattr(spec, "extensions", {}) or {}
    return HumanTask(
        id=str(task.id), name=spec.name, title=spec.bpmn_name or spec.name, lane=spec.lane,
        properties=dict(extensions.get("properties", {})),
        instructions=extensions.get("instructionsForEndUser"),
    )
