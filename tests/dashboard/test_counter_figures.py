"""The dashboard's counters give exactly the working days per stage that the tasks give, for several periods,
scopes and with or without the other agency's local calendar, on the varied scenario (counting.py).

These tests only read: the scenario is built once per module on a module-scoped database (conftest.py:
module_app), with the local calendar in test_counter_figures_local_calendar.py.
"""
import pytest

from .counting import SCOPES, both_ways, varied_world


@pytest.fixture(scope="module")
def world(module_app, database_template, session_clock):
    return varied_world(module_app, database_template, session_clock)


@pytest.fixture
def long_lived_tokens():
    """The dashboard's conftest.py sets this on the per-test app; the module's world set it when built."""


@pytest.mark.parametrize("period_days", [1, 3, 90])
@pytest.mark.parametrize(("codes", "whole_tree"), SCOPES)
def test_counters_give_the_figures_of_the_tasks(world, codes, whole_tree, period_days):
    from_counters, from_tasks = both_ways(world, codes, period_days, whole_tree)
    assert from_counters == from_tasks
