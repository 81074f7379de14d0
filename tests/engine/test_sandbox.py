"""BPMN scripts are untrusted: the restricted engine refuses escapes, the service saves nothing."""
import pytest

from review_service.agencies.models import Agency
from review_service.engine import ProcessDefinitionError, parse_process
from review_service.engine.scripting import ScriptRejected, ScriptTooLong
from review_service.extensions import db
from review_service.processes.service import publish_version

from ..factories import run_script as run
from ..factories import with_script_after_acceptance


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


def test_a_script_that_fails_at_run_time_changes_nothing(app, as_user):
    with app.app_context():
        city = db.session.query(Agency).filter_by(code="city").one()
        publish_version({"legal_review.bpmn": with_script_after_acceptance("content = lookup[&quot;missing&quot;]")},
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
    assert "lookup" in error["message"] and "sneaky" in error["fields"]["process"][0]
    after = reviewer.case(case["id"])
    assert after["status"] == "awaiting_acceptance"
    assert [t["id"] for t in after["open_tasks"]] == [task["id"]]
    assert reviewer.get(f"/api/v1/cases/{case['id']}/history").get_json()["events"] == events_before
