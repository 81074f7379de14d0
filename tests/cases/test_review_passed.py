"""The decision guard reads the current round: an approval of an earlier round does not count."""
import pytest

from review_service.cases.effects import check_preconditions
from review_service.cases.models import Case
from review_service.errors import Conflict


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


def test_other_task_kinds_are_not_guarded():
    check_preconditions(Case(passed_round=None, round=1), "review_opinion")
