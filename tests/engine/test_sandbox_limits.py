"""The sandbox's real limits: probes refused at publishing or stopped at run time, the server still answering;
and the scripts designers are meant to write keep working."""
import time

import pytest

from review_service.agencies.models import Agency
from review_service.engine import ProcessDefinitionError, parse_process
from review_service.engine.limits import MAX_SECONDS
from review_service.engine.scripting import ScriptTooLong, make_script_engine
from review_service.extensions import db
from review_service.processes.service import publish_version

from ..factories import DEFAULT_BPMN
from ..factories import run_script as run
from ..factories import with_script_after_acceptance as _with_script


def with_script_after_acceptance(source: str) -> bytes:
    return _with_script(source.replace("&", "&amp;").replace("<", "&lt;"))

# probe -> what the publishing check says about it
# The budget stops a runaway evaluation at MAX_SECONDS of wall clock; the margin keeps a loaded 2-core machine
# (parallel test workers) from failing a test whose point is that the evaluation ends at all.
STOPPED_WITHIN = 5 * MAX_SECONDS
# On such a machine the wall-clock bound may stop a probe before the guard that would have stopped it.
WALL_CLOCK = "ran longer than"

REFUSED_AT_PUBLISHING = {
    "import": ("import os", "import"),
    "from-import": ("from os import path", "import"),
    "__import__": ("m = __import__('os')", "__import__"),
    "dunder escape": ("x = ().__class__.__base__.__subclasses__()", "__class__"),
    "dunder name": ("x = __builtins__", "__builtins__"),
    "open": ("content = open('/etc/passwd').read()", "open"),
    "eval": ("x = eval('1')", "Eval"),
    "exec": ("exec('x = 1')", "Exec"),
    "compile": ("x = compile('1', 'f', 'eval')", "compile"),
    "globals": ("x = globals()", "globals"),
    "locals/vars": ("x = vars()", "vars"),
    "getattr": ("x = getattr(1, 'real')", "getattr"),
    "setattr": ("setattr(case, 'status', 'decided')", "setattr"),
    "type": ("x = type(1)", "type"),
    "try around the budget": ("try:\n    x = 1\nexcept BaseException:\n    pass", "try"),
    "class": ("class Escape:\n    pass", "class definitions"),
}

# probe -> what stops it at run time (the message of ScriptLimitExceeded)
STOPPED_AT_RUN_TIME = {
    "endless loop": ("while True:\n    pass", "instructions"),
    "endless comprehension": ("x = [0 for a in range(1000000) for b in range(1000000)]", "instructions"),
    "10 GB string": ("x = 'a' * (10 * 1024 ** 3)", "items"),
    "doubling string": ("s = 'a'\nwhile True:\n    s = s + s", "items"),
    "doubling f-string": ("s = 'a'\nwhile True:\n    s = f'{s}{s}'", "items"),
    "huge join": ("s = 'a' * 100000\nx = ','.join([s] * 100000)", "items"),
    "huge replace": ("s = 'a' * 100000\nx = s.replace('', s)", "items"),
    "huge ljust": ("x = 'a'.ljust(10 ** 10)", "items"),
    "huge format width": ("x = f'{1:>999999999}'", "format widths"),
    "huge % width": ("x = '%0999999999d' % 1", "format widths"),
    "huge power": ("x = 10 ** 10 ** 8", "bits"),
    "huge pow()": ("x = pow(10, 10 ** 8)", "bits"),
    "huge shift": ("x = 1 << 10 ** 10", "bits"),
    "squaring loop": ("x = 3\nwhile True:\n    x = x * x", "bits"),
    "huge range": ("x = list(range(10 ** 9))", "range"),
    "sum of lists": ("x = sum([[0] * 1000] * 1000, [])", "numbers only"),
    "many copies": ("big = [0] * 1000000\nx = [big[:] for _ in range(100)]", "in all"),
    "doubling extend": ("l = [0]\nwhile True:\n    l.extend(l)", "items"),
    "deep recursion": ("def f(n):\n    return f(n + 1)\nx = f(0)", "nested deeper"),
}


@pytest.mark.parametrize("source, words", REFUSED_AT_PUBLISHING.values(), ids=REFUSED_AT_PUBLISHING)
def test_probe_is_refused_at_publishing(source, words):
    with pytest.raises(ProcessDefinitionError) as refused:
        parse_process({"legal_review.bpmn": with_script_after_acceptance(source)}, "legal_review")
    [problem] = refused.value.problems
    assert problem.element_id == "sneaky" and words in problem.message, problem


@pytest.mark.parametrize("source, words", STOPPED_AT_RUN_TIME.values(), ids=STOPPED_AT_RUN_TIME)
def test_probe_passes_publishing_and_is_stopped_at_run_time(source, words):
    parse_process({"legal_review.bpmn": with_script_after_acceptance(source)}, "legal_review")
    started = time.monotonic()
    with pytest.raises(ScriptTooLong, match=f"{words}|{WALL_CLOCK}"):
        run(source)
    assert time.monotonic() - started < STOPPED_WITHIN


def test_an_unconnected_script_task_is_refused_even_when_harmless():
    xml = DEFAULT_BPMN.read_text(encoding="utf-8").replace(
        "</bpmn:process>", '<bpmn:scriptTask id="orphan" name="孤立脚本"><bpmn:script>x = 1</bpmn:script>'
                           '</bpmn:scriptTask></bpmn:process>', 1)
    with pytest.raises(ProcessDefinitionError) as refused:
        parse_process({"legal_review.bpmn": xml.encode()}, "legal_review")
    [problem] = refused.value.problems
    assert problem.element_id == "orphan" and "未连接" in problem.message


def test_an_unconnected_script_task_is_checked_like_a_connected_one():
    xml = DEFAULT_BPMN.read_text(encoding="utf-8").replace(
        "</bpmn:process>", '<bpmn:scriptTask id="orphan"><bpmn:script>x = open("/etc/passwd")</bpmn:script>'
                           '</bpmn:scriptTask></bpmn:process>', 1)
    with pytest.raises(ProcessDefinitionError) as refused:
        parse_process({"legal_review.bpmn": xml.encode()}, "legal_review")
    messages = sorted(p.message for p in refused.value.problems if p.element_id == "orphan")
    assert len(messages) == 2 and "open" in messages[0] and "未连接" in messages[1]


ALLOWED = """
total = 0
for amount in amounts:
    total += amount
average = total / len(amounts)
rounded = round(average, 2)
power = 2 ** 10
label = 'round %d of %s' % (rnd, name)
money = f'{total:,.2f} 元'
limits = {'review': 5, 'extension': 3}
limits.update({'review': 7})
keys = sorted(limits, key=lambda k: limits[k], reverse=True)
rows = sorted([{'n': 2}, {'n': 1}], key=lambda row: row['n'])
big = [n for n in amounts if n > 1]
pairs = list(zip(amounts, range(3)))
joined = '、'.join(['甲', '乙'])
squares = {n: n * n for n in range(5)}
largest = max(amounts) + min(amounts) + abs(-3) + sum(amounts)
due = add_working_days('2026-11-02', 5)
cal_due = add_calendar_days('2026-11-02', 30)
between = working_days_between('2026-11-02', due)
is_text = isinstance(name, str) and name.startswith('案')
stretched = '-' * 20
"""


def test_the_scripts_designers_write_keep_working(app):
    with app.app_context():
        from review_service.workdays.scripting import SCRIPT_HELPERS
        env = make_script_engine(SCRIPT_HELPERS).environment
        context = {"amounts": [1, 2, 3], "rnd": 2, "name": "案件"}
        env.execute(ALLOWED, context)
    assert (context["total"], context["average"], context["rounded"], context["power"]) == (6, 2.0, 2.0, 1024)
    assert context["label"] == "round 2 of 案件" and context["money"] == "6.00 元"
    assert context["limits"] == {"review": 7, "extension": 3} and context["keys"] == ["review", "extension"]
    assert context["rows"] == [{"n": 1}, {"n": 2}] and context["big"] == [2, 3]
    assert context["pairs"] == [(1, 0), (2, 1), (3, 2)] and context["joined"] == "甲、乙"
    assert context["squares"][4] == 16 and context["largest"] == 3 + 1 + 3 + 6
    assert context["due"] == "2026-11-09" and context["between"] == 5 and context["cal_due"] == "2026-12-02"
    assert context["is_text"] is True and context["stretched"] == "-" * 20
    with app.app_context():
        for expression, value in (("amounts[0] * 3 + len(name)", 5), ("f'{rnd:03d}'", "002"),
                                  ("add_working_days('2026-11-02', rnd)", "2026-11-04")):
            assert env.evaluate(expression, {"amounts": [1], "name": "案件", "rnd": 2}) == value


@pytest.mark.parametrize("source", ["x = 'a' * (10 * 1024 ** 3)", "while True:\n    pass", "x = 10 ** 10 ** 8",
                                    "def f(n):\n    return f(n + 1)\nx = f(0)"],
                         ids=["10 GB string", "endless loop", "huge power", "deep recursion"])
def test_a_runaway_script_in_a_published_process_is_stopped_and_the_server_answers(app, as_user, source):
    with app.app_context():
        city = db.session.query(Agency).filter_by(code="city").one()
        publish_version({"legal_review.bpmn": with_script_after_acceptance(source)}, agency_id=city.id)
        db.session.commit()
    case = as_user("handler").submit()
    reviewer = as_user("reviewer")
    task = reviewer.open_task(case["id"], "accept_submission")
    started = time.monotonic()
    response = reviewer.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"result": "accept"}})
    assert time.monotonic() - started < STOPPED_WITHIN
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "workflow_script_error"
    assert reviewer.case(case["id"])["status"] == "awaiting_acceptance"  # nothing changed, and the next request answers
