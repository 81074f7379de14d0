"""Keep a looping instance's state small: drop finished tasks far above where the instance stands.

SpiffWorkflow never prunes its task tree. A loop (review with issues -> correct -> review again) is a chain
of new tasks, so every round made the state larger (about 1.8 KB and 5 tasks) and every tree walk of the
engine (load, get_tasks, do_engine_steps, save) longer. compact() cuts that chain before each save:

- anchor: the lowest common ancestor of every unfinished task (the place the instance stands; a parallel
  region keeps all its branches), or the last completed task of a finished instance;
- the anchor and KEEP_ANCESTORS tasks above it stay, hung directly under the root task; everything else
  is finished and dropped (with the subprocesses of dropped call activities);
- the data later steps read stays: each task holds its full data in memory, and the serializer stores the
  kept top's data as a delta against the root's (the format is the engine's own, loadable as before).

Nothing the engine looks at is lost: ready, waiting and predicted tasks, joins of the current parallel
region (their inputs are in the anchor's subtree) and every variable (inherited into the kept tasks).
What is lost is the engine's own record of old rounds, which the service keeps in its task and history
rows anyway. The names of completed task specs that were dropped are kept (`pruned_specs`), so a version
migration still refuses an instance whose completed steps changed (engine/migration.py).
"""
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState

# The anchor's parent and grandparent stay (a migration re-predicts a READY task from its parent). Measured
# on the bench path (load + complete + save, CPU): 1.33 ms per step with 2, 1.91 with 12 (round 1 never
# cut), 2.11 without compaction; every path of tests/engine runs with 2.
KEEP_ANCESTORS = 2
DONE = TaskState.COMPLETED | TaskState.STARTED


def compact(workflow: Any, keep: int = KEEP_ANCESTORS) -> int:
    """Drop finished tasks more than `keep` levels above the anchor; return how many were dropped."""
    anchor = _anchor(workflow)
    root = workflow.task_tree
    if anchor is None or root is None:
        return 0
    top = anchor
    for _ in range(keep):
        if top.parent is None or top.parent is root:
            return 0
        top = top.parent
    if top.parent is root:
        return 0
    kept = _subtree_ids(workflow, top) | {root.id}
    dropped = [task for task_id, task in workflow.tasks.items() if task_id not in kept]
    if any(not task.has_state(TaskState.FINISHED_MASK) for task in dropped):
        return 0  # cannot happen (every unfinished task is below the anchor); never cut a live branch
    pruned = set(getattr(workflow, "pruned_specs", ()))
    pruned.update(task.task_spec.name for task in dropped if task.has_state(DONE))
    workflow.pruned_specs = sorted(pruned)
    _drop_subprocesses(workflow, {task.id for task in dropped})
    for task in dropped:
        del workflow.tasks[task.id]
    top._parent, root._children = root.id, [top.id]
    if workflow.last_task is not None and workflow.last_task.id not in kept:
        workflow.last_task = None
    return len(dropped)


def _anchor(workflow: Any) -> Any:
    """The lowest common ancestor of the unfinished tasks; the last completed task if there is none."""
    unfinished = [task for task in workflow.tasks.values() if not task.has_state(TaskState.FINISHED_MASK)]
    if not unfinished:
        return workflow.last_task
    path = _path_from_root(unfinished[0])
    depth_of = {task.id: depth for depth, task in enumerate(path)}
    lowest = len(path) - 1
    for task in unfinished[1:]:
        while task is not None and task.id not in depth_of:
            task = task.parent
        if task is None:
            return None
        lowest = min(lowest, depth_of[task.id])
    return path[lowest]


def _path_from_root(task: Any) -> list[Any]:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    return path[::-1]


def _subtree_ids(workflow: Any, top: Any) -> set[UUID]:
    ids, stack = set(), [top.id]
    while stack:
        task_id = stack.pop()
        ids.add(task_id)
        stack.extend(workflow.tasks[task_id]._children)
    return ids


def _drop_subprocesses(workflow: Any, dropped_ids: set[UUID]) -> None:
    """Remove the subprocesses of dropped (finished) call activities, nested ones included."""
    subprocesses = getattr(workflow, "subprocesses", {})
    found = True
    while found:
        found = False
        for sp_id in [sp_id for sp_id in subprocesses if sp_id in dropped_ids]:
            dropped_ids.update(subprocesses.pop(sp_id).tasks)
            found = True
