"""Publishing an agency's process: permissions, versions, download, diff, and cases keeping their version."""
import json

from freezegun import freeze_time
from sqlalchemy import select

from review_service.extensions import db
from review_service.processes.models import ProcessVersion

from ..factories import beijing, decision, return_and_supply, review, review_deadline, submit_unfiled, version_of_case
from .overrides import GUANGDONG_PROFILE, MEETING, default_bpmn, upload, with_extra_step


def test_a_designer_publishes_numbered_versions_of_their_agency(as_user):
    designer = as_user("designer")
    first = upload(designer, "city", {"profile.json": GUANGDONG_PROFILE})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["number"] == 1 and first.get_json()["published_by_id"] is not None
    assert first.get_json()["files"] == ["catalog.json", "legal_review.bpmn", "profile.json"]  # the rest inherited
    again = upload(designer, "city", {"profile.json": GUANGDONG_PROFILE})
    assert (again.status_code, again.get_json()["number"]) == (200, 1)  # identical: nothing new
    second = upload(designer, "city", {"legal_review.bpmn": with_extra_step(default_bpmn())})
    assert (second.status_code, second.get_json()["number"]) == (201, 2)
    listed = designer.get("/api/v1/agencies/city/processes").get_json()["items"]
    assert [v["number"] for v in listed] == [1, 2]


def test_only_the_agencys_designer_or_an_administrator_publishes(as_user):
    profile = {"profile.json": GUANGDONG_PROFILE}
    assert upload(as_user("designer"), "other", profile).status_code == 403
    assert upload(as_user("handler"), "city", profile).status_code == 403
    assert upload(as_user("admin"), "city", profile).status_code == 201


def test_any_version_downloads_as_json_or_one_raw_file(as_user):
    designer = as_user("designer")
    upload(designer, "city", {"profile.json": GUANGDONG_PROFILE})
    body = designer.get("/api/v1/agencies/city/processes/1").get_json()
    assert body["number"] == 1 and "<bpmn:definitions" in body["sources"]["legal_review.bpmn"]
    raw = designer.get("/api/v1/agencies/city/processes/1?file=profile.json")
    assert raw.status_code == 200 and raw.get_json()["time_limits"]["review_working_days"] == 7
    assert designer.get("/api/v1/agencies/city/processes/1?file=nope.bpmn").status_code == 404
    assert designer.get("/api/v1/agencies/city/processes/9").status_code == 404


def test_a_diff_shows_text_changes_and_the_engines_task_summary(as_user):
    designer = as_user("designer")
    upload(designer, "city", {"profile.json": GUANGDONG_PROFILE})
    upload(designer, "city", {"legal_review.bpmn": with_extra_step(default_bpmn())})
    body = designer.get("/api/v1/agencies/city/processes/diff?from=1&to=2").get_json()
    assert list(body["files"]) == ["legal_review.bpmn"] and "+    <bpmn:userTask id=\"leaders_meeting\"" \
        in body["files"]["legal_review.bpmn"]
    assert body["tasks"]["added"] == ["leaders_meeting"] and body["tasks"]["removed"] == []
    assert "gw_ready_to_decide" in body["tasks"]["changed"]


def test_a_diff_keeps_a_last_line_without_newline_apart(as_user):
    designer = as_user("designer")
    text = json.dumps(GUANGDONG_PROFILE, ensure_ascii=False, indent=2)  # no newline at the end
    assert upload(designer, "city", {"profile.json": text}).status_code == 201
    changed = text.replace('"review_working_days": 7', '"review_working_days": 8') + "\n"
    assert upload(designer, "city", {"profile.json": changed}).status_code == 201
    patch = designer.get("/api/v1/agencies/city/processes/diff?from=1&to=2").get_json()["files"]["profile.json"]
    assert "\\ No newline at end of file\n" in patch
    assert all(line[:1] in "+- @\\" for line in patch.splitlines())  # no two lines glued into one


def test_new_cases_follow_the_new_version_while_running_cases_keep_theirs(app, as_user):
    running = as_user("handler").submit()
    assert version_of_case(app, running["id"]) == (None, 1)
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE})
    new = as_user("handler").submit(case_number="市监罚〔2026〕2号")
    assert version_of_case(app, new["id"]) == (version_of_case(app, new["id"])[0], 1)
    assert version_of_case(app, new["id"])[0] is not None
    assert version_of_case(app, running["id"]) == (None, 1)
    other = as_user("other.handler").submit()
    assert version_of_case(app, other["id"]) == (None, 1)  # a sibling agency keeps the national default


def test_an_agency_override_with_its_own_limits_words_and_step_runs_end_to_end(app, as_user):
    upload(as_user("designer"), "city", {"profile.json": GUANGDONG_PROFILE,
                                         "legal_review.bpmn": with_extra_step(default_bpmn())})
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)
        assert review_deadline(as_user("reviewer").case(case["id"]))["due_on"] == "2026-03-11"  # 7 working days
        reviewer = as_user("reviewer")
        reviewer.complete(case["id"], "accept_submission", {"result": "accept"})
        task = reviewer.get(f"/api/v1/tasks/{reviewer.open_task(case['id'], 'review_case')['id']}").get_json()
        assert task["form_schema"]["properties"]["opinion"]["options"]["enum_titles"][:2] == ["通过", "退回"]
        reviewer.complete(case["id"], "review_case", review("通过"))
        assert as_user("head").case(case["id"])["status"] == "awaiting_collective_discussion"  # the profile's step
        as_user("head").complete(case["id"], "collective_discussion", {**MEETING, "minutes": "集体讨论"})
        as_user("head").complete(case["id"], "leaders_meeting", MEETING)  # the agency's own extra step
        as_user("head").complete(case["id"], "record_decision", decision())
    body = as_user("handler").case(case["id"])
    assert body["status"] == "decided"
    history = as_user("handler").get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    [opinion] = [e for e in history if e["data"].get("task") == "review_case"]
    assert opinion["data"]["form"]["opinion"] == "approve"  # stored as the canonical code


def test_an_agency_folder_under_workflows_is_used_by_its_cases_and_its_children(app, as_user, tmp_path):
    import shutil
    workflows = tmp_path / "workflows"
    shutil.copytree(app.config["WORKFLOWS_DIR"] / "default", workflows / "default")
    (workflows / "province").mkdir()
    (workflows / "province" / "profile.json").write_text(
        __import__("json").dumps(GUANGDONG_PROFILE, ensure_ascii=False), encoding="utf-8")
    app.config["WORKFLOWS_DIR"] = workflows
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)  # city has no folder: its parent's (province) applies
    assert review_deadline(as_user("reviewer").case(case["id"]))["due_on"] == "2026-03-11"
    with app.app_context():
        owners = db.session.execute(select(ProcessVersion.agency_id, ProcessVersion.number)).all()
    assert len(owners) == 2  # the national default and the province's first version


def test_the_diagram_of_a_case_is_its_versions_bpmn_with_the_open_tasks(as_user):
    case = as_user("handler").submit()
    body = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/diagram").get_json()
    assert body["process_version"] == 1 and body["current_task_ids"] == ["accept_submission"]
    assert 'id="accept_submission"' in body["bpmn_xml"]
    upload(as_user("designer"), "city", {"legal_review.bpmn": with_extra_step(default_bpmn())})
    body = as_user("reviewer").get(f"/api/v1/cases/{case['id']}/diagram").get_json()
    assert "leaders_meeting" not in body["bpmn_xml"]  # the running case keeps its version
    assert as_user("other.handler").get(f"/api/v1/cases/{case['id']}/diagram").status_code == 404


ANHUI_WORDS = {"approve": {"label": "同意"}, "issues": {"label": "纠正"},
               "transfer": {"label": "移送有权机关处理", "aliases": ["移送"]}}


def test_anhui_words_route_to_the_canonical_branches(as_user):
    upload(as_user("designer"), "city", {"profile.json": {"opinion_vocabulary": ANHUI_WORDS}})
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    task = as_user("reviewer").open_task(case["id"], "review_case")
    schema = as_user("reviewer").get(f"/api/v1/tasks/{task['id']}").get_json()["form_schema"]
    assert schema["properties"]["opinion"]["options"]["enum_titles"] == ["同意", "纠正", "移送有权机关处理"]
    as_user("reviewer").complete(case["id"], "review_case", {**review("issues"), "opinion": "纠正"})
    body = as_user("handler").case(case["id"])
    assert body["status"] == "issues_found" and body["opinions"][-1]["opinion"] == "issues"


def test_an_unknown_word_is_refused_by_the_form(as_user):
    case = as_user("handler").submit()
    as_user("reviewer").complete(case["id"], "accept_submission", {"result": "accept"})
    as_user("reviewer").complete(case["id"], "review_case", {**review("approve"), "opinion": "随便"}, expect=422)


def test_the_profile_sets_the_supplement_mode(app, as_user):
    upload(as_user("designer"), "city", {"profile.json": {**GUANGDONG_PROFILE, "time_limits": {
        "supplement_mode": "SUSPEND"}}})
    with freeze_time(beijing("2026-03-02")):
        case = submit_unfiled(as_user)
    paused, resumed = return_and_supply(as_user, case["id"], "2026-03-04", "2026-03-09")
    assert (paused["status"], paused["days_used"]) == ("paused", 2)
    assert (resumed["start_on"], resumed["due_on"]) == ("2026-03-09", "2026-03-12")
