"""A broken upload is refused before anything is stored, each problem as "file:element:line: message"."""
import pytest

from .overrides import GUANGDONG_PROFILE, default_bpmn, replace, upload

SCRIPT = 'time_limits.update(agency_profile.get("time_limits") or {})'
CONDITION = 'review_case[&quot;opinion&quot;] == &quot;approve&quot;'


def problems(as_user, files) -> list[str]:
    response = upload(as_user("designer"), "city", files)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()["error"]
    assert body["code"] == "process_invalid"
    assert as_user("designer").get("/api/v1/agencies/city/processes").get_json()["items"] == []  # nothing stored
    return body["fields"]["files"]


def bpmn(old: str, new: str) -> dict:
    return {"legal_review.bpmn": replace(default_bpmn(), old, new)}


def test_malformed_xml_names_the_file_and_line(as_user):
    [problem] = problems(as_user, {"legal_review.bpmn": default_bpmn().replace("</bpmn:process>", "", 1)})
    assert problem.startswith("legal_review.bpmn:-:") and "XML" in problem


def test_a_bpmn_schema_violation_names_the_element(as_user):
    found = problems(as_user, bpmn('<bpmn:userTask id="review_case"', '<bpmn:userTask id="review_case" bogus="1"'))
    assert any("bogus" in p for p in found), found


@pytest.mark.parametrize("old, new, element, words", [
    (SCRIPT, "import os", "set_time_limits", "import"),
    (CONDITION, "review_case[&quot;opinion&quot;] ==", "f_approved", "condition"),
    ('value="time_limits[&quot;reminder_working_days&quot;]" />',
     'value="__import__(&quot;os&quot;)" />', "accept_submission", "reminderWorkingDays"),
])
def test_scripts_conditions_and_expressions_compile_under_the_restricted_engine(as_user, old, new, element, words):
    found = problems(as_user, bpmn(old, new))
    assert any(p.startswith(f"legal_review.bpmn:{element}:") and words in p for p in found), found
    assert all(p.split(":")[2].isdigit() for p in found if element in p), found  # a line number


def test_required_lanes_and_tasks_are_checked(as_user):
    text = replace(default_bpmn(), '<bpmn:lane id="agency_head"', '<bpmn:lane id="leaders"')
    text = replace(text, '<spiffworkflow:property name="taskKind" value="decision" />',
                   '<spiffworkflow:property name="taskKind" value="decide" />')
    found = problems(as_user, {"legal_review.bpmn": text})
    assert any("agency_head" in p and "泳道" in p for p in found), found
    assert any("taskKind=decision" in p for p in found), found


def test_every_form_key_must_exist_in_forms(as_user):
    found = problems(as_user, bpmn('value="review_case.schema.json"', 'value="no_such_form.schema.json"'))
    assert any(p.startswith("legal_review.bpmn:review_case:") and "no_such_form" in p for p in found), found


def test_the_profile_is_checked_against_its_schema(as_user):
    profile = {**GUANGDONG_PROFILE, "time_limits": {"review_working_days": "seven"}, "colour": "red"}
    found = problems(as_user, {"profile.json": profile})
    assert any(p.startswith("profile.json:time_limits/review_working_days:") for p in found), found
    assert any("colour" in p for p in found), found


def test_invalid_json_names_the_line(as_user):
    [problem] = problems(as_user, {"profile.json": '{\n  "name": "x",\n  oops\n}'})
    assert problem.startswith("profile.json:-:3:"), problem


def test_unknown_files_are_refused(as_user):
    assert any(p.startswith("notes.txt:") for p in problems(as_user, {"notes.txt": "hello"}))


def test_all_problems_of_an_upload_are_listed_together(as_user):
    files = {**bpmn(SCRIPT, "import os"), "profile.json": {"opinion_vocabulary": {}}}
    found = problems(as_user, files)
    assert any(p.startswith("legal_review.bpmn:set_time_limits:") for p in found)
    assert any(p.startswith("profile.json:") for p in found)


def test_dtd_and_entity_declarations_are_refused(as_user):
    text = default_bpmn().replace('<?xml version="1.0" encoding="UTF-8"?>',
                                  '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    [problem] = problems(as_user, {"legal_review.bpmn": text})
    assert problem.startswith("legal_review.bpmn:") and "DTD" in problem


REVIEW_DAYS = ('<spiffworkflow:property name="deadlineWorkingDays" '
               'value="time_limits[&quot;review_working_days&quot;]" />')


def test_a_time_limit_in_words_fails_on_the_sample_case_and_names_its_task(as_user):
    """"五个工作日" compiles (a valid name); run on the sample case it fails, reported on the review task."""
    head, review_task = default_bpmn().split('<bpmn:userTask id="review_case"')
    review_task = replace(review_task, REVIEW_DAYS, REVIEW_DAYS.replace(
        'time_limits[&quot;review_working_days&quot;]', "五个工作日"))
    [problem] = problems(as_user, {"legal_review.bpmn": head + '<bpmn:userTask id="review_case"' + review_task})
    assert problem.startswith("legal_review.bpmn:review_case:") and "（review_case）" in problem, problem
    assert "deadlineWorkingDays" in problem and "未定义的名称 五个工作日" in problem, problem
    assert problem.split(":")[2].isdigit()


@pytest.mark.parametrize("old, new, element, words", [
    (REVIEW_DAYS, REVIEW_DAYS.replace('time_limits[&quot;review_working_days&quot;]', '&quot;5&quot; + 1'),
     "accept_submission", "TypeError"),
    (REVIEW_DAYS, REVIEW_DAYS.replace('time_limits[&quot;review_working_days&quot;]', '-2'),
     "accept_submission", "不为负的整数"),
    ('value="time_limits[&quot;supplement_mode&quot;]"', 'value="&quot;PAUSE&quot;"', "accept_submission",
     "RESTART 或 SUSPEND"),
    (CONDITION, 'review_case[&quot;opnion&quot;] == &quot;approve&quot;', "f_approved", "KeyError"),
    ('"review_working_days": 5,', '"review_working_days": 五,', "set_time_limits", "五"),
])
def test_time_limits_and_conditions_run_on_the_sample_case(as_user, old, new, element, words):
    found = problems(as_user, bpmn(old, new))
    assert any(p.startswith(f"legal_review.bpmn:{element}:") and words in p for p in found), found


def test_a_mistyped_task_kind_is_reported_on_its_task_not_the_process(as_user):
    found = problems(as_user, bpmn('<spiffworkflow:property name="taskKind" value="review_opinion" />',
                                   '<spiffworkflow:property name="taskKind" value="review_opnion" />'))
    assert [p.split(":")[1] for p in found] == ["review_case"], found
    assert "taskKind=review_opnion" in found[0] and "taskKind=review_opinion" in found[0]


def test_a_task_kind_close_to_a_known_one_is_reported_on_its_task(as_user):
    found = problems(as_user, bpmn('<spiffworkflow:property name="taskKind" value="publication" />',
                                   '<spiffworkflow:property name="taskKind" value="publicaton" />'))
    assert [p.split(":")[1] for p in found] == ["publish_decision"], found


def test_a_runaway_time_limits_script_is_a_problem_of_its_task(as_user):
    found = problems(as_user, bpmn(SCRIPT, SCRIPT + "\nwhile True:\n    pass"))
    assert any(p.startswith("legal_review.bpmn:set_time_limits:") and "ScriptLimitExceeded" in p for p in found), found
