"""What the designer's pages read from a diagram without running it (processes/diagrams.py): the main .bpmn
file and the literal time limits of the set_time_limits script (read by engine.literal_assigned)."""
import pytest

from review_service.engine import literal_assigned
from review_service.processes.diagrams import diagram_time_limits, main_bpmn_name

from .overrides import default_bpmn, replace

DEFAULT_LIMITS = {"review_working_days": 5, "extension_working_days": 3, "supplement_mode": "RESTART",
                  "reminder_working_days": 1, "statutory_decision_calendar_days": 90,
                  "publication_working_days": {"administrative_penalty": 7, "administrative_license": 7},
                  "publication_working_days_other": 20, "archive_calendar_days": 30, "withdrawal_working_days": 3}


def with_script(script: str) -> str:
    bpmn = default_bpmn()
    start = bpmn.index("<bpmn:script>time_limits = {")
    end = bpmn.index("</bpmn:script>", start)
    return bpmn[:start] + f"<bpmn:script>{script}" + bpmn[end:]


def test_the_national_diagram_starts_from_its_literal():
    assert diagram_time_limits(default_bpmn()) == DEFAULT_LIMITS


@pytest.mark.parametrize("script, limits", [
    ("time_limits = {'review_working_days': 7}\ntime_limits.update({})", {"review_working_days": 7}),
    ("if True:\n    time_limits = {'review_working_days': 6}", {"review_working_days": 6}),
    ("x = 1\ntime_limits = {'a': 1}\ntime_limits = {'a': 2}", {"a": 1}),  # the first assignment
    ("time_limits = dict(review_working_days=7)", {}),  # not a literal
    ("time_limits = [1, 2]", {}),  # not a mapping
    ("time_limits = {", {}),  # does not parse
    ("limits = {'a': 1}", {}),
])
def test_only_a_plain_literal_is_read(script, limits):
    assert diagram_time_limits(with_script(script)) == limits


def test_another_script_task_or_broken_xml_gives_nothing():
    assert diagram_time_limits(replace(default_bpmn(), 'id="set_time_limits"', 'id="other_script"')) == {}
    assert diagram_time_limits("<bpmn:definitions") == {}


def test_literal_assigned_runs_nothing():
    assert literal_assigned("import os\nlimits = {'a': 1}\nos.system('false')", "limits") == {"a": 1}
    assert literal_assigned("limits = open('x').read()", "limits") is None


def test_the_main_diagram_is_the_one_holding_the_legal_review_process():
    sources = {"a.bpmn": '<bpmn:process id="other" />',
               "b.bpmn": '<bpmn:process id="legal_review" isExecutable="true">'}
    assert main_bpmn_name(sources) == "b.bpmn"
    assert main_bpmn_name({"a.bpmn": "<x/>", "c.bpmn": "<y/>"}) == "a.bpmn"
    assert main_bpmn_name({}) == "legal_review.bpmn"
