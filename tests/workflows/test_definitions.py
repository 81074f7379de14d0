"""Every shipped BPMN parses under the restricted engine and references forms that exist."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from review_service.cases.status import CASE_STATUSES
from review_service.engine import parse_process
from review_service.processes.service import LANE_ROLES, PROCESS_ID

ROOT = Path(__file__).resolve().parents[2]
PROCESS_FOLDERS = sorted(p.parent for p in (ROOT / "workflows").glob("*/*.bpmn"))
TASK_KINDS = {"acceptance", "supplement", "review_opinion", "response", "correction", "coordination",
              "settlement", "referral", "collective_discussion", "decision", "publication", "archiving"}


def parsed(folder):
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".bpmn", ".dmn")}
    return parse_process(files, PROCESS_ID)


@pytest.mark.parametrize("folder", PROCESS_FOLDERS, ids=lambda p: p.name)
def test_process_parses_with_known_lanes(folder):
    process = parsed(folder)
    assert set(process.lanes_by_name.values()) == set(LANE_ROLES)


@pytest.mark.parametrize("folder", PROCESS_FOLDERS, ids=lambda p: p.name)
def test_user_tasks_declare_kind_status_and_an_existing_form(folder):
    process = parsed(folder)
    user_tasks = [ts for ts in process.spec.task_specs.values() if getattr(ts, "manual", False)]
    assert user_tasks
    for task_spec in user_tasks:
        props = task_spec.extensions["properties"]
        assert props["taskKind"] in TASK_KINDS, task_spec.name
        assert props["caseStatus"] in CASE_STATUSES, task_spec.name
        assert (ROOT / "forms" / props["formJsonSchemaFilename"]).is_file(), task_spec.name


def test_every_decision_path_goes_through_the_decision_task():
    """The only end event with status decided is reached from the decision task."""
    process = parsed(ROOT / "workflows" / "default")
    decided = [ts for ts in process.spec.task_specs.values()
               if getattr(ts, "extensions", {}).get("properties", {}).get("caseStatus") == "decided"
               and not getattr(ts, "manual", False)]
    assert [ts.name for ts in decided] == ["end_decided"]
    assert _reachable_backwards(decided[0], stop_at="record_decision") == set(), "a path around the decision"


def _reachable_backwards(task_spec, stop_at: str) -> set[str]:
    """Element names reachable backwards from task_spec without passing stop_at, that have no inputs (starts)."""
    seen, starts, frontier = set(), set(), [task_spec]
    while frontier:
        current = frontier.pop()
        if current.name in seen or current.name == stop_at:
            continue
        seen.add(current.name)
        if not current.inputs:
            starts.add(current.name)
        frontier.extend(current.inputs)
    return starts


@pytest.mark.parametrize("path", sorted((ROOT / "forms").glob("*.schema.json")), ids=lambda p: p.name)
def test_form_schemas_are_valid_and_titled_in_chinese(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    titles = [schema["title"]] + [field.get("title", "") for field in schema["properties"].values()]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles), path.name


@pytest.mark.parametrize("folder", sorted({p.parent for p in (ROOT / "workflows").glob("*/*.json")}),
                         ids=lambda p: p.name)
def test_shipped_profiles_and_catalogs_pass_their_schemas(folder):
    from review_service.catalog.validation import catalog_problems
    from review_service.processes.validation import profile_problems
    problems = []
    if (folder / "profile.json").is_file():
        problems += profile_problems((folder / "profile.json").read_bytes())
    if (folder / "catalog.json").is_file():
        problems += catalog_problems((folder / "catalog.json").read_bytes())
    assert problems == []
