"""The only package that imports SpiffWorkflow: specs, the restricted script engine, state, runs."""
from .limits import ScriptLimitExceeded
from .migration import MigrationPlan, SpecChanges, diff_specs, migrate_instance, plan_migration
from .runner import HumanTask, Runtime, ScriptFailed, TaskNotReady, UnknownTask, WorkflowRun
from .scripting import RestrictedEnvironment, ScriptRejected, assigned_names, literal_assigned
from .serializer import dump_spec, load_spec
from .specs import DefinitionProblem, ParsedProcess, ProcessDefinitionError, content_hash, parse_process

__all__ = [
    "DefinitionProblem", "HumanTask", "MigrationPlan", "SpecChanges", "diff_specs", "migrate_instance",
    "plan_migration", "ParsedProcess", "ProcessDefinitionError", "Runtime",
    "ScriptFailed", "ScriptRejected", "TaskNotReady", "UnknownTask", "WorkflowRun",
    "RestrictedEnvironment", "ScriptLimitExceeded", "assigned_names", "content_hash", "dump_spec",
    "literal_assigned", "load_spec", "parse_process",
]
