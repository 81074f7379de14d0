"""Compare two process versions and move a running instance onto a new one (SpiffWorkflow.bpmn.util.diff).

Policy: an instance is refused when any task it has already completed (or started) runs on a spec that
changed or was removed in the new version (completed tasks of old rounds that compaction dropped count
too: their spec names are kept in the state); otherwise its task specs are re-pointed, READY and WAITING
branches are re-predicted on the new spec, and the engine runs until it blocks again.
"""
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, filter_tasks, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from .runner import Runtime, WorkflowRun
from .scripting import make_script_engine
from .serializer import SPEC_SERIALIZER, load_instance, load_spec

DONE = TaskState.COMPLETED | TaskState.STARTED


@dataclass(frozen=True)
class SpecChanges:
    """Task specs (BPMN element ids) added, changed (with the changed attributes) and removed."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}


@dataclass(frozen=True)
class MigrationPlan:
    """What moving one instance would do; `refused` names each completed task whose spec changed."""

    allowed: bool
    refused: list[str]
    changed: list[str]  # tasks of the instance (any state) whose spec changed or was removed
    added: list[str]


def diff_specs(old_spec_json: str, new_spec_json: str) -> SpecChanges:
    """The engine's SpecDiff between two stored versions, including call-activity subprocesses."""
    old, old_subs = load_spec(old_spec_json)
    new, new_subs = load_spec(new_spec_json)
    pairs = [("", old, new)] + [(f"{name}/", spec, new_subs.get(name)) for name, spec in sorted(old_subs.items())]
    added, changed, removed = [], {}, []
    for prefix, original, updated in pairs:
        if updated is None:
            removed += [prefix + name for name in original.task_specs]
            continue
        spec_diff = SpecDiff(SPEC_SERIALIZER.registry, original, updated)
        added += [prefix + ts.name for ts in spec_diff.added]
        changed.update({prefix + ts.name: sorted(attrs) for ts, attrs in spec_diff.changed.items()})
        removed += [prefix + ts.name for ts in spec_diff.removed]
    added += [f"{name}/" for name in new_subs if name not in old_subs]
    return SpecChanges(sorted(added), dict(sorted(changed.items())), sorted(removed))


def plan_migration(state: str, old: Runtime, new: Runtime) -> MigrationPlan:
    """What migrate_instance would do, without doing it."""
    return _diff(load_instance(state, old.spec, old.subprocess_specs, make_script_engine(old.helpers)), new)[0]


def migrate_instance(state: str, old: Runtime, new: Runtime) -> tuple[MigrationPlan, WorkflowRun | None]:
    """(plan, the instance on the new spec advanced until it blocks) or (plan, None) when refused.

    Raises ScriptFailed if a script of the new version fails while the engine advances.
    """
    workflow = load_instance(state, old.spec, old.subprocess_specs, make_script_engine(old.helpers))
    plan, top_diff, sub_diffs = _diff(workflow, new)
    if not plan.allowed:
        return plan, None
    migrate_workflow(top_diff, workflow, new.spec)
    for sub_id, sub in workflow.subprocesses.items():
        migrate_workflow(sub_diffs[sub_id], sub, new.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
    workflow.script_engine = make_script_engine(new.helpers)
    run = WorkflowRun(workflow)
    run.fire_due_timers()  # runs engine steps: re-predicted branches become READY again
    return plan, run


def _diff(workflow: Any, new: Runtime) -> tuple[MigrationPlan, Any, Any]:
    top_diff, sub_diffs = diff_workflow(SPEC_SERIALIZER.registry, workflow, new.spec, new.subprocess_specs)
    touched = top_diff.changed + top_diff.removed
    refused = [f"{t.task_spec.name}: 已办结的步骤在新版本中被修改或删除" for t in filter_tasks(touched, state=DONE)]
    spec_diff = SpecDiff(SPEC_SERIALIZER.registry, workflow.spec, new.spec)
    # completed steps of old rounds that compaction dropped from the tree (engine/compaction.py)
    gone = {ts.name for ts in list(spec_diff.changed) + list(spec_diff.removed)}
    dropped = [name for name in getattr(workflow, "pruned_specs", ()) if name in gone]
    refused += [f"{name}: 已办结的步骤在新版本中被修改或删除" for name in dropped]
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is None:
            refused.append(f"{workflow.subprocesses[sub_id].spec.name}: 子流程在新版本中被删除")
            continue
        touched += sub_diff.changed + sub_diff.removed
        refused += [f"{t.task_spec.name}: 已办结的步骤在新版本中被修改或删除"
                    for t in filter_tasks(sub_diff.changed + sub_diff.removed, state=DONE)]
    changed = sorted({t.task_spec.name for t in touched} | set(dropped))
    added = sorted({ts.name for ts in spec_diff.added})
    plan = MigrationPlan(not refused, sorted(set(refused)), changed, added)
    return plan, top_diff, sub_diffs
