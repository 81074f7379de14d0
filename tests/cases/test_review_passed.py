"""The decision guard reads the current round: an approval of an earlier round does not count."""
import re
from pathlib import Path

import pytest

import review_service.models  # noqa: F401  (every mapper known, as create_app does, so Case() works run alone)
from review_service.cases.effects import check_preconditions
from review_service.cases.models import Case
from review_service.errors import Conflict

BPMN = Path(__file__).resolve().parents[2] / "workflows" / "default" / "legal_review.bpmn"
TASK_KINDS = sorted(set(re.findall(r'name="taskKind" value="([a-z_]+)"', BPMN.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("passed_round, current_round, passed", [(None, 1, False), (1, 1, True), (1, 2, False),
                                                                   (2, 2, True)])
def test_review_passed_only_for_the_current_round(app, passed_round, current_round, passed):
    case = Case(passed_round=passed_round, round=current_round)
    assert case.review_passed is passed
    with app.app_context():  # a passed review also checks the profile's collective discussion (none here)
        if passed:
            check_preconditions(case, "decision")
        else:
            with pytest.raises(Conflict) as refused:
                check_preconditions(case, "decision")
            assert refused.value.code == "review_not_passed"


@pytest.mark.parametrize("kind", [kind for kind in TASK_KINDS if kind != "decision"])
def test_other_task_kinds_are_not_guarded(kind):
    """Every other task of the process may be completed before any review passed: no refusal, nothing returned."""
    case = Case(passed_round=None, round=1)
    assert case.review_passed is False
    assert check_preconditions(case, kind) is None
    with pytest.raises(Conflict):  # the same unpassed case is refused a decision
        check_preconditions(case, "decision")


def test_the_process_has_the_task_kinds_the_guard_is_tested_with():
    assert "decision" in TASK_KINDS and len(TASK_KINDS) >= 10, TASK_KINDS
