"""Moving running cases to a new version: a dry run that changes nothing, refusal, and the audited move."""
from review_service.extensions import db
from review_service.processes.models import WorkflowInstance

from ..factories import review, version_of_case
from .overrides import GUANGDONG_PROFILE, default_bpmn, replace, upload, with_extra_step

SCRIPT = 'time_limits.update(agency_profile.get("time_limits") or {})'


def publish(as_user, files) -> int:
    response = upload(as_user("designer"), "city", files)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def migrate(runner, *args):
    return runner.invoke(args=["review", "migrate-cases", "city", *args])


def test_a_dry_run_lists_what_would_change_and_changes_nothing(app, as_user, runner):
    case = as_user("handler").submit()
    state_before = _state(app, case["id"])
    number = publish(as_user, {"legal_review.bpmn": with_extra_step(default_bpmn())})
    result = migrate(runner, "--to", str(number), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would_migrate" in result.output and "dry run" in result.output
    assert _state(app, case["id"]) == state_before and version_of_case(app, case["id"]) == (None, 1)
    response = as_user("designer").post(f"/api/v1/agencies/city/processes/migrations?to={number}&dry_run=true")
    [report] = response.get_json()["cases"]
    assert report["result"] == "would_migrate" and report["added_tasks"] == ["leaders_meeting"]


def test_a_case_runs_on_after_migration_and_its_history_says_so(app, as_user, runner):
    case = as_user("handler").submit()
    before = as_user("reviewer").case(case["id"])
    number = publish(as_user, {"legal_review.bpmn": with_extra_step(default_bpmn())})
    result = migrate(runner, "--to", str(number))
    assert result.exit_code == 0 and "migrated" in result.output, result.output
    assert version_of_case(app, case["id"])[1] == number
    after = as_user("reviewer").case(case["id"])
    assert after["open_tasks"][0]["id"] == before["open_tasks"][0]["id"]  # the open task and its clock are kept
    assert after["deadlines"] == before["deadlines"]
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case["id"], "review_case", review("approve"))
    assert [t["name"] for t in as_user("head").case(case["id"])["open_tasks"]] == ["leaders_meeting"]
    events = as_user("handler").get(f"/api/v1/cases/{case['id']}/history").get_json()
    [moved] = [e for e in events["events"] if e["action"] == "process.migrated"]
    assert moved["data"]["to_version"]["number"] == number and events["chain_intact"]


def test_a_case_whose_completed_step_changed_is_refused(app, as_user, runner):
    case = as_user("handler").submit()  # set_time_limits has run
    state_before = _state(app, case["id"])
    changed = replace(default_bpmn(), SCRIPT, SCRIPT + '\ntime_limits["review_working_days"] = 9')
    number = publish(as_user, {"legal_review.bpmn": changed})
    dry = migrate(runner, "--to", str(number), "--dry-run")
    assert "refused" in dry.output and "set_time_limits" in dry.output, dry.output
    result = migrate(runner, "--to", str(number))
    assert "refused" in result.output and _state(app, case["id"]) == state_before
    assert version_of_case(app, case["id"]) == (None, 1)
    events = as_user("handler").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    [refusal] = [e for e in events if e["action"] == "process.migration_refused"]
    assert any("set_time_limits" in reason for reason in refusal["data"]["refused_because"])


def test_only_the_agencys_designer_may_migrate_and_the_version_must_exist(as_user, runner):
    publish(as_user, {"profile.json": GUANGDONG_PROFILE})
    assert as_user("other.handler").post("/api/v1/agencies/city/processes/migrations?to=1").status_code == 403
    assert as_user("designer").post("/api/v1/agencies/city/processes/migrations?to=7").status_code == 404
    result = migrate(runner, "--to", "7")
    assert result.exit_code == 1 and "process_version_not_found" in result.output


def test_publish_process_from_a_folder_on_the_command_line(runner, tmp_path):
    (tmp_path / "legal_review.bpmn").write_text(replace(default_bpmn(), SCRIPT, "import os"), encoding="utf-8")
    result = runner.invoke(args=["review", "publish-process", "city", str(tmp_path)])
    assert result.exit_code == 1 and "legal_review.bpmn:set_time_limits:" in result.output
    (tmp_path / "legal_review.bpmn").write_text(default_bpmn(), encoding="utf-8")
    result = runner.invoke(args=["review", "publish-process", "city", str(tmp_path)])
    assert result.exit_code == 0 and "published version 1" in result.output, result.output


def _state(app, case_id: int) -> str:
    with app.app_context():
        return db.session.get(WorkflowInstance, case_id).state
