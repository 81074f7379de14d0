"""BPMN scripts are untrusted: the restricted engine refuses escapes, the service saves nothing."""
from pathlib import Path

import pytest

from review_service.agencies.models import Agency
from review_service.engine import ProcessDefinitionError, parse_process
from review_service.engine.scripting import ScriptRejected, ScriptTooLong, make_script_engine
from review_service.extensions import db
from review_service.processes.service import publish_version

DEFAULT_BPMN = Path(__file__).resolve().parents[2] / "workflows" / "default" / "legal_review.bpmn"


def with_script_after_acceptance(script: str) -> bytes:
    """The default process with a script task between acceptance and its gateway."""
    xml = DEFAULT_BPMN.read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" '
                      'targetRef="gw_acceptance" />',
                      '<bpmn:sequenceFlow id="f_acceptance_done" sourceRef="accept_submission" targetRef="sneaky" />'
                      '<bpmn:scriptTask id="sneaky" name="脚本"><bpmn:incoming>f_acceptance_done</bpmn:incoming>'
                      '<bpmn:outgoing>f_sneaky_done</bpmn:outgoing>'
                      f'<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
                      '<bpmn:sequenceFlow id="f_sneaky_done" sourceRef="sneaky" targetRef="gw_acceptance" />')
    xml = xml.replace("<bpmn:incoming>f_acceptance_done</bpmn:incoming>\n      <bpmn:outgoing>",
                      "<bpmn:incoming>f_sneaky_done</bpmn:incoming>\n      <bpmn:outgoing>", 1)
    assert 'id="sneaky"' in xml
    return xml.encode()


def run(source: str, data: dict | None = None) -> dict:
    env = make_script_engine().environment
    context = dict(data or {})
    env.execute(source, context)
    return context


@pytest.mark.parametrize("source", [
    "import os",
    "__import__('os')",
    "x = ().__class__.__base__.__subclasses__()",
    "x = [].__class__",
    "exec('1')",
    "x = eval('1')",
    "from os import path",
])
def test_escapes_are_refused_at_compile_time(source):
    with pytest.raises(ScriptRejected):
        run(source)


@pytest.mark.parametrize("source", ["x = open('/etc/hostname').read()", "x = globals()", "x = getattr"])
def test_dangerous_builtins_do_not_exist(source):
    with pytest.raises(NameError):
        run(source)


NESTED_LOOPS = "total = 0\nfor n in range(999):\n    for m in range(999):\n        total += n * m"


@pytest.mark.parametrize("source", ["while True:\n    pass", NESTED_LOOPS])
def test_endless_scripts_are_stopped(source):
    with pytest.raises(ScriptTooLong):
        run(source)


def test_ordinary_scripts_still_work():
    result = run("total = 0\nfor n in amounts:\n    total += n\nbig = [n for n in amounts if n > 1]\n"
                 "label = 'round %d' % rnd\nd = {'a': 1}\nd['b'] = 2", {"amounts": [1, 2, 3], "rnd": 2})
    assert (result["total"], result["big"], result["label"], result["d"]) == (6, [2, 3], "round 2", {"a": 1, "b": 2})
    assert "__builtins__" not in result


def test_publishing_a_script_that_imports_is_refused_naming_the_element():
    with pytest.raises(ProcessDefinitionError) as caught:
        parse_process({"legal_review.bpmn": with_script_after_acceptance("import os")}, "legal_review")
    problem = caught.value.problems[0]
    assert problem.element_id == "sneaky"
    assert problem.file == "legal_review.bpmn"
    assert problem.line is not None
    assert "import" in problem.message.lower()


def test_a_script_opening_files_fails_at_run_time_and_changes_nothing(app, as_user):
    with app.app_context():
        city = db.session.query(Agency).filter_by(code="city").one()
        publish_version({"legal_review.bpmn": with_script_after_acceptance("content = open('/etc/hostname').read()")},
                        agency_id=city.id)
        db.session.commit()
    case = as_user("handler").submit()
    reviewer = as_user("reviewer")
    task = reviewer.open_task(case["id"], "accept_submission")
    events_before = reviewer.get(f"/api/v1/cases/{case['id']}/history").get_json()["events"]
    response = reviewer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "workflow_script_error"
    assert "open" in error["message"] and "sneaky" in error["fields"]["process"][0]
    after = reviewer.case(case["id"])
    assert after["status"] == "awaiting_acceptance"
    assert [t["id"] for t in after["open_tasks"]] == [task["id"]]
    assert reviewer.get(f"/api/v1/cases/{case['id']}/history").get_json()["events"] == events_before
