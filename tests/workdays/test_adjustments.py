"""Local adjustments apply to the agency and the agencies below it, not to siblings."""
from datetime import date

import pytest

from review_service.agencies.models import Agency
from review_service.errors import InvalidInput
from review_service.extensions import db
from review_service.workdays.service import add_working_days, adjust_day, is_working_day, working_days_between

D = date.fromisoformat


@pytest.fixture
def county(agency_ids):
    """A county agency below `city` (province > city > county); `other` is city's sibling."""
    agency = Agency(code="county", name="县市场监督管理局", level="county", parent_id=agency_ids["city"])
    db.session.add(agency)
    db.session.commit()
    return agency.id


def test_an_adjustment_applies_to_the_agency_and_below_not_to_a_sibling(agency_ids, county):
    adjust_day(agency_ids["city"], D("2026-06-01"), is_working_day=False, reason="市政府通知：防汛放假")
    db.session.commit()
    assert not is_working_day(D("2026-06-01"), agency_id=agency_ids["city"])
    assert not is_working_day(D("2026-06-01"), agency_id=county)
    assert is_working_day(D("2026-06-01"), agency_id=agency_ids["other"])
    assert is_working_day(D("2026-06-01"), agency_id=agency_ids["province"])
    assert is_working_day(D("2026-06-01"))
    assert add_working_days(D("2026-05-29"), 1, agency_id=county) == D("2026-06-02")
    assert add_working_days(D("2026-05-29"), 1, agency_id=agency_ids["other"]) == D("2026-06-01")
    assert working_days_between(D("2026-05-29"), D("2026-06-05"), agency_id=county) == 4


def test_the_nearest_agency_wins_and_the_latest_adjustment_supersedes(agency_ids, county):
    adjust_day(agency_ids["province"], D("2026-06-06"), is_working_day=True, reason="省：周六上班")
    adjust_day(county, D("2026-06-06"), is_working_day=False, reason="县：仍休息")
    db.session.commit()
    assert is_working_day(D("2026-06-06"), agency_id=agency_ids["other"])
    assert is_working_day(D("2026-06-06"), agency_id=agency_ids["city"])
    assert not is_working_day(D("2026-06-06"), agency_id=county)
    adjust_day(county, D("2026-06-06"), is_working_day=True, reason="县：改为上班")
    db.session.commit()
    assert is_working_day(D("2026-06-06"), agency_id=county)


def test_an_adjustment_needs_an_agency_and_a_reason(agency_ids):
    with pytest.raises(InvalidInput) as raised:
        adjust_day(999999, D("2026-06-01"), is_working_day=False, reason="x")
    assert raised.value.code == "agency_not_found"
    with pytest.raises(InvalidInput) as raised:
        adjust_day(agency_ids["city"], D("2026-06-01"), is_working_day=False, reason="  ")
    assert "reason" in raised.value.fields
