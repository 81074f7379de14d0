"""test_counter_figures.py with the other agency's local calendar (counting.local_calendar): the counters still
give the working days per stage that the tasks give. The scenario is built once per module, as there."""
import pytest

from .counting import SCOPES, both_ways, local_calendar, varied_world


@pytest.fixture(scope="module")
def world(module_app, database_template, session_clock):
    app = varied_world(module_app, database_template, session_clock)
    local_calendar(app)
    return app


@pytest.fixture
def long_lived_tokens():
    """The dashboard's conftest.py sets this on the per-test app; the module's world set it when built."""


@pytest.mark.parametrize("period_days", [1, 3, 90])
@pytest.mark.parametrize(("codes", "whole_tree"), SCOPES)
def test_counters_give_the_figures_of_the_tasks_with_a_local_calendar(world, codes, whole_tree, period_days):
    from_counters, from_tasks = both_ways(world, codes, period_days, whole_tree)
    assert from_counters == from_tasks
